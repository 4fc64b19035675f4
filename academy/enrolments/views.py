"""Pages of the enrolments domain."""

from academy.enrolments import bp  # noqa: F401
