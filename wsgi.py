"""Entry point for `flask --app wsgi` and for gunicorn (`gunicorn wsgi:app`)."""

import sys

try:
    from academy import create_app

    app = create_app()
except ValueError as error:
    # A setting the environment got wrong (config.SettingError, known by name: the config
    # module may be what failed to import): say which, without the app factory's traceback.
    if type(error).__name__ != "SettingError":
        raise
    print(f"Academy cannot start: {error}", file=sys.stderr)
    # 3 is gunicorn's "worker failed to boot": its master stops rather than starting workers
    # that will fail the same way, over and over.
    sys.exit(3)
