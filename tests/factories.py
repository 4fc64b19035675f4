"""Builders for test data. Each commits, so requests made afterwards see the rows."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from sqlalchemy import update
from werkzeug.security import generate_password_hash

from academy.auth import service as auth
from academy.auth.models import ApiToken, TraineeProfile, User, UserRole
from academy.cohorts.models import Cohort
from academy.courses.models import Course, Lesson, Track
from academy.dates import local_today
from academy.extensions import db, utcnow
from academy.partners.models import Partner

PASSWORD = "correct horse battery staple"
# Hashed once: a real hash per user would make the suite slow for no extra truth.
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
_seq = itertools.count(1)


def make_user(
    roles=("trainee",),
    *,
    email: str | None = None,
    name: str | None = None,
    kind: str = "professional",
    region: str = "shenzhen",
    organisation: str | None = None,
    consent: bool = False,
    partner: Partner | None = None,
    confirmed: bool = True,
) -> User:
    n = next(_seq)
    user = User(email=email or f"user{n}@example.org", name=name or f"Person {n}")
    user.email_confirmed_at = utcnow() if confirmed else None
    user.password_hash = _PASSWORD_HASH
    user.role_rows = [UserRole(role=r) for r in roles]
    if partner is not None:
        user.partner_id = partner.id
    if "trainee" in roles:
        user.profile = TraineeProfile(
            kind=kind, region=region, organisation=organisation, consent_share=consent
        )
    db.session.add(user)
    db.session.commit()
    return user


def make_partner(name: str | None = None, kind: str = "company") -> Partner:
    partner = Partner(name=name or f"Partner {next(_seq)}", kind=kind)
    db.session.add(partner)
    db.session.commit()
    return partner


def make_track(slug: str = "ai-foundations", name: str = "AI foundations") -> Track:
    track = db.session.query(Track).filter_by(slug=slug).one_or_none()
    if track is None:
        track = Track(slug=slug, name=name)
        db.session.add(track)
        db.session.commit()
    return track


def make_course(
    slug: str | None = None,
    *,
    track: str = "ai-foundations",
    lessons: int = 3,
    quiz_on_last: bool = False,
    level: str = "beginner",
    language: str = "en",
    hours: int = 10,
) -> Course:
    n = next(_seq)
    course = Course(
        slug=slug or f"course-{n}",
        title=f"Course {n}",
        track_id=make_track(track, track.replace("-", " ").title()).id,
        level=level,
        hours=hours,
        language=language,
        summary="A course for tests.",
        description_html="<p>About this course.</p>",
    )
    db.session.add(course)
    db.session.flush()
    for i in range(1, lessons + 1):
        quiz = None
        if quiz_on_last and i == lessons:
            quiz = {
                "pass_mark": 50,
                "questions": [
                    {"id": "q1", "prompt": "Two plus two?", "choices": ["3", "4"], "answer": 1},
                    {
                        "id": "q2",
                        "prompt": "Capital of Guangdong?",
                        "choices": ["Guangzhou", "Shenzhen"],
                        "answer": 0,
                    },
                ],
            }
        db.session.add(
            Lesson(
                course_id=course.id,
                slug=f"lesson-{i}",
                position=i,
                title=f"Lesson {i}",
                body_html=f"<p>Body of lesson {i}.</p>",
                quiz=quiz,
            )
        )
    db.session.commit()
    return course


def make_cohort(
    course: Course | None = None,
    *,
    capacity: int = 20,
    policy: str = "open",
    delivery: str = "online",
    start_on: date | None = None,
    end_on: date | None = None,
    sponsor: Partner | None = None,
    instructors: list[User] | tuple = (),
    invite_code: str | None = None,
) -> Cohort:
    n = next(_seq)
    course = course or make_course()
    start_on = start_on or local_today() - timedelta(days=7)
    cohort = Cohort(
        code=f"C{n:04d}",
        name=f"Cohort {n}",
        course_id=course.id,
        start_on=start_on,
        end_on=end_on or start_on + timedelta(days=60),
        capacity=capacity,
        policy=policy,
        delivery=delivery,
        invite_code=invite_code,
        sponsor_partner_id=sponsor.id if sponsor else None,
    )
    cohort.instructors = list(instructors)
    db.session.add(cohort)
    db.session.commit()
    return cohort


def enrol(cohort: Cohort, trainee: User, actor: User | None = None):
    from academy.enrolments.service import enrol as enrol_service

    enrolment = enrol_service(actor, cohort, trainee)
    db.session.commit()
    return enrolment


def complete(
    trainee: User,
    course: Course,
    on: date,
    *,
    cohort: Cohort | None = None,
    score: int | None = None,
):
    """A completion record as the automatic path would issue it."""
    from academy.progress.service import issue_completion

    record, _ = issue_completion(None, trainee, course, completed_on=on, cohort=cohort, score=score)
    db.session.commit()
    return record


def sign_in(client, user: User) -> None:
    token = auth.start_session(user)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True


class ApiCaller:
    """A thin wrapper over the test client that sends a bearer token."""

    def __init__(self, client, user: User | None, token: str | None = None):
        self.client = client
        if token is None and user is not None:
            token = auth.create_token(None, user, "test")
            # A token a script has been calling with: its first use is stamped once
            # (tests/auth/test_tokens.py), which would add a write to the first call here.
            db.session.flush()
            db.session.execute(
                update(ApiToken)
                .where(ApiToken.token_hash == auth.digest(token))
                .values(last_used_at=utcnow())
            )
            db.session.commit()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _call(self, method: str, path: str, **kwargs):
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return getattr(self.client, method)(path, headers=headers, **kwargs)

    def get(self, path, **kw):
        return self._call("get", path, **kw)

    def post(self, path, **kw):
        return self._call("post", path, **kw)

    def put(self, path, **kw):
        return self._call("put", path, **kw)

    def patch(self, path, **kw):
        return self._call("patch", path, **kw)

    def delete(self, path, **kw):
        return self._call("delete", path, **kw)
