"""Pages of the progress domain."""

from academy.progress import bp  # noqa: F401
