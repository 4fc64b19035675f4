"""The benchmark's client signs in as a browser does (tests/benchmarks/run.py)."""

import threading

import requests
from werkzeug.serving import make_server

from academy.extensions import db
from tests.benchmarks.run import sign_in
from tests.factories import PASSWORD, make_user


def test_the_benchmark_measures_pages_with_the_cookie_a_browser_keeps(database_url):
    from academy import create_app

    person = make_user(["trainee"])
    email, name = person.email, person.name
    db.session.commit()  # and hold no lock the server's sign-in must wait for
    # A server of its own: the suite's app is set up for the test client (no CSRF, a fixed
    # SERVER_NAME), and the benchmark signs in through the real form.
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        headers = sign_in(base, email, PASSWORD)
        for _ in range(2):
            page = requests.get(base + "/learning", headers=headers, timeout=10)
            assert page.status_code == 200 and name in page.text
            # No new token to store, so no new cookie: what a browser's second page costs.
            assert "Set-Cookie" not in page.headers
    finally:
        server.shutdown()
        thread.join()
        with app.app_context():
            db.engine.dispose()
