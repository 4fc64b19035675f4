"""The pages' own `_` and `ngettext` say exactly what Flask-Babel's would."""

import flask_babel
import pytest
from flask import render_template_string

LOCALES = ("en", "zh_Hans", "zh_Hant")
SOURCE = (
    '{{ _("Sign in") }}|{{ _("Lesson %(n)d of %(total)d", n=2, total=5) }}|'
    '{{ _("Pass mark: %(mark)d%%. You may try as often as you like; your best score counts.",'
    " mark=80) }}|"
    '{{ ngettext("%(num)d course", "%(num)d courses", 1) }}|'
    '{{ ngettext("%(num)d course", "%(num)d courses", 7) }}|'
    '{{ _("Created %(email)s and emailed an invitation.", email=hostile) }}|'
    '{{ _("The year\'s target") }}|{{ _("not in any catalogue: it\'s %%") }}'
)
HOSTILE = '<b>"x"&</b>@example.com'


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("autoescape", [True, False])
def test_page_gettext_matches_flask_babel(app, locale, autoescape):
    source = SOURCE if autoescape else "{% autoescape false %}" + SOURCE + "{% endautoescape %}"
    with app.test_request_context("/"), flask_babel.force_locale(locale):
        # Rendered bare, a template uses the functions Flask-Babel installed; through Flask,
        # the context processor's, bound to this page's catalogue.
        expected = app.jinja_env.from_string(source).render(hostile=HOSTILE)
        shown = render_template_string(source, hostile=HOSTILE)
    assert shown == expected
    assert ("&lt;b&gt;" in shown) is autoescape
    if locale != "en":
        assert "Sign in|" not in shown


def test_a_page_rendered_in_another_language_uses_that_catalogue(app):
    # Mail goes out in its recipient's language from within someone else's request.
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        english = render_template_string('{{ _("Sign in") }}')
        with flask_babel.force_locale("zh_Hant"):
            chinese = render_template_string('{{ _("Sign in") }}')
            assert chinese == flask_babel.gettext("Sign in")
    assert english == "Sign in" and chinese != english


def test_a_language_is_parsed_and_bound_once_per_worker(app, client, monkeypatch):
    import academy.i18n

    for store in ("_LOCALES", "_ZONES"):
        monkeypatch.setattr(academy.i18n, store, {})
    app.extensions["academy.languages"].clear()  # kept per app
    parsed, bound = [], []
    parse, bind = academy.i18n.Locale.parse, academy.i18n._bound_to
    monkeypatch.setattr(
        academy.i18n.Locale, "parse", lambda name: parsed.append(name) or parse(name)
    )
    monkeypatch.setattr(academy.i18n, "_bound_to", lambda t: bound.append(t) or bind(t))
    pages = [
        client.get("/login", headers={"Accept-Language": accept}).get_data(as_text=True)
        for accept in ("zh-HK", "en", "zh-HK", "en")
    ]
    # Babel hands Locale objects back to Locale.parse, which returns them as they are.
    assert [name for name in parsed if isinstance(name, str)] == ["zh_Hant", "en"]
    assert len(bound) == 2
    # Kept, not mixed up: each page still in its own language.
    assert pages[0] == pages[2] and "登入" in pages[2]
    assert pages[1] == pages[3] and "Sign in" in pages[3]
