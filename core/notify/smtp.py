"""Email notifications over SMTP (stdlib ``smtplib`` in a worker thread).

Configured by ``CONCIERGE_SMTP_URL``: ``smtp://[user:pass@]host[:port]`` (plain,
port 25 by default), ``smtp+starttls://…`` (STARTTLS, port 587) or ``smtps://…``
(implicit TLS, port 465). The ``Message-ID`` is derived from the delivery key, so
a redelivered notification carries the same id and mail systems can drop the copy.

A booking's confirmation (and its rebooking) is the trip to take away: the itinerary
as text and HTML alternatives with its ``.ics`` attached, read from the database when
the e-mail is sent (``core.itinerary``). A boarding pass issued (``checkin.completed``)
comes with the printable pass attached as a PDF, if it is still valid when sent. Every
other notification is one text part.
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

from core.checkin.render import boarding_pass_pdf
from core.checkin.service import ISSUED_TOPIC, org_boarding_pass
from core.checkin.views import BoardingPassView
from core.itinerary import ItineraryView, itinerary_html, itinerary_ics, itinerary_text
from core.itinerary.views import org_itinerary
from core.notify.base import Delivery

if TYPE_CHECKING:
    from core.config import Settings
    from core.runtime import Runtime

_DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}

#: The e-mails that carry the trip: text + HTML, and the ``.ics`` to add it to a calendar.
ITINERARY_TOPICS = frozenset({"booking.confirmed", "booking.rebooked"})
SIGN_OFF = "— Travel concierge"


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

    def build(
        self,
        delivery: Delivery,
        itinerary: ItineraryView | None = None,
        boarding_pass: BoardingPassView | None = None,
    ) -> EmailMessage:
        """The e-mail: the message as text or, with an itinerary, text and HTML
        alternatives with the trip's ``.ics`` attached (``multipart/mixed``); with a
        boarding pass, the text and the pass as a PDF."""
        assert delivery.recipient.email
        msg = EmailMessage()
        msg["From"] = self.config.sender
        msg["To"] = f"{delivery.recipient.name} <{delivery.recipient.email}>"
        msg["Subject"] = delivery.subject
        msg["Date"] = formatdate(usegmt=True)
        msg["Message-ID"] = message_id(delivery)
        msg["X-Concierge-Topic"] = delivery.topic
        greeting = f"Hello {delivery.recipient.name},"
        if itinerary is None:
            msg.set_content(f"{greeting}\n\n{delivery.message}\n\n{SIGN_OFF}\n")
            if boarding_pass is not None:
                msg.add_attachment(
                    boarding_pass_pdf(boarding_pass),
                    maintype="application",
                    subtype="pdf",
                    filename=f"boarding-pass-{boarding_pass.carrier}{boarding_pass.number}-"
                    f"{boarding_pass.pass_id}.pdf",
                )
            return msg
        msg.set_content(itinerary_text(itinerary, greeting=greeting, message=delivery.message))
        msg.add_alternative(
            itinerary_html(itinerary, greeting=greeting, message=delivery.message), subtype="html"
        )
        msg.add_attachment(
            itinerary_ics(itinerary),
            maintype="text",
            subtype="calendar",
            filename=f"{itinerary.booking_id}.ics",
            params={"method": "PUBLISH", "charset": "utf-8"},
        )
        return msg

    async def deliver(self, rt: Runtime, delivery: Delivery) -> None:
        if not delivery.recipient.email:
            return  # nobody to write to; not a failure worth retrying
        itinerary = None
        boarding_pass = None
        booking_id = delivery.payload.get("booking_id")
        pass_id = delivery.payload.get("pass_id")
        if delivery.topic in ITINERARY_TOPICS and booking_id:
            # Read when sent, after the change committed: the trip as it stands.
            async with rt.db.uow(write=False) as session:
                itinerary = await org_itinerary(session, delivery.org_id, str(booking_id))
        elif delivery.topic == ISSUED_TOPIC and pass_id:
            async with rt.db.uow(write=False) as session:
                boarding_pass = await org_boarding_pass(
                    session, delivery.org_id, str(pass_id), settings=rt.settings
                )
        msg = self.build(delivery, itinerary, boarding_pass)
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
