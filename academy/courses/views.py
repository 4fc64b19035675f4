"""Pages of the courses domain."""

from academy.courses import bp  # noqa: F401
