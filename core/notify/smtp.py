"""Email notifications over SMTP (stdlib ``smtplib`` in a worker thread).

Configured by ``CONCIERGE_SMTP_URL``: ``smtp://[user:pass@]host[:port]`` (plain,
port 25 by default), ``smtp+starttls://…`` (STARTTLS, port 587) or ``smtps://…``
(implicit TLS, port 465). The ``Message-ID`` is derived from the delivery key, so
a redelivered notification carries the same id and mail systems can drop the copy.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from core.notify.base import Delivery

if TYPE_CHECKING:
    from core.config import Settings
    from core.runtime import Runtime

_DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    scheme: str
    username: str | None
    password: str | None
    sender: str
    timeout: float

    @classmethod
    def parse(cls, url: str, *, sender: str, timeout: float) -> SmtpConfig:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or not parts.hostname:
            raise ValueError(
                "CONCIERGE_SMTP_URL must look like smtp://host:port, smtp+starttls://… or smtps://…"
            )
        return cls(
            host=parts.hostname,
            port=parts.port or _DEFAULT_PORTS[scheme],
            scheme=scheme,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            sender=sender,
            timeout=timeout,
        )


def message_id(delivery: Delivery) -> str:
    # msg-id allows dot-atoms only: no colons.
    return f"<{delivery.key.replace(':', '.')}@concierge.invalid>"


class SmtpNotifier:
    name = "email"

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpNotifier:
        assert settings.smtp_url
        return cls(
            SmtpConfig.parse(
                settings.smtp_url, sender=settings.smtp_from, timeout=settings.smtp_timeout_seconds
            )
        )

    def build(self, delivery: Delivery) -> EmailMessage:
        assert delivery.recipient.email
        msg = EmailMessage()
        msg["From"] = self.config.sender
        msg["To"] = f"{delivery.recipient.name} <{delivery.recipient.email}>"
        msg["Subject"] = delivery.subject
        msg["Date"] = formatdate(usegmt=True)
        msg["Message-ID"] = message_id(delivery)
        msg["X-Concierge-Topic"] = delivery.topic
        msg.set_content(
            f"Hello {delivery.recipient.name},\n\n{delivery.message}\n\n— Travel concierge\n"
        )
        return msg

    async def deliver(self, rt: Runtime, delivery: Delivery) -> None:
        if not delivery.recipient.email:
            return  # nobody to write to; not a failure worth retrying
        msg = self.build(delivery)
        await asyncio.to_thread(self._send, msg)

    def _send(self, msg: EmailMessage) -> None:
        cfg = self.config
        client: smtplib.SMTP
        if cfg.scheme == "smtps":
            client = smtplib.SMTP_SSL(
                cfg.host, cfg.port, timeout=cfg.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
        with client:
            if cfg.scheme == "smtp+starttls":
                client.starttls(context=ssl.create_default_context())
            if cfg.username:
                client.login(cfg.username, cfg.password or "")
            client.send_message(msg)
