"""Pages in each language: locale choice, <html lang>, translations, content in its own lang."""

import re
from datetime import UTC, date, datetime

import pytest

from academy.enrolments.models import Enrolment
from academy.extensions import db
from academy.templating import date as format_day
from academy.templating import datetime_, number, percent
from tests.factories import complete, enrol, make_cohort, make_course, make_user, sign_in

# Simplified forms of key terms; a Hong Kong page must use the traditional ones.
SIMPLIFIED_ONLY = ("课程", "学员", "登录", "证书", "报名", "邮箱", "数据", "设置", "学习", "语言")


def html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


def visible_text(page: str) -> str:
    # The language menu lists every language by its own name, whatever the page's language.
    page = re.sub(r"<select id=\"locale-select\".*?</select>", "", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", page)


@pytest.mark.parametrize(
    ("accept", "lang"),
    [
        ("zh-HK", "zh-Hant"),
        ("zh-TW", "zh-Hant"),
        ("zh-Hant-HK", "zh-Hant"),
        ("zh-CN", "zh-Hans"),
        ("zh-Hans", "zh-Hans"),
        ("zh", "zh-Hans"),
        ("fr-FR, zh-HK;q=0.8", "zh-Hant"),
        ("fr-FR", "en"),
        ("", "en"),
    ],
)
def test_accept_language_picks_the_catalogue(client, accept, lang):
    page = client.get("/login", headers={"Accept-Language": accept}).get_data(as_text=True)
    assert html_lang(page) == lang


def test_login_page_and_navigation_in_each_language(client):
    pages = {
        accept: client.get("/login", headers={"Accept-Language": accept}).get_data(as_text=True)
        for accept in ("en", "zh-CN", "zh-HK")
    }
    assert "<title>Sign in · AI Future Academy</title>" in pages["en"]
    assert "<title>登录 · AI 未来学院</title>" in pages["zh-CN"]
    assert "<title>登入 · AI 未來學院</title>" in pages["zh-HK"]
    assert ">课程目录</a>" in pages["zh-CN"] and ">課程目錄</a>" in pages["zh-HK"]
    assert "跳到正文" in pages["zh-CN"] and "跳到正文" in pages["zh-HK"]
    assert "电子邮件" not in pages["zh-CN"] and "電郵" in pages["zh-HK"]


def test_a_hong_kong_page_uses_no_simplified_forms_of_key_terms(client):
    trainee = make_user()
    course = make_course(lessons=2)
    enrol(make_cohort(course), trainee)
    sign_in(client, trainee)
    trainee.locale = "zh_Hant"
    db.session.commit()
    for path in ("/learning", "/courses", "/account", f"/courses/{course.slug}"):
        page = client.get(path).get_data(as_text=True)
        assert html_lang(page) == "zh-Hant", path
        found = [term for term in SIMPLIFIED_ONLY if term in visible_text(page)]
        assert not found, f"{path}: simplified {found}"


def test_saved_preference_beats_the_switcher_and_the_browser(client):
    user = make_user()
    user.locale = "zh_Hant"
    db.session.commit()
    sign_in(client, user)
    with client.session_transaction() as session:
        session["locale"] = "zh_Hans"
    page = client.get("/learning", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html_lang(page) == "zh-Hant" and "我的學習" in page


def test_the_switcher_is_remembered_in_the_session_and_on_the_account(client):
    response = client.post("/language", data={"locale": "zh_Hans", "next": "/login"})
    assert response.status_code == 302
    page = client.get("/login", headers={"Accept-Language": "zh-HK"}).get_data(as_text=True)
    assert html_lang(page) == "zh-Hans"

    user = make_user()
    sign_in(client, user)
    client.post("/language", data={"locale": "zh_Hant", "next": "/learning"})
    db.session.expire_all()
    assert db.session.get(type(user), user.id).locale == "zh_Hant"


def test_unknown_switcher_value_changes_nothing(client):
    client.post("/language", data={"locale": "xx", "next": "/login"})
    page = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html_lang(page) == "en"


def test_wtforms_messages_follow_the_page_language(client):
    hant = client.post("/login", data={}, headers={"Accept-Language": "zh-HK"})
    hans = client.post("/login", data={}, headers={"Accept-Language": "zh-CN"})
    assert "此項為必填項" in hant.get_data(as_text=True)
    # WTForms' own zh catalogue would have answered in simplified Chinese.
    assert "该字段" not in hant.get_data(as_text=True)
    assert "此项为必填项" in hans.get_data(as_text=True)


def test_service_messages_and_error_pages_are_translated(client):
    page = client.get("/no-such-page", headers={"Accept-Language": "zh-HK"})
    assert page.status_code == 404
    text = page.get_data(as_text=True)
    assert "頁面不存在" in text and "沒有這個頁面" in text


def test_the_api_answers_in_english_whatever_the_browser_says(client, api):
    response = client.get("/api/v1/cohorts/999999", headers={"Accept-Language": "zh-CN"})
    assert response.status_code in (401, 404)
    message = response.get_json()["error"]["message"]
    assert message.isascii()


def test_a_hong_kong_course_keeps_its_language_in_an_english_interface(client):
    course = make_course(language="zh-Hant", lessons=1)
    course.title = "人工智能入門：數據與軟件"
    db.session.commit()
    trainee = make_user()
    enrolment = enrol(make_cohort(course), trainee)
    sign_in(client, trainee)

    detail = client.get(f"/courses/{course.slug}", headers={"Accept-Language": "en"})
    text = detail.get_data(as_text=True)
    assert html_lang(text) == "en"
    assert '<article class="card" lang="zh-Hant">\n  <h1>人工智能入門：數據與軟件</h1>' in text
    assert ">Lessons</h2>" in text  # the interface around it stays English

    lesson = client.get(f"/learning/{enrolment.id}/lesson-1", headers={"Accept-Language": "en"})
    text = lesson.get_data(as_text=True)
    assert html_lang(text) == "en"
    assert '<article class="card" lang="zh-Hant">' in text
    assert "Mark as done" in text


@pytest.mark.parametrize(
    ("accept", "day", "moment", "big", "share"),
    [
        ("en", "Mar 5, 2026", "Mar 6, 2026, 12:30:00\u202fAM", "12,345", "42%"),
        ("zh-CN", "2026年3月5日", "2026年3月6日 00:30:00", "12,345", "42%"),
        ("zh-HK", "2026年3月5日", "2026年3月6日", "12,345", "42%"),
    ],
)
def test_dates_and_numbers_follow_the_locale(app, accept, day, moment, big, share):
    with app.test_request_context("/", headers={"Accept-Language": accept}):
        assert format_day(date(2026, 3, 5)) == day
        # UTC 16:30 is already the next morning in Shenzhen and Hong Kong.
        assert datetime_(datetime(2026, 3, 5, 16, 30, tzinfo=UTC)).startswith(moment)
        assert number(12345) == big
        assert percent(0.42) == share
        assert format_day(None) == "" and number(None) == "" and percent(None) == ""


def test_a_certificate_shows_its_date_in_the_readers_language(client):
    trainee = make_user(name="陳大文")
    record = complete(trainee, make_course(), date(2026, 3, 5))
    english = client.get(f"/verify/{record.certificate_code}", headers={"Accept-Language": "en"})
    chinese = client.get(f"/verify/{record.certificate_code}", headers={"Accept-Language": "zh-HK"})
    assert "March 5, 2026" in english.get_data(as_text=True)
    assert "2026年3月5日" in chinese.get_data(as_text=True)


def test_roles_and_enrolment_policies_are_named_not_coded(client):
    chinese = {"Accept-Language": "zh-CN"}
    manager = make_user(["manager", "instructor"])
    cohort = make_cohort(policy="invite", invite_code="SZ-2026")
    sign_in(client, manager)
    account = visible_text(client.get("/account", headers=chinese).get_data(as_text=True))
    assert "项目经理" in account and "manager" not in account and "instructor" not in account
    users = client.get("/admin/users", headers=chinese).get_data(as_text=True)
    assert ">admin<" not in users and ">trainee<" not in users
    detail = visible_text(
        client.get(f"/cohorts/{cohort.id}", headers=chinese).get_data(as_text=True)
    )
    assert "邀请码" in detail and " invite " not in detail


def test_the_historys_own_phrases_are_translated_and_peoples_words_kept(client, app):
    from flask_babel import force_locale

    from academy.enrolments.reasons import shown_reason

    with app.test_request_context("/"), force_locale("zh_Hans"):
        assert shown_reason("Joined by the trainee") == "学员自行报名"
        assert (
            shown_reason("Moved from C0007. Wrong time slot") == "从 C0007 转入。 Wrong time slot"
        )
        assert shown_reason("Completion revoked: 错误记录") == "结业已撤销： 错误记录"
        assert shown_reason("Typed by a person") == "Typed by a person"
    teacher = make_user(["instructor"])
    course = make_course()
    cohort = make_cohort(course, instructors=[teacher])
    trainee = make_user()
    sign_in(client, trainee)
    client.post(f"/courses/{course.slug}/join", data={"cohort_id": str(cohort.id)})
    enrolment = db.session.scalar(db.select(Enrolment).where(Enrolment.user_id == trainee.id))
    sign_in(client, teacher)
    page = client.get(
        f"/cohorts/{cohort.id}/trainees/{enrolment.id}", headers={"Accept-Language": "zh-HK"}
    ).get_data(as_text=True)
    assert "學員自行報名" in page and "Joined by the trainee" not in page
