"""Outgoing mail. With MAIL_SERVER set it goes out by SMTP; otherwise each message is written
as an .eml file to ACADEMY_OUTBOX (instance/outbox in development), where a developer can
open the confirmation and reset links. Under TESTING every message is also kept in `sent`.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import after_this_request, current_app, g, has_request_context

from academy.extensions import utcnow

log = logging.getLogger(__name__)

sent: list[EmailMessage] = []  # tests assert on this


def _message(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="academy")
    message.set_content(body)
    return message


def _smtp(message: EmailMessage) -> None:
    config = current_app.config
    port = config["MAIL_PORT"]
    smtp_class = smtplib.SMTP_SSL if port == 465 else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], port, timeout=20) as smtp:
        if port == 587:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def _to_outbox(message: EmailMessage, folder: str) -> Path:
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    name = f"{utcnow():%Y%m%dT%H%M%S}-{secrets.token_hex(4)}.eml"
    target = path / name
    target.write_bytes(bytes(message))
    return target


def _deliver(message: EmailMessage, request_id: str | None) -> bool:
    """Hand the message over; a mail outage is logged, never raised, and gives False."""
    config = current_app.config
    to = message["To"]
    try:
        if config.get("MAIL_SERVER"):
            _smtp(message)
        elif config.get("ACADEMY_OUTBOX"):
            path = _to_outbox(message, config["ACADEMY_OUTBOX"])
            log.info("mail to %s written to %s", to, path)
        else:
            log.warning("no MAIL_SERVER or ACADEMY_OUTBOX: mail to %s not delivered", to)
            return False
    except OSError as error:  # smtplib.SMTPException and ssl errors are OSErrors too
        log.error(
            "mail to %s not sent (request %s): %s",
            to,
            request_id,
            error,
            extra={"request_id": request_id},
        )
        return False
    return True


def _request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


def compose(to: str, subject: str, body: str) -> EmailMessage:
    """One plain-text message, ready for send_message or send_after_response."""
    return _message(to, subject, body)


def send_message(message: EmailMessage) -> bool:
    """Send a composed message now; False if it could not be sent (logged)."""
    if current_app.testing:
        sent.append(message)
    return _deliver(message, _request_id())


def send(to: str, subject: str, body: str) -> bool:
    """Send one plain-text message now; call it after the commit that made it true.

    False if it could not be sent (logged): the caller tells whoever needs to know.
    """
    return send_message(compose(to, subject, body))


def send_after_response(message: EmailMessage) -> None:
    """Send a composed message once the response has gone out (outside a request: now).

    For answers that must not reveal whether an account exists: SMTP time would. A failure
    is only logged, as nobody is left to tell. Under TESTING the message is kept in `sent`
    at once, so tests read it without closing the response.
    """
    if not has_request_context():
        send_message(message)
        return
    if current_app.testing:
        sent.append(message)
    app = current_app._get_current_object()
    request_id = _request_id()
    to = message["To"]

    def deliver() -> None:
        with app.app_context():
            try:
                _deliver(message, request_id)
            except Exception:  # the response is gone: the log is the only place to say so
                log.exception("mail to %s failed (request %s)", to, request_id)

    @after_this_request
    def on_close(response):
        response.call_on_close(deliver)
        return response
