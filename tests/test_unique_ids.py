"""Pages with several forms: every id once, and each label names a control of its own form."""

from collections import Counter
from html.parser import HTMLParser

from academy.enrolments.models import Enrolment
from academy.extensions import db
from tests.factories import enrol, make_cohort, make_course, make_user, sign_in


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.form_of: dict[str, int] = {}  # id -> which form (by order on the page) holds it
        self.labels: list[tuple[str, int]] = []  # (for, form)
        self.forms = 0
        self.in_form: int | None = None
        self.hidden: dict[int, dict[str, str]] = {}  # form -> its hidden inputs, name: value

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms += 1
            self.in_form = self.forms
            self.hidden[self.in_form] = {}
        if "id" in attrs:
            self.ids.append(attrs["id"])
            self.form_of[attrs["id"]] = self.in_form
        if tag == "label" and "for" in attrs:
            self.labels.append((attrs["for"], self.in_form))
        if tag == "input" and attrs.get("type") == "hidden" and self.in_form:
            self.hidden[self.in_form][attrs["name"]] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = None


def parsed(response) -> _Ids:
    assert response.status_code == 200
    page = _Ids()
    page.feed(response.get_data(as_text=True))
    return page


def assert_ids_unique(page: _Ids) -> None:
    twice = {name: n for name, n in Counter(page.ids).items() if n > 1}
    assert twice == {}
    for target, form in page.labels:
        assert page.form_of.get(target, "missing") == form, target


def test_the_trainee_record_gives_each_form_its_own_ids(client, csrf_on):
    teacher = make_user(["instructor"])
    course = make_course()
    cohort = make_cohort(course, instructors=[teacher])
    make_cohort(course, instructors=[teacher])  # somewhere to move to: the Move form shows
    enrolment = enrol(cohort, make_user())
    sign_in(client, teacher)
    url = f"/cohorts/{cohort.id}/trainees/{enrolment.id}"
    response = client.get(url)
    page, html = parsed(response), response.get_data(as_text=True)
    for heading in ("Record completion", "Move to another cohort", "Withdraw"):
        assert f"<h2>{heading}</h2>" in html
    assert {"completion-reason", "move-reason", "withdraw-reason"} <= set(page.ids)
    assert_ids_unique(page)

    # The prefixed token is still the token: the Withdraw form as the page renders it works.
    withdraw = page.form_of["withdraw-reason"]
    data = {**page.hidden[withdraw], "withdraw-reason": "Moved abroad"}
    assert client.post(f"{url}/withdraw", data={"withdraw-reason": "x"}).status_code == 400
    assert client.post(f"{url}/withdraw", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Enrolment, enrolment.id).status == "withdrawn"


def test_the_manager_sees_the_trainee_record_with_unique_ids(client, csrf_on):
    manager = make_user(["manager"])
    course = make_course()
    cohort = make_cohort(course)
    make_cohort(course)
    enrolment = enrol(cohort, make_user())
    sign_in(client, manager)
    assert_ids_unique(parsed(client.get(f"/cohorts/{cohort.id}/trainees/{enrolment.id}")))


def test_the_profile_page_gives_each_form_its_own_ids(client, csrf_on):
    sign_in(client, make_user(["trainee"]))
    page = parsed(client.get("/account/profile"))
    assert_ids_unique(page)
