"""The auto check-in job (core.checkin.auto): who opted in is checked in when the window
opens, the pass is e-mailed with the printable PDF, a missing passport is said once
(by name of the flight, never a number), and nobody is checked in twice."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import timedelta
from email.header import decode_header, make_header
from pathlib import Path

import zxingcpp
from PIL import Image
from sqlalchemy import select, update

from core.booking.saga import confirm_booking
from core.booking.service import ItemRequest, hold_booking
from core.checkin.auto import DOCUMENTS_TOPIC
from core.checkin.service import AUTO, ISSUED_TOPIC
from core.identity import Caller
from core.jobs import JobRunner, default_jobs
from core.models import BoardingPass, FareInventory, Flight, OutboxEvent, TravellerDetails, User
from core.notify import relay_outbox
from core.runtime import Runtime
from core.search.offers import flight_offer_id
from core.supplier.resilience import ResilientSupplier
from core.supplier.simulated import SimulatedSupplier
from core.travellers.service import DocumentChange, ProfileChanges, apply_changes
from tests.core.booking_world import AVA, MIA, World, build_world
from tests.core.test_notify_smtp import Inbox, mail_runtime, smtp_server  # noqa: F401 - fixtures

PASSPORT = "547819302"


async def opt_in(rt: Runtime, user_id: str) -> None:
    async with rt.db.uow() as s:
        await s.execute(
            update(TravellerDetails).where(TravellerDetails.user_id == user_id).values(auto_check_in=True)
        )


async def give_passport(rt: Runtime, user_id: str) -> None:
    async with rt.db.uow() as s:
        user = await s.get(User, user_id)
        assert user is not None
        await apply_changes(
            s, rt.pii, user,
            ProfileChanges(documents=[DocumentChange(issuing_country="US", number=PASSPORT,
                                                     nationality="US", expires_on="2031-06-30")]),
            now=rt.clock.now(), actor_id=user_id,
        )


async def book(rt: Runtime, caller: Caller, inventory_id: int) -> str:
    async with rt.db.uow() as s:
        booking = await hold_booking(rt, s, caller, [ItemRequest(flight_offer_id(inventory_id), 1)])
    view = await confirm_booking(rt, caller, booking.id)
    assert view.status == "confirmed"
    return view.booking_id


async def passes(rt: Runtime) -> list[BoardingPass]:
    async with rt.db.uow(write=False) as s:
        return list((await s.scalars(select(BoardingPass).order_by(BoardingPass.sequence_number))).all())


async def events(rt: Runtime, topic: str) -> list[OutboxEvent]:
    async with rt.db.uow(write=False) as s:
        return list((await s.scalars(select(OutboxEvent).where(OutboxEvent.topic == topic))).all())


async def tick(rt: Runtime) -> int:
    job = next(j for j in default_jobs() if j.name == "auto_check_in")
    return await job.run(rt)


async def test_opted_in_travellers_are_checked_in_when_the_window_opens(runtime: Runtime) -> None:
    w: World = await build_world(runtime)
    await opt_in(runtime, "ava")
    domestic = await book(runtime, AVA, w.short_inv["economy"].id)
    mias = await book(runtime, MIA, w.short_inv["economy"].id)  # Mia has not opted in
    departs = w.short_haul.depart_at

    runtime.clock.set(departs - timedelta(hours=24, minutes=1))  # type: ignore[attr-defined]
    assert await tick(runtime) == 0
    runtime.clock.set(departs - timedelta(hours=24))  # type: ignore[attr-defined]
    assert await tick(runtime) == 1
    assert await tick(runtime) == 0  # nobody twice

    [bp] = await passes(runtime)
    assert (bp.booking_id, bp.checked_in_by, bp.sequence_number) == (domestic, AUTO, 1)
    assert bp.booking_id != mias
    [sent] = await events(runtime, ISSUED_TOPIC)
    assert sent.payload["pass_id"] == bp.id
    assert sent.payload["notify"] == ["ava"]


async def test_a_missing_passport_is_said_once_and_the_passport_added_is_enough(
    runtime: Runtime,
) -> None:
    w = await build_world(runtime)
    await opt_in(runtime, "ava")
    await book(runtime, AVA, w.long_inv["economy"].id)  # JFK→LHR: a border
    runtime.clock.set(w.long_haul.depart_at - timedelta(hours=20))  # type: ignore[attr-defined]

    assert await tick(runtime) == 0
    assert await tick(runtime) == 0
    [told] = await events(runtime, DOCUMENTS_TOPIC)
    assert told.payload["notify"] == ["ava"]
    assert "BA 117 JFK→LHR" in told.payload["message"]
    assert await passes(runtime) == []

    await give_passport(runtime, "ava")
    assert await tick(runtime) == 1
    [bp] = await passes(runtime)
    assert PASSPORT not in bp.bcbp
    # The airline was given the passport before the pass was issued, once.
    airline = runtime.supplier_for("flight")
    sim = airline.inner if isinstance(airline, ResilientSupplier) else airline
    assert isinstance(sim, SimulatedSupplier)
    assert list(sim.documents.values()) == [PASSPORT]
    assert await tick(runtime) == 0
    assert sim.calls["send_apis"] == 1


async def test_the_job_runs_under_the_runner_and_leaves_a_closed_window_alone(runtime: Runtime) -> None:
    w = await build_world(runtime)
    await opt_in(runtime, "ava")
    await book(runtime, AVA, w.short_inv["economy"].id)
    runtime.clock.set(w.short_haul.depart_at - timedelta(minutes=30))  # type: ignore[attr-defined]

    # The job as the runner schedules it; the rest of default_jobs() would seed three
    # months of catalogue for the moved clock (half a minute of this test's time).
    jobs = [job for job in default_jobs() if job.name == "auto_check_in"]
    outcomes = await JobRunner(runtime, jobs, owner="w").run_once()

    [outcome] = [o for o in outcomes if o.job == "auto_check_in"]
    assert outcome.ran
    assert outcome.error is None
    assert outcome.processed == 0
    assert await passes(runtime) == []


async def test_the_pass_is_e_mailed_with_the_printable_pdf(
    mail_runtime: Runtime, smtp_server: tuple[Inbox, int], tmp_path: Path  # noqa: F811
) -> None:
    inbox, _ = smtp_server
    async with mail_runtime.db.uow(write=False) as s:
        inv_id, departs = (
            await s.execute(
                select(FareInventory.id, Flight.depart_at)
                .join(Flight, Flight.id == FareInventory.flight_id)
                .where(Flight.number == "1001", FareInventory.cabin == "economy")
            )
        ).one()
    await opt_in(mail_runtime, "ava")
    await book(mail_runtime, AVA, inv_id)
    mail_runtime.clock.set(departs - timedelta(hours=3))  # type: ignore[attr-defined]
    assert await tick(mail_runtime) == 1

    await relay_outbox(mail_runtime)

    [mail] = [m for _, m in inbox.messages if m["X-Concierge-Topic"] == ISSUED_TOPIC]
    assert str(make_header(decode_header(mail["Subject"]))) == "Boarding pass: B6 1001 JFK→BOS"
    parts = {p.get_content_type(): p for p in mail.walk() if not p.is_multipart()}
    assert set(parts) == {"text/plain", "application/pdf"}
    pdf = parts["application/pdf"].get_payload(decode=True)
    assert pdf.startswith(b"%PDF-")
    [bp] = await passes(mail_runtime)
    if shutil.which("pdftoppm"):
        (tmp_path / "bp.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "200", "-singlefile", str(tmp_path / "bp.pdf"),  # noqa: ASYNC221
                        str(tmp_path / "bp")], check=True)
        [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO((tmp_path / "bp.png").read_bytes())))
        assert code.text == bp.bcbp
