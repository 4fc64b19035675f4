"""Imports every model, so metadata (Alembic, create_all) sees the whole schema."""

from academy.audit.models import AuditEvent
from academy.auth.models import (
    ApiToken,
    ConsentEvent,
    LoginSession,
    TraineeProfile,
    User,
    UserRole,
)
from academy.cohorts.models import (
    Attendance,
    Cohort,
    CohortSession,
    PendingImport,
    cohort_instructors,
)
from academy.courses.models import Course, Lesson, Track
from academy.enrolments.models import Enrolment, EnrolmentEvent
from academy.partners.models import Partner, ReportSnapshot
from academy.progress.models import CompletionRecord, LessonProgress, QuizAttempt
from academy.reporting.models import DataVersion, ProgrammeYear, TargetChange

__all__ = [
    "ApiToken",
    "Attendance",
    "AuditEvent",
    "Cohort",
    "CohortSession",
    "CompletionRecord",
    "ConsentEvent",
    "DataVersion",
    "Course",
    "Enrolment",
    "EnrolmentEvent",
    "Lesson",
    "LessonProgress",
    "LoginSession",
    "Partner",
    "PendingImport",
    "ProgrammeYear",
    "QuizAttempt",
    "ReportSnapshot",
    "TargetChange",
    "TraineeProfile",
    "Track",
    "User",
    "UserRole",
    "cohort_instructors",
]
