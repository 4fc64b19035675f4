"""`academy demo`: the academy a newcomer sees after `make run`."""

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from academy.auth.models import User, UserRole
from academy.courses.sync import sync_courses
from academy.dates import local_today
from academy.demo import small, synthetic
from academy.enrolments.models import Enrolment
from academy.extensions import db
from academy.progress.models import CompletionRecord, LessonProgress
from tests.factories import make_user


@pytest.mark.slow
def test_demo_loads_every_role_and_a_year_of_completions_once(app, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["academy", "demo"])
    assert first.exit_code == 0, first.output
    for email, password, _roles in small.logins():
        assert email in first.output
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, email
        client.post("/logout")
    users = db.session.scalar(select(func.count(User.id)))
    year_start = date(local_today().year, 1, 1)
    trained = db.session.scalar(
        select(func.count(func.distinct(CompletionRecord.user_id))).where(
            CompletionRecord.completed_on >= year_start
        )
    )
    assert trained > 100
    demo_trainee = db.session.scalar(select(User).where(User.email == "trainee@academy.example"))
    assert (
        db.session.scalar(
            select(func.count(CompletionRecord.id)).where(
                CompletionRecord.user_id == demo_trainee.id
            )
        )
        == 1
    )
    statuses = set(db.session.scalars(select(Enrolment.status).distinct()))
    assert {"enrolled", "completed", "waitlisted"} <= statuses

    second = runner.invoke(args=["academy", "demo"])
    assert second.exit_code == 0
    assert "already loaded" in second.output
    assert db.session.scalar(select(func.count(User.id))) == users


def test_synthetic_academy_reads_back_as_the_app_writes_it(app, api):
    sync_courses(Path(app.root_path).parent / "courses")
    manager = api(make_user(["manager"]))
    last_year = f"/api/v1/headcount?year={local_today().year - 1}"
    assert manager.get(last_year).json["trained"] == 0  # and kept in the report cache
    sqlite = db.engine.dialect.name == "sqlite"
    page_cache = db.session.scalar(text("PRAGMA cache_size")) if sqlite else None
    assert synthetic.generate(400).startswith("400 trainees")
    if sqlite:  # the load's big page cache is not left on a pooled connection
        assert db.session.scalar(text("PRAGMA cache_size")) == page_cache
    db.session.commit()
    if not sqlite:  # vacuumed, as autovacuum would some minutes later
        vacuumed = text("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'users'")
        before = db.session.scalar(vacuumed)
        db.session.commit()
    synthetic.settle()
    if not sqlite:
        after = db.session.scalar(vacuumed)
        assert after is not None and (before is None or after > before)
    generated = User.email.like("%@scale.academy.example")
    trainees = select(func.count(UserRole.user_id)).join(User).where(generated)
    assert db.session.scalar(trainees.where(UserRole.role == "trainee")) == 400
    # Written past the ORM's hooks, yet a running server's cached figures are not kept.
    assert manager.get(last_year).json["trained"] > 0

    # Rows went in through the driver: their dates must read back as the ORM's own do,
    # and compare in SQL as the ORM's do (SQLite compares the stored text).
    row = db.session.scalars(select(LessonProgress).order_by(LessonProgress.id.desc())).first()
    assert row.done_at.tzinfo is not None and row.done_at.utcoffset().total_seconds() == 0
    if db.engine.dialect.name == "sqlite":
        stored = db.session.execute(
            text("SELECT done_at, last_activity_at FROM lesson_progress WHERE id = :id"),
            {"id": row.id},
        ).one()
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", v) for v in stored)
    moments = db.session.scalars(select(LessonProgress.last_activity_at)).all()
    middle = sorted(moments)[len(moments) // 2]
    later = select(func.count(LessonProgress.id)).where(LessonProgress.last_activity_at > middle)
    assert db.session.scalar(later) == sum(1 for m in moments if m > middle)
    record = db.session.scalars(select(CompletionRecord).order_by(CompletionRecord.id)).first()
    assert isinstance(record.completed_on, date) and record.issued_at.tzinfo is not None
    misnamed = (
        select(func.count(CompletionRecord.id))
        .join(User, User.id == CompletionRecord.user_id)
        .where(CompletionRecord.holder_name != User.name)
    )
    assert db.session.scalar(misnamed) == 0  # each certificate in its holder's name
    seat = db.session.get(Enrolment, db.session.scalar(select(func.max(Enrolment.id))))
    assert seat.queued_at.tzinfo is not None

    # Ids were given explicitly: the app's own inserts must still get fresh ones.
    db.session.add(User(email="after@academy.example", name="After"))
    db.session.commit()

    assert synthetic.generate(400) == "already generated (nothing added)"


def test_demo_with_a_bad_course_folder_names_the_problem_and_loads_nothing(app, tmp_path):
    from academy.courses.models import Course

    runner = app.test_cli_runner()
    missing = runner.invoke(args=["academy", "demo", "--courses", str(tmp_path / "nowhere")])
    assert missing.exit_code == 1
    assert isinstance(missing.exception, SystemExit), missing.exception  # a message
    assert "no such folder" in missing.output and "nothing was loaded" in missing.output

    courses = Path(app.root_path).parent / "courses"
    shutil.copytree(courses / "ai-foundations", tmp_path / "ai-foundations")
    course_file = tmp_path / "ai-foundations" / "course.md"
    course_file.write_text(
        course_file.read_text(encoding="utf-8").replace("level: beginner", "level: wizard"),
        encoding="utf-8",
    )
    bad = runner.invoke(args=["academy", "demo", "--courses", str(tmp_path)])
    assert bad.exit_code == 1
    assert isinstance(bad.exception, SystemExit), bad.exception
    assert f"{course_file}:" in bad.output and "1 problem(s) found" in bad.output
    assert db.session.scalar(select(func.count(Course.id))) == 0
    assert db.session.scalar(select(func.count(User.id))) == 0
