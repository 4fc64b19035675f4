"""Pages of the cohorts domain, split by concern."""

from academy.cohorts.views import common, display, imports, manage, timetable  # noqa: F401
