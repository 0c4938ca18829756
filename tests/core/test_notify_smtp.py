"""Email notifications through a real (local) SMTP server."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Iterator
from datetime import date
from email import message_from_bytes
from email.message import Message
from typing import Any

import icalendar
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from core import outbox
from core.booking.saga import confirm_booking
from core.booking.service import ItemRequest, hold_booking
from core.models import FareInventory, Flight, Segment
from core.notify import SmtpNotifier, notifiers_for, relay_outbox
from core.notify.relay import CLAIM_LEASE, RelayCrash
from core.notify.smtp import SmtpConfig
from core.runtime import Runtime
from core.search.offers import flight_offer_id, hotel_offer_id
from tests.core.booking_world import AVA, build_world


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
async def mail_runtime(runtime: Runtime, smtp_server: tuple[Inbox, int]) -> Runtime:
    _, port = smtp_server
    await build_world(runtime)
    settings = runtime.settings.model_copy(
        update={
            "smtp_url": f"smtp://127.0.0.1:{port}",
            "smtp_from": "Concierge <trips@acme.example>",
        }
    )
    return dataclasses.replace(runtime, settings=settings, extras={})


async def emit(rt: Runtime, key: str, payload: dict[str, Any]) -> None:
    await emit_topic(rt, "booking.confirmed", key, payload)


async def emit_topic(rt: Runtime, topic: str, key: str, payload: dict[str, Any]) -> None:
    async with rt.db.uow() as s:
        outbox.emit(s, org_id="acme", topic=topic, key=key, payload=payload, at=rt.clock.now())


async def test_an_event_becomes_an_email_to_the_traveller(mail_runtime, smtp_server):
    inbox, _ = smtp_server
    assert [n.name for n in notifiers_for(mail_runtime)] == ["log", "email"]
    await emit(mail_runtime, "m1", {"booking_id": "BK-MAIL01", "traveler_id": "ava"})

    stats = await relay_outbox(mail_runtime)

    assert stats.delivered == 1
    [(rcpt, msg)] = inbox.messages
    assert rcpt == ["ava@example.com"]
    assert msg["Subject"] == "Booking BK-MAIL01 is confirmed"
    assert msg["From"] == "Concierge <trips@acme.example>"
    assert "BK-MAIL01 is confirmed" in msg.get_payload()
    assert msg["Message-ID"].startswith("<outbox.")


async def test_a_redelivered_email_carries_the_same_message_id(mail_runtime, smtp_server, clock):
    inbox, _ = smtp_server
    await emit(
        mail_runtime,
        "m2",
        {"booking_id": "BK-MAIL02", "notify": ["mia"], "message": "Please approve."},
    )
    # Crash after the email went out, before it was recorded.
    original = SmtpNotifier.deliver

    async def send_then_crash(self: SmtpNotifier, rt: Runtime, delivery: Any) -> None:
        await original(self, rt, delivery)
        rt.extras["relay_crash_at"] = "after_deliver"

    SmtpNotifier.deliver = send_then_crash  # type: ignore[method-assign]
    try:
        with pytest.raises(RelayCrash):
            await relay_outbox(mail_runtime)
    finally:
        SmtpNotifier.deliver = original  # type: ignore[method-assign]
    clock.advance(CLAIM_LEASE)
    await relay_outbox(mail_runtime)

    first, second = (m for _, m in inbox.messages)
    assert first["Message-ID"] == second["Message-ID"]  # the receiving side can drop the copy
    assert first.get_payload().strip().endswith("— Travel concierge")


async def test_an_unreachable_server_is_retried_later(runtime, clock):
    await build_world(runtime)
    rt = dataclasses.replace(
        runtime,
        settings=runtime.settings.model_copy(
            update={"smtp_url": f"smtp://127.0.0.1:{free_port()}"}
        ),
        extras={},
    )
    await emit(rt, "m3", {"booking_id": "BK-MAIL03", "traveler_id": "ava"})

    stats = await relay_outbox(rt)

    assert (stats.delivered, stats.retrying) == (0, 1)


async def test_the_confirmation_has_the_itinerary_as_text_html_and_a_calendar_file(
    mail_runtime, smtp_server
):
    inbox, _ = smtp_server
    async with mail_runtime.db.uow() as s:
        ba117_economy = await s.scalar(
            select(FareInventory.id)
            .join(Flight, Flight.id == FareInventory.flight_id)
            .where(Flight.number == "117", FareInventory.cabin == "economy")
        )
        offers = [
            flight_offer_id(ba117_economy),
            hotel_offer_id("LON01", date(2026, 12, 18), date(2026, 12, 20)),
        ]
        booking = await hold_booking(mail_runtime, s, AVA, [ItemRequest(o, 1) for o in offers])
    await confirm_booking(mail_runtime, AVA, booking.id)

    await relay_outbox(mail_runtime)

    [mail] = [m for _, m in inbox.messages if m["X-Concierge-Topic"] == "booking.confirmed"]
    assert mail.get_content_type() == "multipart/mixed"
    parts = {part.get_content_type(): part for part in mail.walk() if not part.is_multipart()}
    assert set(parts) == {"text/plain", "text/html", "text/calendar"}
    text = parts["text/plain"].get_payload(decode=True).decode()
    page = parts["text/html"].get_payload(decode=True).decode()
    # BA 117 leaves JFK at 09:00 UTC on 18 Dec: 04:00 in New York.
    for body in (text, page):
        assert f"{booking.id} is confirmed" in body
        assert "Fri 18 Dec 2026, 04:00 EST (UTC-05:00)" in body
        assert "London Grand" in body
    ics = parts["text/calendar"]
    assert ics.get_filename() == f"{booking.id}.ics"
    assert ics.get_param("method") == "PUBLISH"
    events = icalendar.Calendar.from_ical(ics.get_payload(decode=True)).events
    assert [str(e["SUMMARY"]) for e in events] == ["BA 117 JFK → LHR", "London Grand, London"]
    async with mail_runtime.db.uow(write=False) as s:
        segments = (await s.scalars(select(Segment).where(Segment.booking_id == booking.id))).all()
    assert all(seg.locator and seg.locator in text for seg in segments)
    # The other messages about the booking stay one plain text.
    held = [m for _, m in inbox.messages if m["X-Concierge-Topic"] != "booking.confirmed"]
    assert held
    assert all(m.get_content_type() == "text/plain" for m in held)


async def test_a_rebooking_sends_the_trip_again_with_its_calendar_file(mail_runtime, smtp_server):
    inbox, _ = smtp_server
    async with mail_runtime.db.uow() as s:
        offer = hotel_offer_id("LON01", date(2026, 12, 18), date(2026, 12, 20))
        booking = await hold_booking(mail_runtime, s, AVA, [ItemRequest(offer, 1)])
    await emit_topic(mail_runtime, "booking.rebooked", "r1", {"booking_id": booking.id})

    await relay_outbox(mail_runtime)

    [mail] = [m for _, m in inbox.messages if m["X-Concierge-Topic"] == "booking.rebooked"]
    [ics] = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    [event] = icalendar.Calendar.from_ical(ics.get_payload(decode=True)).events
    assert str(event["SUMMARY"]) == "London Grand, London"


def test_smtp_urls():
    plain = SmtpConfig.parse("smtp://mail.local", sender="a@b", timeout=1)
    assert (plain.host, plain.port, plain.username) == ("mail.local", 25, None)
    tls = SmtpConfig.parse("smtp+starttls://u%40x:p%2Fw@mail.local", sender="a@b", timeout=1)
    assert (tls.port, tls.username, tls.password) == (587, "u@x", "p/w")
    assert SmtpConfig.parse("smtps://mail.local:2465", sender="a", timeout=1).port == 2465
    with pytest.raises(ValueError, match="CONCIERGE_SMTP_URL"):
        SmtpConfig.parse("http://mail.local", sender="a", timeout=1)
