"""The frame every page shares: each role's navigation and home, help, and the error pages."""

import re

import pytest

from tests.factories import make_partner, make_user

HOMES = {
    "trainee": "/learning",
    "instructor": "/cohorts",
    "manager": "/dashboard",
    "partner": "/portal",
    "admin": "/admin",
}


def nav_labels(response) -> list[str]:
    html = response.get_data(as_text=True)
    nav = html[html.index('<ul class="nav">') : html.index("</ul>", html.index('<ul class="nav">'))]
    return re.findall(r">([^<>]+)</a>", nav)


@pytest.mark.parametrize("role", HOMES)
def test_the_start_page_sends_each_role_to_its_home(client, login, role):
    login(make_user([role], partner=make_partner() if role == "partner" else None))
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == HOMES[role]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("trainee", ["Catalogue", "My learning", "Schedule"]),
        ("instructor", ["Catalogue", "Cohorts"]),
        ("partner", ["Catalogue", "Partner portal"]),
        ("manager", ["Catalogue", "Cohorts", "Headcount", "Partners"]),
    ],
)
def test_the_navigation_offers_each_role_its_own_pages(client, login, role, expected):
    login(make_user([role], partner=make_partner() if role == "partner" else None))
    assert nav_labels(client.get("/help")) == expected


def test_the_navigation_follows_the_language_and_a_change_of_role(client, login):
    from academy.auth.models import UserRole
    from academy.extensions import db

    trainee = login(make_user(["trainee"]))
    trainee.locale = "zh_Hant"
    db.session.commit()
    assert nav_labels(client.get("/help"))[1] == "我的學習"
    trainee.locale = "zh_Hans"
    db.session.commit()
    assert nav_labels(client.get("/help"))[1] == "我的学习"
    trainee.locale = "en"
    db.session.add(UserRole(user_id=trainee.id, role="manager"))
    db.session.commit()
    assert "Headcount" in nav_labels(client.get("/help"))


def test_visitors_see_the_catalogue_and_a_way_to_sign_in(client):
    response = client.get("/help")
    assert nav_labels(response) == ["Catalogue"]
    assert b'href="/login"' in response.data


def test_a_missing_page_says_what_to_do_next(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Not found" in response.data
    assert b"Back to the start" in response.data
    assert b'lang="en"' in response.data


def test_empty_lists_say_what_to_do_next(client, login):
    login(make_user(["manager"]))
    cohorts = client.get("/cohorts").get_data(as_text=True)
    assert 'class="empty"' in cohorts and 'href="/cohorts/new"' in cohorts

    login(make_user(["admin"]))
    people = client.get("/admin/users?q=nobody-by-this-name").get_data(as_text=True)
    assert "Nobody matches." in people


def test_asset_and_navigation_links_follow_the_mount_point(client):
    # Static and navigation links are built once and remembered: a second mount point must
    # not get the first's links.
    for prefix in ("/academy", "", "/academy"):
        page = client.get("/help", base_url=f"http://localhost{prefix}").get_data(as_text=True)
        assert f'href="{prefix}/static/css/academy.css"' in page
        assert f'src="{prefix}/static/js/academy.js"' in page
        assert f'<li><a href="{prefix}/courses">Catalogue</a></li>' in page
        assert f'<a href="{prefix}/help" aria-current="page">Help</a>' in page


def test_asset_links_can_be_built_outside_a_request(app):
    from flask import url_for

    # The autouse fixture gives an app context but no request, as a CLI command has.
    built = app.jinja_env.globals["url_for"]("static", filename="css/academy.css")
    assert built == url_for("static", filename="css/academy.css")
