"""The benchmark's timed import (tests/benchmarks/bulk.py), run for real on a small scale."""

from sqlalchemy import func, select

from academy.auth.models import TraineeProfile, User
from academy.cohorts.models import Cohort
from academy.enrolments.models import Enrolment
from academy.extensions import db
from tests.benchmarks import bulk
from tests.factories import make_cohort, make_course, make_user


def test_the_timed_import_creates_and_enrols_every_trainee_of_its_file(
    database_url, tmp_path, monkeypatch
):
    monkeypatch.setattr(bulk, "WORK", tmp_path)
    monkeypatch.setenv("ACADEMY_INSTANCE", str(tmp_path))  # the command's secret and outbox
    make_user(roles=["admin"], email="admin@academy.example")
    busy, quiet = make_course(), make_course()
    for course in (busy, busy, quiet):  # the import's cohort goes to the course with most
        make_cohort(course)
    db.session.commit()

    seconds = bulk.time_import(database_url, size=12)

    assert seconds > 0
    db.session.expire_all()
    cohort = db.session.scalar(select(Cohort).where(Cohort.code.startswith("BENCH-IMPORT-")))
    assert (cohort.course_id, cohort.capacity, cohort.seats_taken) == (busy.id, 12, 12)
    imported = db.session.scalars(
        select(User)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.cohort_id == cohort.id)
    ).all()
    assert sorted(user.email for user in imported) == sorted(
        f"imported-{cohort.id}-{i}@bench.example" for i in range(12)
    )
    kinds = db.session.execute(
        select(TraineeProfile.kind, TraineeProfile.region, func.count())
        .where(TraineeProfile.user_id.in_([user.id for user in imported]))
        .group_by(TraineeProfile.kind, TraineeProfile.region)
    ).all()
    assert len(kinds) == 6  # every kind with every region
    assert not list(tmp_path.glob("import-*.csv"))  # the file is removed once imported


def test_the_rebuild_costs_time_each_report_on_a_real_academy(database_url):
    from tests.benchmarks.rebuild import rebuild_costs, rebuild_table
    from tests.factories import complete, make_partner

    partner = make_partner()
    course = make_course()
    cohort = make_cohort(course, sponsor=partner)
    complete(make_user(), course, cohort.start_on, cohort=cohort)
    year, partner_id = cohort.start_on.year, partner.id
    db.session.commit()  # outside a request a SQLite transaction holds the write lock

    costs = rebuild_costs(database_url, year, partner_id)

    assert len(costs) == 4 and all(ms > 0 for ms in costs.values())
    assert rebuild_table(costs).count("\n") == 5  # a header, a rule and a row each
