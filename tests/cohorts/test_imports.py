from datetime import timedelta
from io import BytesIO

import pytest
from sqlalchemy import func, select

from academy.audit.models import AuditEvent
from academy.auth.models import ConsentEvent, TraineeProfile, User
from academy.cohorts import imports
from academy.cohorts.models import Cohort, PendingImport
from academy.enrolments.models import Enrolment, EnrolmentEvent
from academy.errors import Invalid
from academy.extensions import db, utcnow
from tests.factories import enrol, make_cohort, make_user, sign_in

HEADER = "email,name,kind,region,organisation,consent_share\n"


def csv_text(*rows: str) -> str:
    return HEADER + "".join(row + "\n" for row in rows)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_bad_rows_are_reported_with_their_row_numbers():
    make_user(["instructor"], email="teacher@example.org")
    text = csv_text(
        "ann@example.org,Ann,professional,shenzhen,Tencent,yes",  # row 2: fine
        "not-an-email,Bo,student,hong_kong,,no",  # row 3
        "cy@example.org,,student,other,,0",  # row 4
        "di@example.org,Di,astronaut,other,,0",  # row 5
        "ed@example.org,Ed,student,macau,,0",  # row 6
        "ANN@example.org,Ann again,student,other,,1",  # row 7: duplicate of row 2
        "teacher@example.org,Teacher,professional,other,,no",  # row 8: staff account
        "fi@example.org,Fi,student,other,,maybe",  # row 9
        "gu@example.org,Gu,student",  # row 10: columns missing
    )
    plan = imports.plan(text, None)
    rows = {number for number, _reason in plan.errors}
    assert rows == {3, 4, 5, 6, 7, 8, 9, 10}
    reasons = dict(plan.errors)
    assert "not a valid email" in reasons[3]
    assert "name is missing" in reasons[4]
    assert "unknown kind" in reasons[5]
    assert "unknown region" in reasons[6]
    assert "row 2" in reasons[7]
    assert "not a trainee" in reasons[8]
    assert "consent_share" in reasons[9]
    assert "columns" in reasons[10]


def test_header_must_be_exact_and_encoding_must_be_utf8():
    with pytest.raises(imports.ImportFileError, match="Row 1"):
        imports.parse("mail,name\nx@y.org,X\n")
    with pytest.raises(imports.ImportFileError, match="UTF-8"):
        imports.decode("email,name\n陈".encode("gb18030"))
    bom = "\ufeff" + csv_text("ann@example.org,陈小明,student,hong_kong,HKU,true")
    rows, errors = imports.parse(imports.decode(bom.encode("utf-8")))
    assert errors == [] and rows[0].name == "陈小明" and rows[0].consent is True


def test_any_bad_row_means_nothing_is_imported():
    cohort = make_cohort(capacity=10)
    users_before = count(User)
    text = csv_text(
        "ann@example.org,Ann,professional,shenzhen,,yes",
        "bo@example.org,Bo,student,nowhere,,no",
    )
    with pytest.raises(Invalid) as caught:
        imports.apply(None, text, cohort)
    db.session.rollback()
    assert caught.value.fields["rows"] == [
        "Row 3: unknown region “nowhere” (use shenzhen, hong_kong, or other)"
    ]
    assert count(User) == users_before
    assert count(Enrolment) == 0
    assert db.session.get(Cohort, cohort.id).seats_taken == 0


def test_preview_then_apply_creates_matches_enrols_and_waitlists():
    cohort = make_cohort(capacity=3)
    known = make_user(email="known@example.org", name="Known")
    already = make_user(email="already@example.org")
    enrol(cohort, already)
    text = csv_text(
        "new1@example.org,New One,professional,shenzhen,Huawei,yes",
        "KNOWN@example.org,Known,student,other,,no",
        "already@example.org,Already,student,other,,no",
        "new2@example.org,New Two,student,hong_kong,,0",
        "new3@example.org,New Three,student,hong_kong,,0",
    )
    plan = imports.plan(text, cohort)
    assert plan.errors == []
    assert (plan.new_users, plan.existing_users) == (3, 2)
    assert (len(plan.to_enrol), plan.seats, plan.waitlisted, len(plan.already_in)) == (4, 2, 2, 1)
    actor = make_user(["instructor"])
    imports.apply(actor, text, cohort)
    db.session.commit()

    statuses = dict(
        db.session.execute(
            select(User.email, Enrolment.status)
            .join(Enrolment, Enrolment.user_id == User.id)
            .where(Enrolment.cohort_id == cohort.id)
        ).all()
    )
    # File order decides: the first two newcomers get the last two seats.
    assert statuses == {
        "already@example.org": "enrolled",
        "new1@example.org": "enrolled",
        "known@example.org": "enrolled",
        "new2@example.org": "waitlisted",
        "new3@example.org": "waitlisted",
    }
    assert db.session.get(Cohort, cohort.id).seats_taken == 3
    new1 = db.session.scalar(select(User).where(User.email == "new1@example.org"))
    assert new1.password_hash is None and new1.roles == {"trainee"}
    profile = db.session.get(TraineeProfile, new1.id)
    assert (profile.kind, profile.region, profile.organisation, profile.consent_share) == (
        "professional",
        "shenzhen",
        "Huawei",
        True,
    )
    assert count(ConsentEvent) == 1
    assert db.session.get(User, known.id).name == "Known"
    events = db.session.scalars(select(EnrolmentEvent.actor_id).distinct()).all()
    assert actor.id in events
    assert db.session.query(AuditEvent).filter_by(action="cohort.import").count() == 1
    # The waitlist is served in file order when seats free up.
    from academy.enrolments.service import set_capacity

    set_capacity(actor, db.session.get(Cohort, cohort.id), 4)
    db.session.commit()
    assert (
        db.session.scalar(
            select(Enrolment.status)
            .join(User, User.id == Enrolment.user_id)
            .where(User.email == "new2@example.org")
        )
        == "enrolled"
    )


def test_withdrawn_trainee_in_the_file_is_re_enrolled_on_the_same_enrolment():
    from academy.enrolments.service import withdraw

    cohort = make_cohort(capacity=5)
    person = make_user(email="back@example.org")
    enrolment = enrol(cohort, person)
    withdraw(None, enrolment)
    db.session.commit()
    imports.apply(None, csv_text("back@example.org,Back,student,other,,no"), cohort)
    db.session.commit()
    assert db.session.get(Enrolment, enrolment.id).status == "enrolled"
    assert count(Enrolment) == 1


@pytest.mark.slow
def test_ten_thousand_rows_import_in_one_go():
    """Large files work; their speed is measured by the benchmarks, not asserted here."""
    cohort = make_cohort(capacity=8000)
    rows = [
        f"person{i}@example.org,Person {i},{'student' if i % 2 else 'professional'},"
        f"{('shenzhen', 'hong_kong', 'other')[i % 3]},Org {i % 50},{'yes' if i % 4 else 'no'}"
        for i in range(10_000)
    ]
    text = csv_text(*rows)
    plan = imports.apply(None, text, cohort)
    db.session.commit()
    assert (plan.new_users, plan.seats, plan.waitlisted) == (10_000, 8000, 2000)
    assert count(Enrolment) == 10_000
    assert db.session.get(Cohort, cohort.id).seats_taken == 8000


def test_cli_import_all_or_nothing(app, tmp_path):
    cohort = make_cohort(capacity=1)
    good = tmp_path / "good.csv"
    good.write_text(
        csv_text("a@example.org,A,student,other,,no", "b@example.org,B,student,other,,no"),
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        csv_text("c@example.org,C,student,other,,no", "d@example,D,student,other,,no"),
        encoding="utf-8",
    )
    runner = app.test_cli_runner()
    users_before = count(User)

    failed = runner.invoke(args=["academy", "import", "trainees", str(bad), "--cohort", cohort.id])
    assert failed.exit_code != 0
    assert "Row 3" in failed.output
    assert count(User) == users_before

    dry = runner.invoke(
        args=["academy", "import", "trainees", str(good), "--cohort", cohort.id, "--dry-run"]
    )
    assert dry.exit_code == 0, dry.output
    assert "enrolled:            1" in dry.output and "waitlisted:          1" in dry.output
    assert count(User) == users_before

    done = runner.invoke(args=["academy", "import", "trainees", str(good), "--cohort", cohort.id])
    assert done.exit_code == 0, done.output
    assert "Placed 2 of 2: 1 enrolled, 1 waitlisted." in done.output
    db.session.expire_all()
    assert count(User) == users_before + 2
    assert count(Enrolment) == 2

    again = runner.invoke(args=["academy", "import", "trainees", str(good)])
    assert again.exit_code == 0 and "existing (by email): 2" in again.output


def test_cli_import_into_a_full_cohort_says_everyone_was_waitlisted(app, tmp_path):
    cohort = make_cohort(capacity=1)
    enrol(cohort, make_user())
    path = tmp_path / "three.csv"
    path.write_text(
        csv_text(*(f"{name}@example.org,{name},student,other,,no" for name in "abc")),
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(
        args=["academy", "import", "trainees", str(path), "--cohort", cohort.id]
    )
    assert result.exit_code == 0, result.output
    assert "Placed 3 of 3: 0 enrolled, 3 waitlisted." in result.output
    assert "Enrolled 3" not in result.output
    statuses = db.session.scalars(
        select(Enrolment.status).where(Enrolment.cohort_id == cohort.id)
    ).all()
    assert sorted(statuses) == ["enrolled", "waitlisted", "waitlisted", "waitlisted"]


def test_cli_refuses_a_file_that_is_not_utf8(app, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes((HEADER + "e@example.org,Zoë,student,other,,no\n").encode("latin-1"))
    result = app.test_cli_runner().invoke(args=["academy", "import", "trainees", str(path)])
    assert result.exit_code != 0
    assert "not UTF-8" in result.output


def _upload(client, cohort, data: bytes, name: str = "class.csv"):
    return client.post(
        f"/cohorts/{cohort.id}/import",
        data={"file": (BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_browser_upload_preview_confirm(client):
    teacher = make_user(["instructor"])
    cohort = make_cohort(capacity=1, instructors=[teacher])
    sign_in(client, teacher)

    data = csv_text("a@example.org,A,student,other,,no", "b@example.org,B,student,other,,no")
    upload = _upload(client, cohort, ("\ufeff" + data).encode())
    assert upload.status_code == 302
    preview_url = upload.headers["Location"]
    assert count(PendingImport) == 1  # in the database: any app server can take it from here
    with client.session_transaction() as session:
        assert "a@example.org" not in str(dict(session))
    preview = client.get(preview_url)
    assert preview.status_code == 200
    assert b"Places on the waitlist" in preview.data
    assert count(User) == 1  # the preview changed nothing

    # Someone else cannot use the stored upload, even knowing its address.
    sign_in(client, make_user(["manager"]))
    assert client.get(preview_url).status_code == 404
    assert client.post(preview_url).status_code == 404
    sign_in(client, teacher)

    confirm = client.post(preview_url)
    assert confirm.status_code == 302
    assert count(Enrolment) == 2
    assert count(PendingImport) == 0  # removed with the import, in one transaction
    assert client.get(preview_url).status_code == 404


def test_an_upload_waits_a_day_at_most(client):
    teacher = make_user(["instructor"])
    cohort = make_cohort(instructors=[teacher])
    sign_in(client, teacher)
    first = _upload(client, cohort, csv_text("a@example.org,A,student,other,,no").encode())
    stale = db.session.scalars(select(PendingImport)).one()
    stale.created_at = utcnow() - timedelta(days=1, minutes=1)
    stale_key = stale.key
    db.session.commit()
    assert client.get(first.headers["Location"]).status_code == 404
    assert client.post(first.headers["Location"]).status_code == 404
    assert count(Enrolment) == 0
    # The next upload clears what has expired.
    _upload(client, cohort, csv_text("b@example.org,B,student,other,,no").encode())
    assert stale_key not in db.session.scalars(select(PendingImport.key)).all()
    assert count(PendingImport) == 1


def test_browser_upload_with_bad_encoding_gets_a_clear_message(client):
    teacher = make_user(["instructor"])
    cohort = make_cohort(instructors=[teacher])
    sign_in(client, teacher)
    data = (HEADER + "x@y.org,陈,student,other,,no").encode("gb18030")
    response = _upload(client, cohort, data, "a.csv")
    assert response.status_code == 422
    assert b"not UTF-8" in response.data
    assert count(PendingImport) == 0


def test_browser_preview_lists_bad_rows_and_offers_no_confirm(client):
    teacher = make_user(["instructor"])
    cohort = make_cohort(instructors=[teacher])
    sign_in(client, teacher)
    data = csv_text("a@example.org,A,student,other,,no", "b@,B,student,other,,no")
    upload = _upload(client, cohort, data.encode(), "a.csv")
    page = client.get(upload.headers["Location"])
    assert b"Confirm and enrol" not in page.data
    assert b'<td class="num">3</td>' in page.data
    assert client.post(upload.headers["Location"]).status_code == 302
    assert count(Enrolment) == 0
    assert count(PendingImport) == 1  # kept, so the page can be shown again


def test_instructor_cannot_import_into_a_cohort_they_do_not_teach(client):
    teacher = make_user(["instructor"])
    other = make_cohort()
    sign_in(client, teacher)
    assert client.get(f"/cohorts/{other.id}/import").status_code == 404


def test_a_row_with_several_problems_counts_once_and_a_broken_record_is_named_by_number(
    app, tmp_path
):
    text = csv_text(
        'an@example.org,"Ann\nLee",student,other,,no',  # row 2, over two lines
        "",  # row 3, blank
        "bad,,astronaut,moon,,maybe",  # row 4: five problems
        "ok@example.org,Ok,student,other," + "x" * 140_000 + ",no",  # row 5: too long for csv
    )
    plan = imports.plan(text, None)
    assert {number for number, _reason in plan.errors} == {4, 5}
    assert len(plan.errors) == 6 and plan.bad_rows == 2 and plan.rows_read == 3
    assert any(number == 5 and "field larger" in reason for number, reason in plan.errors)

    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["academy", "import", "trainees", str(path)])
    assert result.exit_code != 0
    assert "2 rows are not valid; nothing was imported." in result.output
    assert count(User) == 0


def test_cli_refuses_a_cohort_id_past_the_range(app, tmp_path):
    path = tmp_path / "good.csv"
    path.write_text(csv_text("an@example.org,Ann,student,other,,no"), encoding="utf-8")
    runner = app.test_cli_runner()
    for cohort_id in ("99999999999999999999", "2147483648", "0"):
        result = runner.invoke(
            args=["academy", "import", "trainees", str(path), "--cohort", cohort_id]
        )
        assert result.exit_code == 2, result.output
        assert "--cohort" in result.output and "Traceback" not in result.output
    assert count(User) == 0


@pytest.mark.parametrize(
    ("accept", "kind", "region"),
    [
        (
            "en",
            "unknown kind “astronaut” (use professional or student)",
            "unknown region “macau” (use shenzhen, hong_kong, or other)",
        ),
        (
            "zh-CN",
            "未知类别“astronaut”（请使用 professional或student）",
            "未知地区“macau”（请使用 shenzhen、hong_kong或other）",
        ),
    ],
)
def test_the_values_to_use_are_listed_in_the_pages_language(client, accept, kind, region):
    # The values are what the file must hold; the words joining them are the page's language.
    teacher = make_user(["instructor"])
    cohort = make_cohort(instructors=[teacher])
    sign_in(client, teacher)
    data = csv_text("a@example.org,A,astronaut,other,,no", "b@example.org,B,student,macau,,no")
    preview_url = _upload(client, cohort, data.encode()).headers["Location"]
    page = client.get(preview_url, headers={"Accept-Language": accept}).get_data(as_text=True)
    assert kind in page and region in page
    assert count(Enrolment) == 0
