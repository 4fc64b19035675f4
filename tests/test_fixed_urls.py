"""Templates' url_for keeps the URLs that cannot change, per mount point, and only those."""

from flask import render_template_string

SOURCE = (
    "{{ url_for('progress.my_learning') }}|{{ url_for('static', filename='css/app.css') }}|"
    "{{ url_for('courses.catalogue', page=2) }}"
)


def test_fixed_urls_follow_the_mount_point(app):
    with app.test_request_context("/", base_url="http://localhost/"):
        plain = render_template_string(SOURCE)
    with app.test_request_context("/", base_url="http://localhost/academy/"):
        mounted = render_template_string(SOURCE)
    assert plain.split("|")[:2] == ["/learning", "/static/css/app.css"]
    assert mounted.split("|")[:2] == ["/academy/learning", "/academy/static/css/app.css"]
    assert mounted.split("|")[2].startswith("/academy/")


def _add_ref(endpoint, values):
    if endpoint.startswith("progress."):
        values.setdefault("ref", "x")


def test_with_url_defaults_registered_nothing_is_kept(app, monkeypatch):
    with app.test_request_context("/"):
        assert render_template_string("{{ url_for('progress.my_learning') }}") == "/learning"
    monkeypatch.setitem(app.url_default_functions, None, [_add_ref])
    with app.test_request_context("/"):
        assert render_template_string("{{ url_for('progress.my_learning') }}") == "/learning?ref=x"
