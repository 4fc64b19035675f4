"""Every registered route declares its rule, and anonymous callers get nothing from it."""

import re

import pytest

from academy.permissions import PUBLIC, RULES

# Routes that are not ours to decorate.
FRAMEWORK_ENDPOINTS = {"static"}


def all_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in FRAMEWORK_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _value(match: re.Match) -> str:
    converter, options = match.group(1), match.group(2)
    if converter == "int":
        return "1"
    if converter == "any":
        return options.split(",")[0].strip().strip("'\"")
    return "x"


def fill(rule) -> str:
    """A concrete URL for the rule: ids 1, any() its first choice, slugs and codes 'x'."""
    return re.sub(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>", _value, rule.rule)


def test_every_route_declares_a_known_rule(app):
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in FRAMEWORK_ENDPOINTS:
            continue
        view = app.view_functions[rule.endpoint]
        permission = getattr(view, "permission", None)
        if permission != PUBLIC and permission not in RULES:
            missing.append(rule.endpoint)
    assert missing == [], f"routes without a permission rule: {missing}"


def test_anonymous_callers_are_sent_to_login_or_refused(app, client):
    leaks = []
    for rule, method in all_routes(app):
        view = app.view_functions[rule.endpoint]
        if view.permission == PUBLIC:
            continue
        url = fill(rule)
        response = client.open(url, method=method)
        if url.startswith("/api/"):
            ok = response.status_code == 401 and response.is_json
        else:
            ok = response.status_code == 302 and "/login" in response.headers["Location"]
        if not ok:
            leaks.append((method, url, response.status_code))
    assert leaks == []


@pytest.mark.parametrize("role", sorted({r for roles in RULES.values() for r in roles}))
def test_roles_without_the_rule_get_403(app, client, login_as, role):
    """A signed-in role outside a route's rule is refused before any object is looked at."""
    user = login_as(role)
    leaks = []
    for rule, method in all_routes(app):
        permission = app.view_functions[rule.endpoint].permission
        if permission == PUBLIC or role in RULES[permission] or rule.rule.startswith("/api/"):
            continue
        response = client.open(fill(rule), method=method)
        if response.status_code != 403:
            leaks.append((method, rule.rule, response.status_code))
    assert leaks == [], f"{user.email} ({role}) reached: {leaks}"


@pytest.mark.parametrize("role", sorted({r for roles in RULES.values() for r in roles}))
def test_api_roles_without_the_rule_get_403(app, api, role):
    from tests.factories import make_user

    caller = api(make_user([role]))
    leaks = []
    for rule, method in all_routes(app):
        permission = app.view_functions[rule.endpoint].permission
        if permission == PUBLIC or role in RULES[permission] or not rule.rule.startswith("/api/"):
            continue
        response = caller._call(method.lower(), fill(rule), json={})
        if response.status_code != 403 or not response.is_json:
            leaks.append((method, rule.rule, response.status_code))
    assert leaks == []
