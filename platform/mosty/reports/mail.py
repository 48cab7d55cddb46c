"""Mailing stored reports over SMTP (``MOSTY_SMTP_URL``, ``MOSTY_MAIL_FROM``).

``smtp://user:password@host:587?starttls=1`` (STARTTLS), ``smtps://...`` (TLS from the start)
or ``smtp://host:25`` (plain, for a relay on the same machine).
"""

import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit


class MailNotConfigured(Exception):
    """No SMTP server is configured: reports are stored only."""


def smtp_settings(url):
    if not url:
        raise MailNotConfigured("MOSTY_SMTP_URL is not set")
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError(f"MOSTY_SMTP_URL must start with smtp:// or smtps://, got {parts.scheme}")
    query = parse_qs(parts.query)
    return {
        "host": parts.hostname or "localhost",
        "port": parts.port or (465 if parts.scheme == "smtps" else 25),
        "ssl": parts.scheme == "smtps",
        "starttls": query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes"),
        "username": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
    }


def build_message(sender, recipient, subject, body, attachments):
    """``attachments``: (filename, content type, bytes)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(body)
    for name, content_type, data in attachments:
        maintype, subtype = content_type.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message


def send_messages(url, messages, timeout=30):
    """Send every message over one SMTP connection."""
    settings = smtp_settings(url)
    if settings["ssl"]:
        connection = smtplib.SMTP_SSL(settings["host"], settings["port"], timeout=timeout,
                                      context=ssl.create_default_context())
    else:
        connection = smtplib.SMTP(settings["host"], settings["port"], timeout=timeout)
    with connection:
        if settings["starttls"]:
            connection.starttls(context=ssl.create_default_context())
        if settings["username"]:
            connection.login(settings["username"], settings["password"] or "")
        for message in messages:
            connection.send_message(message)
