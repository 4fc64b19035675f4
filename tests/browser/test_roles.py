"""Every role lands on its own home, finds its help, and nothing spills sideways on a phone."""

import re

import pytest

from tests import factories
from tests.browser.conftest import PHONE, expect, settle

HOMES = {
    "trainee": (r"/learning$", "My learning", "Trainees"),
    "instructor": (r"/cohorts$", "My cohorts", "Instructors"),
    "manager": (r"/dashboard$", re.compile(r"^Headcount \d{4}$"), "Programme managers"),
    "partner": (r"/portal$", re.compile("^Talent supply"), "Partners"),
    "admin": (r"/admin/users$", re.compile("People"), "Administrators"),
}


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("role", HOMES)
def test_each_role_lands_on_its_home_and_its_help(open_session, role):
    partner = factories.make_partner("Futian District Government") if role == "partner" else None
    email = factories.make_user([role], partner=partner).email
    settle()
    url, heading, help_title = HOMES[role]

    session = open_session(f"phone-{role}", viewport=PHONE)
    page = session.page
    session.sign_in(email)
    expect(page).to_have_url(re.compile(url))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert fits_the_screen(page), f"{role} home is wider than a phone"
    session.shot("home")

    page.locator(".site-header").get_by_role("link", name="Help").click()
    expect(page.locator("#help-title")).to_have_text(help_title)
    assert fits_the_screen(page), "help is wider than a phone"
    session.shot("help")


def test_the_keyboard_reaches_the_content_first(open_session):
    session = open_session("keyboard")
    page = session.page
    page.goto("/courses")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    expect(page.locator("main")).to_be_focused()
