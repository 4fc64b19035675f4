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

from flask import current_app

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


def send(to: str, subject: str, body: str) -> EmailMessage:
    """Send one plain-text message; call it after the commit that made it true."""
    message = _message(to, subject, body)
    config = current_app.config
    if current_app.testing:
        sent.append(message)
    if config.get("MAIL_SERVER"):
        _smtp(message)
    elif config.get("ACADEMY_OUTBOX"):
        path = _to_outbox(message, config["ACADEMY_OUTBOX"])
        log.info("mail to %s written to %s", to, path)
    else:
        log.warning("no MAIL_SERVER or ACADEMY_OUTBOX: mail to %s not delivered", to)
    return message
