import json
import logging


def test_each_request_gets_an_id_and_one_structured_log_line(client, caplog):
    with caplog.at_level(logging.INFO, logger="academy.request"):
        response = client.get("/login", headers={"X-Request-ID": "edge-1234abcd"})
    assert response.headers["X-Request-ID"] == "edge-1234abcd"
    (record,) = [r for r in caplog.records if r.name == "academy.request"]
    assert record.request_id == "edge-1234abcd"
    assert record.path == "/login" and record.status == 200 and record.duration_ms >= 0
    assert record.method == "GET" and record.user_id is None
    assert record.remote_addr == "127.0.0.1" and record.getMessage() == "request"


def test_a_bogus_request_id_is_replaced(client):
    response = client.get("/login", headers={"X-Request-ID": "x"})
    assert len(response.headers["X-Request-ID"]) == 32


def test_the_formatter_writes_json():
    from pythonjsonlogger.json import JsonFormatter

    record = logging.makeLogRecord({"msg": "request", "request_id": "abc", "status": 200})
    line = JsonFormatter("%(message)s").format(record)
    assert json.loads(line) == {"message": "request", "request_id": "abc", "status": 200}


def test_query_header_counts_statements_when_enabled(database_url):
    from academy import create_app
    from academy.extensions import db

    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "ACADEMY_QUERY_HEADER": True}
    )
    client = app.test_client()
    try:
        assert client.get("/healthz").headers["X-Query-Count"] == "0"
        assert client.get("/api/v1/me").headers["X-Query-Count"] == "0"  # no token, no lookup
        looked_up = client.get("/api/v1/me", headers={"Authorization": "Bearer x"})
        assert int(looked_up.headers["X-Query-Count"]) >= 1
    finally:
        with app.app_context():
            db.engine.dispose()
