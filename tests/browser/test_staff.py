"""Staff journeys: an instructor enrols a class from CSV, a manager sets the year's target."""

import csv
import io
import re
from datetime import timedelta

from academy.dates import local_today
from tests import factories
from tests.browser.conftest import PHONE, expect, settle

CLASS_CSV = (
    "email,name,kind,region,organisation,consent_share\n"
    "lam@example.org,Lam Ka Yan,student,hong_kong,HKU,yes\n"
    "zhou@example.org,Zhou Min,professional,shenzhen,Tencent,no\n"
)


def test_instructor_enrols_a_class_from_csv_and_exports_the_roster(open_session):
    teacher = factories.make_user(["instructor"], email="ivan@example.org", name="Ivan Ho")
    course = factories.make_course(lessons=3, quiz_on_last=True)
    cohort = factories.make_cohort(course, capacity=5, instructors=[teacher])
    factories.enrol(cohort, factories.make_user(name="Ada Wong"))
    code = cohort.code
    settle()

    staff = open_session("instructor")
    page = staff.page
    staff.sign_in("ivan@example.org")
    expect(page).to_have_url(re.compile(r"/cohorts$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My cohorts")
    staff.shot("1-my-cohorts")

    page.get_by_role("link", name=code).click()
    page.get_by_role("link", name="Enrol from a CSV file").click()
    form = page.locator("form[data-working]")
    expect(form.locator("[data-working-message]")).to_be_hidden()
    staff.shot("2-upload")
    page.get_by_label("CSV file").set_input_files(
        {"name": "class.csv", "mimeType": "text/csv", "buffer": CLASS_CSV.encode()}
    )
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Preview of class.csv")
    facts = page.locator(".facts")
    expect(facts).to_contain_text(re.compile(r"New trainees to create\s*2"))
    expect(facts).to_contain_text(re.compile(r"Rows with problems\s*0"))
    staff.shot("3-preview")
    page.get_by_role("button", name="Confirm and enrol").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Roster")
    matrix = page.locator("table.matrix tbody")
    for name in ("Ada Wong", "Lam Ka Yan", "Zhou Min"):
        expect(matrix).to_contain_text(name)
    expect(matrix.locator("tr")).to_have_count(3)
    staff.shot("4-roster")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    text = download.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert {"Ada Wong", "Lam Ka Yan", "Zhou Min"} <= {cell for row in rows for cell in row}


def test_manager_reads_the_dashboard_and_changes_the_target(open_session):
    manager = factories.make_user(["manager"], email="mandy@example.org")
    course = factories.make_course()
    today = local_today()
    for n in range(3):
        person = factories.make_user(name=f"Graduate {n}")
        factories.complete(person, course, today - timedelta(days=n))
    email = manager.email
    settle()

    session = open_session("manager")
    page = session.page
    session.sign_in(email)
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    trained = page.get_by_test_id("trained")
    expect(trained).to_contain_text(re.compile(r"^\s*3\s*/\s*4,000"))
    session.shot("1-dashboard")

    page.get_by_role("link", name="Change target").click()
    page.get_by_label("Target (people trained in the year)").fill("-5")
    page.get_by_role("button", name="Save target").click()
    expect(page.locator(".field.has-error .error")).to_have_text(
        "A whole number from 0 to 1,000,000."
    )
    session.shot("2-target-error")
    page.get_by_label("Target (people trained in the year)").fill("4500")
    page.get_by_label("Reason for the change").fill("Second Hong Kong joint lab opened.")
    page.get_by_role("button", name="Save target").click()
    expect(page.locator("main")).to_contain_text("Second Hong Kong joint lab opened.")
    session.shot("3-target-history")

    page.get_by_role("link", name="Back to the dashboard").click()
    expect(page.get_by_test_id("trained")).to_contain_text(re.compile(r"^\s*3\s*/\s*4,500"))

    phone = open_session("phone-manager", viewport=PHONE)
    phone.sign_in(email)
    expect(phone.page.get_by_test_id("trained")).to_be_visible()
    phone.shot("1-dashboard")
