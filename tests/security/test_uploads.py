"""CSV uploads: size limits, encodings (real GBK, GB18030 and Big5 bytes), clear errors, no code."""

from __future__ import annotations

import csv
import io
from io import BytesIO

import pytest
from sqlalchemy import func, select

from academy.auth.models import User
from academy.cohorts import imports
from academy.extensions import db
from tests.factories import make_cohort, make_user, sign_in

HEADER = "email,name,kind,region,organisation,consent_share\n"
SIMPLIFIED = (
    HEADER
    + "li.wei@example.org,李伟,professional,shenzhen,腾讯科技,yes\n"
    + "zhang.min@example.org,张敏,student,other,深圳大学,no\n"
)
TRADITIONAL = (
    HEADER
    + "chan.tm@example.org,陳大文,professional,hong_kong,香港科技園,yes\n"
    + "wong.ky@example.org,黃嘉欣,student,hong_kong,香港大學,no\n"
)


def users() -> int:
    return db.session.scalar(select(func.count(User.id)))


@pytest.mark.parametrize(
    ("data", "encoding", "name"),
    [
        (SIMPLIFIED.encode("utf-8"), "utf-8", "李伟"),
        (b"\xef\xbb\xbf" + SIMPLIFIED.encode("utf-8"), "utf-8-sig", "李伟"),
        (SIMPLIFIED.encode("gbk"), "gb18030", "李伟"),
        (SIMPLIFIED.encode("gb2312"), "gb18030", "李伟"),
        (SIMPLIFIED.encode("gb18030"), "gb18030", "李伟"),
        (TRADITIONAL.encode("big5"), "big5hkscs", "陳大文"),
        (TRADITIONAL.encode("cp950"), "big5hkscs", "陳大文"),
        (TRADITIONAL.encode("gb18030"), "gb18030", "陳大文"),
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb2312", "gb18030", "big5", "cp950", "traditional-gb18030"],
)
def test_files_from_chinese_spreadsheet_apps_are_read_right(data, encoding, name):
    decoded = imports.read(data)
    assert decoded.encoding == encoding
    assert decoded.guessed == (encoding not in ("utf-8", "utf-8-sig"))
    rows, errors = imports.parse(decoded.text)
    assert errors == [] and rows[0].name == name
    assert not decoded.text.startswith("\ufeff")


@pytest.mark.parametrize(
    "data",
    [
        (HEADER + "x@y.org,陈,student,other,,no").encode("gb18030"),  # too little to tell
        (HEADER + "e@example.org,Zoë Müller,student,other,,no\n").encode("latin-1"),
        b"\xef\xbb\xbf" + "email,陈".encode("gbk"),  # claims UTF-8, is not
        bytes(range(256)) * 4,
    ],
    ids=["one-character", "latin-1", "false-bom", "binary"],
)
def test_files_whose_encoding_cannot_be_told_are_refused_with_advice(data):
    with pytest.raises(imports.ImportFileError) as refused:
        imports.read(data)
    message = str(refused.value)
    assert "not UTF-8" in message or "unreadable byte" in message
    assert "CSV UTF-8" in message


def _upload(client, cohort, data: bytes, name="class.csv"):
    return client.post(
        f"/cohorts/{cohort.id}/import",
        data={"file": (BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _oversized_upload(app, client, cohort):
    # A raw body: the test client would otherwise spool a big file to disk and leave it open.
    return client.post(
        f"/cohorts/{cohort.id}/import",
        data=b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1),
        content_type="multipart/form-data; boundary=zzz",
    )


@pytest.fixture
def teacher_and_cohort(client):
    teacher = make_user(["instructor"])
    cohort = make_cohort(capacity=5, instructors=[teacher])
    sign_in(client, teacher)
    return teacher, cohort


@pytest.mark.parametrize(
    ("data", "label", "name"),
    [
        (SIMPLIFIED.encode("gbk"), "GB18030/GBK", "李伟"),
        (TRADITIONAL.encode("big5"), "Big5", "陳大文"),
    ],
)
def test_the_preview_says_which_encoding_was_assumed(client, teacher_and_cohort, data, label, name):
    _teacher, cohort = teacher_and_cohort
    upload = _upload(client, cohort, data)
    assert upload.status_code == 302
    preview = client.get(upload.headers["Location"]).get_data(as_text=True)
    assert label in preview
    assert "not UTF-8" in preview
    assert name in preview  # shown so the person can see it reads right
    assert client.post(upload.headers["Location"]).status_code == 302
    stored = db.session.scalar(select(User.name).where(User.name == name))
    assert stored == name


def test_a_utf8_preview_names_utf8_without_a_warning(client, teacher_and_cohort):
    _teacher, cohort = teacher_and_cohort
    upload = _upload(client, cohort, SIMPLIFIED.encode("utf-8"))
    preview = client.get(upload.headers["Location"]).get_data(as_text=True)
    assert "UTF-8" in preview and "not UTF-8" not in preview


def test_a_file_over_the_request_limit_gets_a_friendly_413(app, client, teacher_and_cohort):
    _teacher, cohort = teacher_and_cohort
    before = users()
    response = _oversized_upload(app, client, cohort)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "too large" in html and "Split it" in html
    assert "<form" in html  # the upload page again, ready for a smaller file
    assert users() == before


def _padded(size: int) -> bytes:
    """Two good rows, then lines of spaces (skipped as blank) up to `size` bytes."""
    rows = HEADER + "a@example.org,A,student,other,,no\nb@example.org,B,student,other,,no\n"
    blank = " " * 1023 + "\n"
    return (rows + blank * ((size - len(rows)) // len(blank) + 1)).encode()


def test_a_file_over_5_mb_is_imported_under_the_default_setting(app, client, teacher_and_cohort):
    _teacher, cohort = teacher_and_cohort
    assert app.config["MAX_CONTENT_LENGTH"] == 8 * 1024 * 1024  # ACADEMY_MAX_UPLOAD_BYTES
    data = _padded(6 * 1024 * 1024)
    # A raw body: the test client would otherwise spool the file to disk and leave it open.
    body = (
        b'--zzz\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n" + data + b"\r\n--zzz--\r\n"
    )
    response = client.post(
        f"/cohorts/{cohort.id}/import",
        data=body,
        content_type="multipart/form-data; boundary=zzz",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Preview of big.csv" in preview and "Confirm and enrol" in preview


def test_the_upload_page_and_refusal_give_the_setting_s_limit(
    app, client, teacher_and_cohort, monkeypatch
):
    _teacher, cohort = teacher_and_cohort
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 100_000)
    page = client.get(f"/cohorts/{cohort.id}/import").get_data(as_text=True)
    assert "at most 0.09 MB" in page  # 100,000 bytes, rounded down: not "0 MB"
    before = users()
    response = _oversized_upload(app, client, cohort)
    assert response.status_code == 413
    assert "at most 0.09 MB can be uploaded" in response.get_data(as_text=True)
    assert users() == before


def test_reading_a_file_is_limited_by_the_setting(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 20 * 1024 * 1024)
    assert imports.read(_padded(6 * 1024 * 1024)).text.startswith(HEADER)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 65_536)
    assert imports.read(_padded(60_000)).text.startswith(HEADER)
    with pytest.raises(imports.ImportFileError, match=r"larger than 0\.06 MB"):
        imports.read(_padded(70_000))


def test_the_import_command_follows_the_setting(app, tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_bytes(_padded(6 * 1024 * 1024))
    command = ["academy", "import", "trainees", str(path), "--dry-run"]
    accepted = app.test_cli_runner().invoke(args=command)
    assert accepted.exit_code == 0, accepted.output
    assert "Dry run" in accepted.output
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 5 * 1024 * 1024)
    refused = app.test_cli_runner().invoke(args=command)
    assert refused.exit_code == 1
    assert "The file is larger than 5 MB." in refused.output
    assert users() == 0


def test_formulas_and_markup_in_cells_are_stored_as_text_and_never_run(client, teacher_and_cohort):
    _teacher, cohort = teacher_and_cohort
    hostile = [
        '=HYPERLINK("http://evil.example","x")',
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "<script>alert(1)</script>",
    ]
    lines = "".join(
        f'f{i}@example.org,"{name.replace(chr(34), chr(34) * 2)}",student,other,,no\n'
        for i, name in enumerate(hostile)
    )
    upload = _upload(client, cohort, (HEADER + lines).encode())
    assert upload.status_code == 302
    preview = client.get(upload.headers["Location"])
    assert "<script>alert" not in preview.get_data(as_text=True)
    assert client.post(upload.headers["Location"]).status_code == 302
    names = set(db.session.scalars(select(User.name).where(User.email.like("f%@example.org"))))
    assert names == set(hostile)
    roster = client.get(f"/cohorts/{cohort.id}/roster")
    assert "<script>alert" not in roster.get_data(as_text=True)
    exported = client.get(f"/cohorts/{cohort.id}/roster.csv").get_data(as_text=True)
    for row in csv.reader(io.StringIO(exported)):
        for cell in row:
            assert not cell.startswith(("=", "@", "+", "-")), cell


@pytest.mark.usefixtures("csrf_on")
@pytest.mark.parametrize("who", ["another instructor", "trainee", "nobody"])
def test_an_oversized_upload_from_outside_the_cohort_is_a_plain_413(app, client, who):
    cohort = make_cohort(instructors=[make_user(["instructor"])])
    if who != "nobody":
        sign_in(client, make_user(["instructor"] if who == "another instructor" else ["trainee"]))
    # CSRF protection reads the body before the view runs, so the size check comes first.
    response = _oversized_upload(app, client, cohort)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "too large" in html
    assert cohort.code not in html and 'type="file"' not in html


def test_a_nul_character_in_a_csv_is_refused_naming_its_line(client, teacher_and_cohort):
    _teacher, cohort = teacher_and_cohort
    before = users()
    data = HEADER + "a@example.org,A,student,other,,no\nb@example.org,B\x00,student,other,,no\n"
    response = _upload(client, cohort, data.encode())
    assert response.status_code == 422
    assert "Line 3 holds a NUL character" in response.get_data(as_text=True)
    assert users() == before


def test_a_nul_character_in_the_file_name_is_dropped(client, teacher_and_cohort):
    from academy.cohorts.models import PendingImport

    _teacher, cohort = teacher_and_cohort
    response = _upload(client, cohort, SIMPLIFIED.encode(), name="class\x00.csv")
    assert response.status_code == 302
    assert db.session.scalar(select(PendingImport.filename)) == "class.csv"
