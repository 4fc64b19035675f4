from academy.auth.models import LoginSession
from academy.extensions import db
from tests.factories import PASSWORD, make_user


def sign_in_with_form(client, email, password=PASSWORD, next_url=None):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password})


def test_login_with_right_password_lands_on_role_home(client):
    make_user(["trainee"], email="ana@example.org")
    response = sign_in_with_form(client, "ANA@example.org")
    assert response.status_code == 302
    assert client.get("/account").status_code == 200


def test_login_with_wrong_password_is_refused_without_saying_which_part(client):
    make_user(["trainee"], email="ana@example.org")
    wrong = sign_in_with_form(client, "ana@example.org", "not the password")
    unknown = sign_in_with_form(client, "nobody@example.org", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert b"do not match an active account" in wrong.data
    assert b"do not match an active account" in unknown.data
    assert client.get("/account").status_code == 302


def test_anonymous_page_redirects_to_login_with_next(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert "/login?next=/account" in response.headers["Location"]


def test_next_is_honoured_only_within_the_site(client):
    make_user(["trainee"], email="ana@example.org")
    for hostile in [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
    ]:
        response = sign_in_with_form(client, "ana@example.org", next_url=hostile)
        assert response.status_code == 302
        assert "evil" not in response.headers["Location"]
        assert "javascript" not in response.headers["Location"]
        client.post("/logout")
    response = sign_in_with_form(client, "ana@example.org", next_url="/account")
    assert response.headers["Location"].endswith("/account")


def test_logout_ends_the_session_even_for_a_copied_cookie(client, app):
    make_user(["trainee"], email="ana@example.org")
    sign_in_with_form(client, "ana@example.org")
    assert client.get("/account").status_code == 200
    copied = client.get_cookie("session").value

    client.post("/logout")
    assert client.get("/account").status_code == 302

    replay = app.test_client()
    replay.set_cookie("session", copied, domain="localhost")
    assert replay.get("/account").status_code == 302
    assert db.session.query(LoginSession).filter(LoginSession.revoked_at.is_(None)).count() == 0


def test_deactivated_user_loses_their_session(client, login):
    from academy.auth.service import deactivate

    admin = make_user(["admin"])
    user = login(make_user(["trainee"]))
    assert client.get("/account").status_code == 200
    deactivate(admin, user)
    db.session.commit()
    assert client.get("/account").status_code == 302


def test_repeated_failures_lock_the_account_for_everyone(client):
    make_user(["trainee"], email="ana@example.org")
    for _ in range(5):
        sign_in_with_form(client, "ana@example.org", "wrong password!")
    response = sign_in_with_form(client, "ana@example.org")  # right password, but locked
    assert response.status_code == 401
    assert b"Too many failed attempts" in response.data
    assert client.get("/account").status_code == 302


def test_language_switcher_sets_the_page_language(client):
    client.post("/language", data={"locale": "zh_Hant", "next": "/login"})
    assert 'lang="zh-Hant"' in client.get("/login").get_data(as_text=True)
    client.post("/language", data={"locale": "xx", "next": "/login"})
    assert 'lang="zh-Hant"' in client.get("/login").get_data(as_text=True)


def test_accept_language_chooses_the_language(client):
    page = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert 'lang="zh-Hans"' in page.get_data(as_text=True)
    page = client.get("/login", headers={"Accept-Language": "zh-HK"})
    assert 'lang="zh-Hant"' in page.get_data(as_text=True)
