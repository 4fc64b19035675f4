"""Pages of the reporting domain."""

from academy.reporting import bp  # noqa: F401
