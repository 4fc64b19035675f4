"""A synthetic academy of about N trainees over five programme years, for benchmarks.

Rows go in with bulk INSERTs (a few statements per table, explicit ids), not one ORM object
at a time: 25,000 trainees make about a million progress rows.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Date, DateTime, TypeDecorator, func, select, text

from academy.auth.models import TraineeProfile, User, UserRole
from academy.cohorts.models import Cohort, cohort_instructors
from academy.courses.models import Course, Lesson
from academy.dates import local_today
from academy.enrolments.models import Enrolment, EnrolmentEvent
from academy.extensions import db
from academy.partners.models import Partner
from academy.progress.certificates import new_code
from academy.progress.models import CompletionRecord, LessonProgress
from academy.reporting import cache

from .people import ORGANISATIONS, person

YEARS = 5
COURSES_PER_TRAINEE = 9
DOMAIN = "scale.academy.example"
BATCH = 20_000
LOAD_CACHE_KIB = 256 * 1024


def _at(day: date, rng: random.Random) -> datetime:
    minute = 60 + int(rng.random() * 840)  # 01:00 to 14:59 UTC, the academy's working day
    return datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=UTC)


class _Ids:
    """Hands out ids after the current maximum of each table."""

    def __init__(self):
        self.next: dict = {}

    def take(self, model) -> int:
        if model not in self.next:
            self.next[model] = (db.session.scalar(select(func.max(model.id))) or 0) + 1
        value = self.next[model]
        self.next[model] += 1
        return value


def _bulk(model_or_table, rows: list[dict]) -> None:
    """Insert the rows straight through the driver (COPY on PostgreSQL).

    SQLAlchemy's per-value conversions (the UTC datetime type, SQLite's datetime strings) cost
    more than the inserts for a million rows; the values here are already UTC, so they are
    handed over as each backend stores them. On SQLite the rows' dates are rewritten in
    place as text: callers read only ids from rows they have inserted.
    """
    if not rows:
        return
    table = getattr(model_or_table, "__table__", model_or_table)
    columns = list(rows[0])
    sqlite = db.engine.dialect.name == "sqlite"
    if sqlite:
        moments = [c for c in columns if _holds_moments(table.c[c])]
        # Rows share most of their moments (an enrolment's three, a cohort's days): each
        # distinct value is formatted once.
        formatted: dict = {None: None}
        for row in rows:
            for column in moments:
                value = row[column]
                if value not in formatted:
                    formatted[value] = _as_sqlite(value)
                row[column] = formatted[value]
    connection = db.session.connection()
    if not sqlite:
        # COPY: PostgreSQL's bulk load, several times faster than batched INSERTs.
        copy = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        with connection.connection.driver_connection.cursor() as cursor, cursor.copy(copy) as load:
            for row in rows:
                load.write_row([row[c] for c in columns])
        return
    marks = ", ".join(f":{c}" for c in columns)
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
    for start in range(0, len(rows), BATCH):
        connection.exec_driver_sql(sql, rows[start : start + BATCH])


def _holds_moments(column) -> bool:
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    return isinstance(kind, Date | DateTime)


def _as_sqlite(value: date) -> str:
    """A date or UTC datetime as SQLAlchemy stores it in SQLite."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    return value.isoformat()


def already_generated() -> bool:
    query = select(User.id).where(User.email.like(f"%@{DOMAIN}")).limit(1)
    return db.session.scalar(query) is not None


def generate(n: int, today: date | None = None, seed: int = 7) -> str:
    """Insert the synthetic academy; flushes through bulk statements, the caller commits."""
    if already_generated():
        return "already generated (nothing added)"
    today = today or local_today()
    rng = random.Random(seed)
    ids = _Ids()
    sqlite = db.engine.dialect.name == "sqlite"
    if sqlite:
        cache_size = db.session.scalar(text("PRAGMA cache_size"))
        # Room for the indexes being filled: with SQLite's default 2 MB page cache, inserting
        # a million rows spends a third of its time re-reading index pages.
        db.session.execute(text(f"PRAGMA cache_size = -{LOAD_CACHE_KIB}"))
    courses = list(db.session.scalars(select(Course).order_by(Course.id)))
    lessons: dict[int, list[tuple[int, bool]]] = {}
    for lesson in db.session.scalars(
        select(Lesson).where(Lesson.retired_at.is_(None)).order_by(Lesson.position)
    ):
        lessons.setdefault(lesson.course_id, []).append((lesson.id, bool(lesson.quiz)))

    partners = [
        {"id": ids.take(Partner), "name": f"{name} (synthetic {i})", "kind": kind,
         "created_at": datetime.now(UTC)}
        for i, (name, kind) in enumerate(
            [(org, "company") for org in ORGANISATIONS["professional"]]
            + [(org, "university") for org in ORGANISATIONS["student"]]
        )
    ]  # fmt: skip
    _bulk(Partner, partners)

    users, roles, profiles = [], [], []
    instructors = []
    for i in range(max(10, n // 500)):
        uid = ids.take(User)
        instructors.append(uid)
        users.append({"id": uid, "email": f"instructor{i:04d}@{DOMAIN}", "name": f"Instructor {i}"})
        roles.append({"user_id": uid, "role": "instructor"})
    trainees_by_year: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    first_year = today.year - YEARS + 1
    for i in range(n):
        uid = ids.take(User)
        p = person(rng, i)
        users.append({"id": uid, "email": f"t{i:06d}@{DOMAIN}", "name": p["name"]})
        names[uid] = p["name"]
        roles.append({"user_id": uid, "role": "trainee"})
        profiles.append({
            "user_id": uid, "kind": p["kind"], "region": p["region"],
            "organisation": p["organisation"], "consent_share": p["consent_share"],
        })  # fmt: skip
        trainees_by_year.setdefault(first_year + i % YEARS, []).append(uid)
    now = datetime.now(UTC)
    for row in users:
        row.update(is_active_account=True, failed_logins=0, created_at=now)
    _bulk(User, users)
    _bulk(UserRole, roles)
    _bulk(TraineeProfile, profiles)

    cohorts, teaching, enrolments, events, progress, completions = [], [], [], [], [], []
    taken: set[tuple[int, int]] = set()
    for year, members in trainees_by_year.items():
        for course in courses:
            takers = [u for u in members if rng.random() < COURSES_PER_TRAINEE / len(courses)]
            rng.shuffle(takers)
            while takers:
                capacity = 100 if rng.random() < 0.15 else rng.randint(20, 100)
                group, takers = takers[:capacity], takers[capacity:]
                start = date(year, 1, 1) + timedelta(days=rng.randint(0, 300))
                end = start + timedelta(days=rng.choice((42, 56, 70, 84)))
                cid = ids.take(Cohort)
                cohorts.append({
                    "id": cid, "code": f"S{year}-{course.slug[:10].upper()}-{cid}",
                    "name": f"{course.title} {start:%b %Y}", "course_id": course.id,
                    "start_on": start, "end_on": end, "capacity": capacity,
                    "seats_taken": len(group), "delivery": rng.choice(
                        ("online", "online", "shenzhen", "hong_kong", "hybrid")),
                    "policy": "open", "created_at": now,
                    "sponsor_partner_id": (
                        rng.choice(partners)["id"] if rng.random() < 0.6 else None),
                })  # fmt: skip
                teaching.append({"cohort_id": cid, "user_id": rng.choice(instructors)})
                _fill(rng, ids, today, course, lessons.get(course.id, []), cid, start, end,
                      group, names, taken, enrolments, events, progress, completions)  # fmt: skip
    _bulk(Cohort, cohorts)
    _bulk(cohort_instructors, teaching)
    _bulk(Enrolment, enrolments)
    _bulk(EnrolmentEvent, events)
    _bulk(LessonProgress, progress)
    _bulk(CompletionRecord, completions)
    _reset_sequences()
    # Fresh statistics, so the query planner knows the tables are no longer empty.
    db.session.execute(text("ANALYZE"))
    if sqlite:
        db.session.execute(text(f"PRAGMA cache_size = {int(cache_size)}"))
    # The rows went in through the driver, past the hooks that mark the report cache's data
    # as changed: a server already running would go on serving the figures from before.
    cache.bump(cache.RECORDS)
    cache.bump(cache.ACTIVITY)
    return (
        f"{n} trainees, {len(cohorts)} cohorts, {len(enrolments)} enrolments, "
        f"{len(progress)} progress rows, {len(completions)} completions"
    )


def settle() -> None:
    """After the load is committed: on PostgreSQL, VACUUM (ANALYZE) the tables.

    Index-only scans (the headcount's, the roster's last activity) read the table too for any
    page not yet marked all-visible, and only VACUUM marks pages so. Autovacuum would get
    there some minutes after a load where it runs; this makes a freshly built academy
    measure as a settled one does.
    """
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM (ANALYZE)"))


def _fill(rng, ids, today, course, course_lessons, cid, start, end, group, names, taken,
          enrolments, events, progress, completions) -> None:  # fmt: skip
    """Enrolments, history, progress and completions for one cohort's members."""
    ended = end < today
    running = start <= today
    for uid in group:
        eid = ids.take(Enrolment)
        joined = _at(start - timedelta(days=rng.randint(1, 30)), rng)
        status, done = "enrolled", 0
        completed_on = None
        if ended and rng.random() < 0.85 and (uid, course.id) not in taken:
            status, done = "completed", len(course_lessons)
            completed_on = min(start + timedelta(days=rng.randint(14, (end - start).days)),
                               today - timedelta(days=1))  # fmt: skip
            taken.add((uid, course.id))
        elif running:
            if rng.random() < 0.08:
                status = "withdrawn"
            done = rng.randint(0, max(len(course_lessons) - 1, 0))
        enrolments.append({
            "id": eid, "cohort_id": cid, "user_id": uid, "status": status, "queued_at": joined,
            "created_at": joined, "status_changed_at": joined,
        })  # fmt: skip
        events.append({"id": ids.take(EnrolmentEvent), "enrolment_id": eid, "from_status": None,
                       "to_status": "enrolled", "reason": "", "at": joined})  # fmt: skip
        if status != "enrolled":
            events.append({"id": ids.take(EnrolmentEvent), "enrolment_id": eid,
                           "from_status": "enrolled", "to_status": status, "reason": "",
                           "at": _at(completed_on or today, rng)})  # fmt: skip
        last = completed_on or min(today, end)
        for position, (lesson_id, has_quiz) in enumerate(course_lessons[:done]):
            at = _at(min(start + timedelta(days=7 * position + 3), last), rng)
            progress.append({
                "id": ids.take(LessonProgress), "enrolment_id": eid, "lesson_id": lesson_id,
                "done_at": at, "last_activity_at": at, "quiz_passed": has_quiz,
                "best_score": rng.randint(60, 100) if has_quiz else None,
            })  # fmt: skip
        if completed_on is not None:
            completions.append({
                "id": ids.take(CompletionRecord), "user_id": uid, "holder_name": names[uid],
                "course_id": course.id, "cohort_id": cid, "completed_on": completed_on,
                "score": rng.randint(60, 100), "certificate_code": new_code(),
                "issued_at": _at(completed_on, rng),
            })  # fmt: skip


def _reset_sequences() -> None:
    """Explicit ids bypass PostgreSQL's sequences; move them past what was inserted."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in (Partner, User, Cohort, Enrolment, EnrolmentEvent, LessonProgress,
                  CompletionRecord):  # fmt: skip
        table = model.__tablename__
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )  # fmt: skip
        )
