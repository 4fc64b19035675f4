"""A partner downloads its report in every format; anyone switches to zh-Hant and back."""

import re
from pathlib import Path

from babel.support import Translations

import academy
from academy.dates import local_today
from tests import factories
from tests.browser.conftest import expect, settle

TRANSLATIONS = Path(academy.__file__).parent / "translations"
# What each export's file starts with.
SIGNATURES = {"CSV": b"", "XLSX": b"PK", "PDF": b"%PDF"}


def test_partner_exports_its_talent_supply_report(open_session):
    partner = factories.make_partner("Qianhai Fintech Hub")
    course = factories.make_course()
    cohort = factories.make_cohort(course, sponsor=partner)
    for n in range(6):
        trainee = factories.make_user(name=f"Graduate {n}", consent=n < 2)
        factories.complete(trainee, course, local_today(), cohort=cohort)
    factories.make_user(["partner"], email="pat@example.org", partner=partner)
    settle()

    session = open_session("partner")
    page = session.page
    session.sign_in("pat@example.org")
    expect(page).to_have_url(re.compile(r"/portal$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Qianhai Fintech Hub")
    expect(page.locator("main")).to_contain_text("Graduate 0")
    expect(page.locator("main")).not_to_contain_text("Graduate 5")  # did not consent
    session.shot("1-portal")

    for label, signature in SIGNATURES.items():
        with page.expect_download() as info:
            page.get_by_role("link", name=label, exact=True).click()
        download = info.value
        assert download.suggested_filename.endswith("." + label.lower())
        content = download.path().read_bytes()
        assert content.startswith(signature) and len(content) > 100, label
        # While a file is being built the page says so.
        expect(page.locator("[data-download-status]")).to_be_visible()
    csv_text = download_text(page, "CSV")
    assert "Graduate 0" in csv_text and "Graduate 5" not in csv_text


def download_text(page, label: str) -> str:
    with page.expect_download() as info:
        page.get_by_role("link", name=label, exact=True).click()
    return info.value.path().read_text(encoding="utf-8-sig")


def test_switching_to_traditional_chinese_and_back(open_session):
    factories.make_course()
    factories.make_user(["trainee"], email="ho@example.org")
    settle()

    session = open_session("language")
    page = session.page
    page.goto("/courses")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Catalogue")

    # The switcher submits itself on change (academy.js); the page keeps its address.
    switcher = page.locator("#locale-select")
    switcher.select_option("zh_Hant")
    expect(html).to_have_attribute("lang", "zh-Hant")
    expect(page).to_have_url(re.compile(r"/courses$"))
    expect(switcher).to_have_value("zh_Hant")
    # Whatever the catalogue says "Catalogue" is (English until it is translated) is shown.
    catalogue = Translations.load(str(TRANSLATIONS), ["zh_Hant"]).gettext("Catalogue")
    expect(page.locator(".site-header nav")).to_contain_text(catalogue)
    session.shot("1-catalogue-zh-hant")

    # The choice follows the person into their account and onto the next page.
    session.sign_in("ho@example.org")
    expect(html).to_have_attribute("lang", "zh-Hant")
    session.shot("2-my-learning-zh-hant")

    switcher.select_option("en")
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("My learning")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("My learning")
