"""Sending an email: through Amazon SES, or into a local outbox folder (the local run).

`make_sender(settings, ses_client=…)` chooses from the configuration: no sender when `MAIL_FROM`
is empty (email disabled), the outbox when `MAIL_OUTBOX_DIR` is set (dev and test only), SES
otherwise. Either way a failure is one exception, MailError, whose `reason` is a short code
(the SES error code, or the exception's class) that is safe to log and to store: no address, no
name, no number.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from handler.platform.lazy import LazyClient
from shared_rules.email_address import ascii_address


@dataclass(frozen=True)
class Courriel:
    """One email to one person, in plain text and HTML."""

    destinataire: str
    objet: str
    texte: str
    html: str


class MailError(Exception):
    """The email was not sent; `reason` is safe to log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MailSender(Protocol):
    """Something that sends a Courriel, or raises MailError."""

    def send(self, courriel: Courriel) -> None: ...


class SesSender:
    """Sends through Amazon SES (API v1 `SendEmail`), from an identity verified there."""

    def __init__(self, client: Any, sender: str) -> None:
        self.client = client
        self.sender = sender

    def send(self, courriel: Courriel) -> None:
        try:
            self.client.send_email(
                Source=self.sender,
                Destination={"ToAddresses": [ascii_address(courriel.destinataire)]},
                Message={
                    "Subject": {"Data": courriel.objet, "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": courriel.texte, "Charset": "UTF-8"},
                             "Html": {"Data": courriel.html, "Charset": "UTF-8"}},
                },
            )
        except ClientError as exc:
            raise MailError(str(exc.response.get("Error", {}).get("Code", "ClientError"))) from exc
        except BotoCoreError as exc:
            raise MailError(type(exc).__name__) from exc


def as_message(courriel: Courriel, sender: str) -> EmailMessage:
    """The email as a MIME message: text first, then the HTML alternative."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ascii_address(courriel.destinataire)
    message["Subject"] = courriel.objet
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    message["Message-ID"] = make_msgid(domain="preinscription.localhost")
    message.set_content(courriel.texte)
    message.add_alternative(courriel.html, subtype="html")
    return message


class OutboxSender:
    """Writes each email as a .eml file in a folder, for the local run: open it with any mail
    client or read it as text."""

    def __init__(self, folder: Path, sender: str) -> None:
        self.folder = folder
        self.sender = sender

    def send(self, courriel: Courriel) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
            path = self.folder / f"{stamp}-{secrets.token_hex(4)}.eml"
            temporary = path.with_suffix(".tmp")
            temporary.write_bytes(bytes(as_message(courriel, self.sender)))
            temporary.replace(path)  # whole files only, for whoever watches the folder
        except OSError as exc:
            raise MailError(type(exc).__name__) from exc


def _make_ses_client(region: str) -> Any:
    import boto3
    from botocore.config import Config

    # Short timeouts and few retries: the dossier is already stored when the email goes, and
    # a failed email is recorded and retried later rather than holding the candidate up.
    return boto3.client("ses", region_name=region, config=Config(
        retries={"mode": "standard", "max_attempts": 2},
        connect_timeout=2, read_timeout=4,
    ))


def make_sender(settings: Mapping[str, Any], *, ses_client: Any = None) -> MailSender | None:
    """The sender the configuration asks for, or None when email is disabled."""
    if not settings["MAIL_FROM"]:
        return None
    if settings["MAIL_OUTBOX_DIR"]:
        return OutboxSender(Path(settings["MAIL_OUTBOX_DIR"]), settings["MAIL_FROM"])
    region = settings["AWS_REGION"]
    client = (ses_client if ses_client is not None
              else LazyClient(lambda: _make_ses_client(region)))  # built when a mail goes
    return SesSender(client, settings["MAIL_FROM"])
