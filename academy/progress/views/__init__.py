"""Pages of the progress domain: my learning, the lesson player, certificates."""

from academy.progress.views import certificates, learning  # noqa: F401
