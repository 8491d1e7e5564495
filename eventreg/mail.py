"""Sending email: one interface, two backends chosen by MAIL_BACKEND.

`outbox` (the default) writes each message as an .eml file to MAIL_OUTBOX_PATH, so a trial
install never mails anyone; `smtp` sends through the SMTP_* settings.
"""

import smtplib
import uuid
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

#: Names the outbox row an email was written from, so that its .eml file can be deleted
#: with the person's data (eventreg/privacy/).
OUTBOX_ID_HEADER = "X-Eventreg-Outbox-Id"


def build_message(to: str, subject: str, text: str, html: str | None = None, *,
                  outbox_id: int | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="eventreg.local")
    if outbox_id is not None:
        message[OUTBOX_ID_HEADER] = str(outbox_id)
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def send_message(message: EmailMessage) -> None:
    """Deliver the message through the configured backend; raises on failure."""
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        _send_smtp(message)
    elif backend == "outbox":
        _write_outbox(message)
    else:
        raise RuntimeError(f"unknown MAIL_BACKEND {backend!r}: use 'outbox' or 'smtp'")


def _write_outbox(message: EmailMessage) -> Path:
    folder = Path(current_app.config["MAIL_OUTBOX_PATH"])
    folder.mkdir(parents=True, exist_ok=True)
    prefix = f"{message[OUTBOX_ID_HEADER]}-" if message[OUTBOX_ID_HEADER] else ""
    path = folder / f"{prefix}{uuid.uuid4().hex}.eml"
    path.write_bytes(bytes(message))
    return path


def outbox_files(outbox_ids: list[int]) -> list[Path]:
    """The .eml files the `outbox` backend wrote for these outbox rows."""
    folder = Path(current_app.config["MAIL_OUTBOX_PATH"])
    return [path for outbox_id in outbox_ids for path in folder.glob(f"{outbox_id}-*.eml")]


def unnamed_outbox_files(older_than: datetime) -> list[Path]:
    """The .eml files written before files were named by their outbox row, last changed
    before `older_than`: the purge deletes them whole once no one's data may be older."""
    folder = Path(current_app.config["MAIL_OUTBOX_PATH"])
    cutoff = older_than.timestamp()
    return [path for path in folder.glob("*.eml")
            if "-" not in path.stem and path.stat().st_mtime < cutoff]


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"],
                      timeout=config["SMTP_TIMEOUT"]) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        smtp.send_message(message)
