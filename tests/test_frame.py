"""The kept page frame: built once per kind of page, never carrying one visit's data to another."""

import re

from jinja2 import ChoiceLoader, DictLoader, meta

from academy.frame import FRAME, FRAME_NAMES
from tests import factories
from tests.factories import make_user


def csrf_tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]+)"', html))


def test_the_frame_template_uses_only_what_its_key_covers(app):
    # A name outside the list (request, current_user, a CSRF token) would be rendered once and
    # then shown to everyone who shares the key.
    env = app.jinja_env
    source = env.loader.get_source(env, FRAME)[0]
    assert meta.find_undeclared_variables(env.parse(source)) <= FRAME_NAMES


def test_two_people_with_the_same_roles_each_see_their_own_name_and_token(app, csrf_on):
    first, second = app.test_client(), app.test_client()
    factories.sign_in(first, make_user(["trainee"], name="Lin Wei"))
    factories.sign_in(second, make_user(["trainee"], name="Chan Tai Man"))
    page_one = first.get("/help").get_data(as_text=True)
    page_two = second.get("/help").get_data(as_text=True)
    assert "Lin Wei" in page_one and "Lin Wei" not in page_two
    assert "Chan Tai Man" in page_two and "Chan Tai Man" not in page_one
    (token_one,), (token_two,) = csrf_tokens(page_one), csrf_tokens(page_two)
    assert token_one != token_two
    # The token in the frame is the session's own: the language switch posts with it.
    response = second.post("/language", data={"locale": "zh_Hant", "csrf_token": token_one})
    assert response.status_code == 400
    response = second.post("/language", data={"locale": "zh_Hant", "csrf_token": token_two})
    assert response.status_code == 302


def test_each_page_fills_in_its_own_title_address_and_content(client, login):
    login(make_user(["trainee"]))
    help_page = client.get("/help?topic=start").get_data(as_text=True)
    catalogue = client.get("/courses").get_data(as_text=True)
    assert '<input type="hidden" name="next" value="/help?topic=start">' in help_page
    assert '<input type="hidden" name="next" value="/courses">' in catalogue
    assert help_page.count("<main") == catalogue.count("<main") == 1
    assert re.search(r"<title>[^<]*Help[^<]*</title>", help_page)
    assert not re.search(r"<title>[^<]*Help[^<]*</title>", catalogue)


def test_the_address_to_come_back_to_is_escaped(client, login):
    login(make_user(["trainee"]))
    page = client.get('/help?x="><script>alert(1)</script>').get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_only_the_current_section_is_marked(client, login):
    login(make_user(["trainee"]))
    learning = client.get("/learning").get_data(as_text=True)
    catalogue = client.get("/courses").get_data(as_text=True)
    account = client.get("/account").get_data(as_text=True)
    assert re.findall(r'<a href="([^"]+)" aria-current="page"', learning) == ["/learning"]
    assert re.findall(r'<a href="([^"]+)" aria-current="page"', catalogue) == ["/courses"]
    assert 'aria-current="page"' not in account.split("</header>")[0]


def test_signing_out_changes_the_frame(client, login):
    login(make_user(["trainee"], name="Lin Wei"))
    page = client.get("/help").get_data(as_text=True)
    assert "Sign out" in page and "Lin Wei" in page
    client.post("/logout", data={"csrf_token": csrf_tokens(page).pop()})
    shown, again = (
        client.get("/help").get_data(as_text=True),
        client.get("/help").get_data(as_text=True),
    )
    assert "Sign out" not in shown and "Lin Wei" not in shown and 'href="/login"' in shown
    # The flashed message shows once, inside the frame's main part.
    main = shown[shown.index("<main") : shown.index("</main>")]
    assert main.count('class="flash flash-info">You have signed out.</p>') == 1
    assert 'class="flashes"' not in again


def test_frames_are_kept_per_kind_not_per_request(app, client, login):
    frames = app.extensions.setdefault("academy.frames", {})
    frames.clear()
    login(make_user(["trainee"]))
    for path in ("/help", "/account", "/help", "/account", "/learning"):
        client.get(path)
    # Help and My learning are sections of their own; the account page highlights nothing.
    assert len(frames) == 3


def test_with_templates_reloading_a_changed_frame_shows_at_once(app, client, login):
    # Development servers reload changed templates; the kept frame must follow (in production
    # templates never change, and the frame is not looked up at all).
    env = app.jinja_env
    env.auto_reload = True
    source = env.loader.get_source(env, FRAME)[0]
    edited = DictLoader({FRAME: source})
    env.loader = ChoiceLoader([edited, env.loader])
    login(make_user(["trainee"]))
    assert "Edited footer" not in client.get("/help").get_data(as_text=True)
    edited.mapping[FRAME] = source.replace("</footer>", "<p>Edited footer</p></footer>")
    assert "Edited footer" in client.get("/help").get_data(as_text=True)
