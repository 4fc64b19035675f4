"""Pages of the cohorts domain."""

from academy.cohorts import bp  # noqa: F401
