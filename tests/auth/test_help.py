"""The in-app help: public, and open at the signed-in person's role."""

import pytest

from tests.factories import make_partner, make_user

TITLES = {
    "trainee": "Trainees",
    "instructor": "Instructors",
    "manager": "Programme managers",
    "partner": "Partners",
    "admin": "Administrators",
}


def section(response) -> str:
    """The open section's heading."""
    html = response.get_data(as_text=True)
    start = html.index('id="help-title">') + len('id="help-title">')
    return html[start : html.index("</h2>", start)]


def test_visitors_get_the_trainee_guide_and_every_page_links_to_help(client):
    response = client.get("/help")
    assert response.status_code == 200
    assert section(response) == "Trainees"
    assert b"Open the catalogue" in response.data
    assert b'href="/help"' in client.get("/login").data


@pytest.mark.parametrize("role", TITLES)
def test_each_role_sees_its_own_section_first(client, login, role):
    partner = make_partner() if role == "partner" else None
    login(make_user([role], partner=partner))
    response = client.get("/help")
    assert response.status_code == 200
    assert section(response) == TITLES[role]
    # The tab of the open section is marked for screen readers; the others are links.
    assert response.data.count(b'aria-current="page">') == 2  # the tab and the header link


def test_someone_with_several_roles_starts_at_the_broadest(client, login):
    login(make_user(["trainee", "instructor", "manager"]))
    assert section(client.get("/help")) == "Programme managers"


@pytest.mark.parametrize("role", TITLES)
def test_any_section_can_be_opened_by_anyone(client, role):
    assert section(client.get(f"/help?role={role}")) == TITLES[role]


def test_an_unknown_section_falls_back_to_the_default(client):
    response = client.get("/help?role=superuser")
    assert response.status_code == 200
    assert section(response) == "Trainees"


def test_links_to_staff_pages_show_only_to_those_who_can_use_them(client, login):
    assert b"Open the dashboard" not in client.get("/help?role=manager").data
    login(make_user(["manager"]))
    assert b"Open the dashboard" in client.get("/help?role=manager").data
    assert b"Open administration" not in client.get("/help?role=admin").data
