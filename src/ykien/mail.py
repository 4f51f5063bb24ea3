"""Outgoing e-mail: a message and its delivery over SMTP (used by the notices of every domain)."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    to_name: str
    to_address: str
    subject: str
    body: str


def _email(message: Message, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = formataddr((message.to_name, message.to_address))
    email["Subject"] = message.subject
    email.set_content(message.body, charset="utf-8")
    return email


def send(*, host: str, port: int, sender: str, messages: list[Message], timeout: float = 10) -> int:
    """Deliver the messages over one SMTP connection; returns how many were accepted."""
    if not messages:
        return 0
    sent = 0
    with smtplib.SMTP(host, port, timeout=timeout) as smtp:
        for message in messages:
            try:
                smtp.send_message(_email(message, sender))
                sent += 1
            except smtplib.SMTPRecipientsRefused:
                log.warning("mail server refused %s", message.to_address)
    return sent
