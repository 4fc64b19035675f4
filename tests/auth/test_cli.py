import io

from academy.auth.cli import read_password
from academy.auth.models import User
from academy.extensions import db


def test_user_create_with_password_from_stdin(app, client):
    result = app.test_cli_runner().invoke(
        args=[
            "academy",
            "user",
            "create",
            "Lee@Example.org",
            "--name",
            "Lee",
            "--role",
            "instructor",
            "--password-stdin",
        ],
        input="a long enough secret phrase\n",
    )
    assert result.exit_code == 0, result.output
    assert (
        client.post(
            "/login", data={"email": "lee@example.org", "password": "a long enough secret phrase"}
        ).status_code
        == 302
    )


def test_user_create_refuses_bad_input_and_changes_nothing(app):
    runner = app.test_cli_runner()
    weak = runner.invoke(
        args=[
            "academy",
            "user",
            "create",
            "a@example.org",
            "--name",
            "A",
            "--role",
            "trainee",
            "--password-stdin",
        ],
        input="password\n",
    )
    assert weak.exit_code != 0 and "password" in weak.output.lower()
    partner = runner.invoke(
        args=["academy", "user", "create", "p@example.org", "--name", "P", "--role", "partner"]
    )
    assert partner.exit_code != 0 and "partner" in partner.output
    bad_role = runner.invoke(
        args=["academy", "user", "create", "b@example.org", "--name", "B", "--role", "wizard"]
    )
    assert bad_role.exit_code != 0
    for email in ("not an email@", "@", "a@b", "a@@b.org", "a@b.org,c@d.org"):
        bad_email = runner.invoke(
            args=["academy", "user", "create", email, "--name", "E", "--role", "trainee"]
        )
        assert bad_email.exit_code != 0 and "valid email" in bad_email.output, email
    assert db.session.query(User).count() == 0


def test_token_create_prints_a_working_token(app, api):
    runner = app.test_cli_runner()
    runner.invoke(
        args=["academy", "user", "create", "m@example.org", "--name", "M", "--role", "manager"]
    )
    result = runner.invoke(args=["academy", "token", "create", "m@example.org"])
    assert result.exit_code == 0
    token = result.output.strip()
    assert api(token=token).get("/api/v1/me").json["email"] == "m@example.org"
    missing = runner.invoke(args=["academy", "token", "create", "nobody@example.org"])
    assert missing.exit_code != 0


def test_a_password_piped_from_windows_loses_its_line_ending():
    # The test runner's stdin turns "\r\n" into "\n"; a real pipe does not.
    assert read_password(io.StringIO("a long secret\r\nrest", newline="")) == "a long secret"
    assert read_password(io.StringIO("a long secret\n", newline="")) == "a long secret"


def test_token_create_refuses_a_deactivated_account(app):
    from academy.auth.models import ApiToken
    from tests.factories import make_user

    make_user(["manager"], email="gone@example.org").is_active_account = False
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["academy", "token", "create", "gone@example.org"])
    assert result.exit_code != 0 and "deactivated" in result.output
    assert db.session.query(ApiToken).count() == 0
