"""Pages of the partners domain."""

from academy.partners import bp  # noqa: F401
