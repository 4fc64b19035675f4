"""A trainee's journey: catalogue, sign in, join, lessons, quiz, certificate, verification."""

import re

from tests import factories
from tests.browser.conftest import PHONE, expect, settle


def test_from_catalogue_to_a_verified_certificate(open_session):
    course = factories.make_course(lessons=2, quiz_on_last=True, hours=12)
    factories.make_cohort(course, capacity=10)
    trainee = factories.make_user(["trainee"], email="mei@example.org", name="Chan Tai Mei")
    title, email = course.title, trainee.email
    settle()

    browser = open_session("trainee")
    page = browser.page
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/courses$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Course catalogue")
    page.get_by_label("Search").fill(title)
    page.get_by_role("button", name="Filter").click()
    browser.shot("1-catalogue")
    page.get_by_role("link", name=title).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    page.get_by_role("link", name="Sign in to join").click()
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.locator("main form [type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    browser.shot("2-course")

    page.get_by_role("button", name="Join", exact=True).click()
    expect(page).to_have_url(re.compile(r"/learning$"))
    expect(page.locator(".flash-success")).to_contain_text("You have a seat")
    browser.shot("3-my-learning")

    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lesson 1")
    page.get_by_role("button", name="Mark as done").click()
    # Marking a lesson done moves on to the next one, with the first ticked in the list.
    expect(page.get_by_role("heading", level=1)).to_have_text("Lesson 2")
    expect(page.locator(".lesson-list li.done")).to_have_text(re.compile("Lesson 1"))

    expect(page.get_by_role("heading", name="Quiz")).to_be_visible()
    page.get_by_label("3", exact=True).check()  # wrong on purpose: the page says how to pass
    page.get_by_label("Shenzhen").check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".quiz [role=status]")).to_contain_text("the pass mark is 50%")
    page.get_by_label("4", exact=True).check()
    page.get_by_label("Guangzhou").check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".quiz [role=status]")).to_contain_text("passed")
    browser.shot("4-quiz-passed")

    page.get_by_role("link", name="See your certificate").click()
    expect(page.locator(".certificate .holder")).to_have_text("Chan Tai Mei")
    expect(page.locator("img.qr")).to_have_attribute("alt", re.compile(r"\w"))
    browser.shot("5-certificate")
    code = page.locator(".certificate code").inner_text()

    # Anyone holding the code can check it, signed in or not.
    stranger = open_session("trainee")
    stranger.page.goto(f"/verify/{code}")
    expect(stranger.page.locator(".badge.ok")).to_have_text("Valid")
    expect(stranger.page.locator("main")).to_contain_text("Chan Tai Mei")
    stranger.shot("6-verify")

    # Trainees study on the go: the same pages on a phone.
    phone = open_session("phone-trainee", viewport=PHONE)
    phone.sign_in(email)
    expect(phone.page).to_have_url(re.compile(r"/learning$"))
    phone.shot("1-my-learning")
    phone.page.goto("/courses")
    phone.shot("2-catalogue")
    phone.page.goto(f"/certificates/{code}")
    phone.shot("3-certificate")
