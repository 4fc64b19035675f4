"""A small academy with two sponsoring partners, for the talent-supply tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from academy.auth.models import User
from academy.cohorts.models import Cohort
from academy.courses.models import Course
from academy.extensions import db
from academy.partners.models import Partner
from academy.progress.service import revoke_completion
from tests.factories import complete, make_cohort, make_course, make_partner, make_user


@dataclass
class Academy:
    x: Partner
    y: Partner
    course_a: Course
    course_b: Course
    cohort_x: Cohort
    cohort_xb: Cohort
    cohort_y: Cohort
    trainees: list[User] = field(default_factory=list)
    secret: User | None = None


@pytest.fixture
def academy_data() -> Academy:
    """Partner X sponsors 7 people's completions in 2026 (one also in a second track);
    partner Y sponsors 2; one of X's trainees does not consent, one completion is revoked."""
    x = make_partner("Xylo Robotics", "company")
    y = make_partner("Yue University", "university")
    course_a = make_course("ai-basics", track="ai-foundations", level="beginner")
    course_b = make_course("fin-ml", track="fintech", level="advanced")
    cohort_x = make_cohort(course_a, sponsor=x, start_on=date(2026, 1, 5))
    cohort_xb = make_cohort(course_b, sponsor=x, start_on=date(2026, 2, 5))
    cohort_y = make_cohort(course_a, sponsor=y, start_on=date(2026, 1, 5))
    data = Academy(x, y, course_a, course_b, cohort_x, cohort_xb, cohort_y)
    for i in range(1, 7):
        trainee = make_user(
            name=f"Consenting {i}" if i <= 2 else f"Private {i}",
            consent=i <= 2,
            kind="student" if i % 2 else "professional",
        )
        complete(trainee, course_a, date(2026, 3, 10), cohort=cohort_x)
        data.trainees.append(trainee)
    data.secret = make_user(name="Secret Sam", consent=False)
    complete(data.secret, course_a, date(2026, 3, 11), cohort=cohort_x)
    # The first trainee also completes a second course: still one person trained.
    complete(data.trainees[0], course_b, date(2026, 4, 2), cohort=cohort_xb)
    revoked_person = make_user(name="Revoked Rita", consent=True)
    record = complete(revoked_person, course_a, date(2026, 3, 12), cohort=cohort_x)
    manager = make_user(["manager"])
    manager_id = manager.id  # loaded now: an expired actor would autoflush mid-revocation
    assert manager_id
    revoke_completion(manager, record, "Recorded by mistake")
    db.session.commit()
    for i in range(2):
        trainee = make_user(name=f"Y trainee {i}", consent=True, region="hong_kong")
        complete(trainee, course_a, date(2026, 5, 1), cohort=cohort_y)
    return data
