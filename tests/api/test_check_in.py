"""Check-in and boarding passes over HTTP (issue 11): the window, the documents an
international flight needs, idempotency, who may read a pass, and the barcode a real
reader decodes back to the BCBP string. Runs on SQLite and, with
CONCIERGE_TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import asyncio
import io
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import zxingcpp
from PIL import Image
from pydantic import SecretStr
from sqlalchemy import func, select

from api.slack.blocks import barcode_url
from core.checkin.bcbp import decode
from core.clock import FrozenClock
from core.models import BoardingPass, OutboxEvent, User
from core.runtime import Runtime
from core.travellers.service import DocumentChange, ProfileChanges, apply_changes
from tests.api.conftest import World
from tests.api.test_problems import assert_problem
from tests.factories import T0, make_flight

PASSPORT = "547819302"
DEPARTS = T0 + timedelta(days=17)  # the seeded BA 117 JFK→LHR


def auth(world: World, user: str = "ava", key: str | None = None) -> dict[str, str]:
    out = world.auth(user)
    if key is not None:
        out["Idempotency-Key"] = key
    return out


async def give_passport(runtime: Runtime, user_id: str, *, expires_on: str = "2031-06-30") -> None:
    async with runtime.db.uow() as session:
        user = await session.get(User, user_id)
        assert user is not None
        await apply_changes(
            session,
            runtime.pii,
            user,
            ProfileChanges(
                documents=[
                    DocumentChange(
                        issuing_country="US", number=PASSPORT, nationality="US",
                        expires_on=expires_on,
                    )
                ]
            ),
            now=runtime.clock.now(),
            actor_id=user_id,
        )


async def confirmed(
    client: httpx.AsyncClient, world: World, offer_id: str, *, key: str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    held = await client.post(
        "/v1/bookings",
        json={"items": [{"offer_id": offer_id, **(body or {})}]},
        headers=auth(world, key=f"hold-{key}"),
    )
    assert held.status_code == 201, held.text
    done = await client.post(
        f"/v1/bookings/{held.json()['booking_id']}/confirm", headers=auth(world, key=f"confirm-{key}")
    )
    assert done.status_code == 200, done.text
    return dict(done.json())


async def check_in(
    client: httpx.AsyncClient, world: World, booking: dict[str, Any], *, key: str, user: str = "ava",
    segment_id: str | None = None,
) -> httpx.Response:
    return await client.post(
        f"/v1/bookings/{booking['booking_id']}/check-in",
        json={"segment_id": segment_id or booking["segments"][0]["segment_id"]},
        headers=auth(world, user, key),
    )


async def pass_count(runtime: Runtime) -> int:
    async with runtime.db.uow(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(BoardingPass)) or 0)


def read_barcode(png: bytes) -> str:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(found) == 1
    assert found[0].format == zxingcpp.BarcodeFormat.PDF417
    return str(found[0].text)


async def test_check_in_in_the_window_issues_a_pass_whose_barcode_reads_back_its_bcbp(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime, clock: FrozenClock
) -> None:
    await give_passport(runtime, "ava")
    booking = await confirmed(client, seeded, seeded.economy_offer, key="1")
    segment = booking["segments"][0]

    early = await check_in(client, seeded, booking, key="ci-early")
    body = assert_problem(early, 409, "CHECKIN_NOT_OPEN")
    assert body["opens_at"] == "2026-12-17T09:00:00Z"
    # On the departure airport's clock too: 09:00 UTC is 04:00 in New York.
    assert body["detail"] == "Check-in for BA 117 opens on Thu 17 Dec at 04:00 at JFK (2026-12-17T09:00:00Z)"

    clock.set(DEPARTS - timedelta(hours=3))
    done = await check_in(client, seeded, booking, key="ci-1")

    assert done.status_code == 200, done.text
    out = done.json()
    assert out["booking_id"] == booking["booking_id"]
    assert out["segment_id"] == segment["segment_id"]
    [bp] = out["boarding_passes"]
    assert bp["passenger_id"] == booking["passengers"][0]["passenger_id"]
    assert (bp["given_name"], bp["family_name"]) == ("Ava", "Example")
    assert (bp["carrier"], bp["number"], bp["origin"], bp["destination"]) == ("BA", "117", "JFK", "LHR")
    assert bp["locator"] == segment["locator"]
    assert bp["ticket_number"] == segment["passengers"][0]["ticket_number"]
    assert bp["sequence_number"] == 1
    assert bp["seat"]  # none chosen: one given at check-in
    assert bp["checkin_closes_at"] == "2026-12-18T08:00:00Z"
    fields = decode(bp["bcbp"])
    assert fields["passenger_name"] == "EXAMPLE/AVA".ljust(20)
    assert fields["pnr"] == segment["locator"].ljust(7)
    assert fields["julian_date"] == "352"  # 18 December 2026
    assert fields["compartment"] == "Y"
    assert fields["sequence"] == "0001 "
    assert fields["seat"] == bp["seat"].rjust(4, "0")
    assert PASSPORT not in done.text

    png = await client.get(bp["png"], headers=auth(seeded))
    assert png.status_code == 200
    assert png.headers["content-type"] == "image/png"
    assert png.headers["cache-control"] == "private, no-store"
    assert read_barcode(png.content) == bp["bcbp"]

    pdf = await client.get(bp["pdf"], headers=auth(seeded))
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert pdf.content.rstrip().endswith(b"%%EOF")

    again = await client.get(f"/v1/boarding-passes/{bp['pass_id']}", headers=auth(seeded))
    assert again.status_code == 200
    assert again.json() == bp

    # The booking shows who is checked in, flight by flight.
    read = await client.get(f"/v1/bookings/{booking['booking_id']}", headers=auth(seeded))
    [seated] = read.json()["segments"][0]["passengers"]
    assert (seated["boarding_pass_id"], seated["seat"]) == (bp["pass_id"], bp["seat"])


async def test_the_pass_prints_the_seat_chosen_and_the_party_sits_together(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime, clock: FrozenClock
) -> None:
    async with runtime.db.uow() as session:
        _, inv = await make_flight(session, number="2101", origin="JFK", destination="BOS",
                                   duration_minutes=75, cabins={"economy": (150, 12000)})
        offer = f"FL-{inv['economy'].id}"
    guests = [{"given_name": "Jo", "family_name": "Bloggs"}, {"given_name": "Kim", "family_name": "Lee"}]
    booking = await confirmed(
        client, seeded, offer, key="1", body={"passengers": [{"traveler_id": "ava"}, *guests]}
    )
    segment_id = booking["segments"][0]["segment_id"]
    ava = booking["passengers"][0]["passenger_id"]
    chose = await client.put(
        f"/v1/bookings/{booking['booking_id']}/seats",
        json={"assignments": [{"segment_id": segment_id, "passenger_id": ava, "seat": "21C"}]},
        headers=auth(seeded),
    )
    assert chose.status_code == 200, chose.text
    clock.set(DEPARTS - timedelta(hours=2))

    passes = (await check_in(client, seeded, booking, key="ci")).json()["boarding_passes"]

    assert passes[0]["seat"] == "21C"
    assert decode(passes[0]["bcbp"])["seat"] == "021C"
    seats = [p["seat"] for p in passes]
    assert len(set(seats)) == 3
    assert {s[:-1] for s in seats} == {"21"}  # the guests beside the seat Ava chose
    assert [decode(p["bcbp"])["seat"] for p in passes] == [s.rjust(4, "0") for s in seats]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
async def test_the_printed_pass_carries_the_same_barcode(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime, clock: FrozenClock, tmp_path: Path
) -> None:
    await give_passport(runtime, "ava")
    booking = await confirmed(client, seeded, seeded.economy_offer, key="1")
    clock.set(DEPARTS - timedelta(hours=3))
    [bp] = (await check_in(client, seeded, booking, key="ci-1")).json()["boarding_passes"]

    pdf = await client.get(bp["pdf"], headers=auth(seeded))
    (tmp_path / "pass.pdf").write_bytes(pdf.content)
    await asyncio.to_thread(
        subprocess.run,
        ["pdftoppm", "-png", "-r", "200", "-singlefile", str(tmp_path / "pass.pdf"), str(tmp_path / "page")],
        check=True,
    )
    assert read_barcode((tmp_path / "page.png").read_bytes()) == bp["bcbp"]


async def test_check_in_is_idempotent_by_key_and_by_nature(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime, clock: FrozenClock
) -> None:
    await give_passport(runtime, "ava")
    booking = await confirmed(client, seeded, seeded.economy_offer, key="1")
    clock.set(DEPARTS - timedelta(hours=3))

    missing = await client.post(
        f"/v1/bookings/{booking['booking_id']}/check-in",
        json={"segment_id": booking["segments"][0]["segment_id"]},
        headers=auth(seeded),
    )
    assert_problem(missing, 400, "IDEMPOTENCY_KEY_MISSING")

    first = await check_in(client, seeded, booking, key="ci-1")
    replay = await check_in(client, seeded, booking, key="ci-1")
    other_key = await check_in(client, seeded, booking, key="ci-2")

    assert first.status_code == replay.status_code == other_key.status_code == 200
    assert replay.headers.get("idempotent-replayed") == "true"
    assert replay.json() == first.json()
    assert other_key.json() == first.json()  # the same pass: same id, sequence, BCBP
    assert await pass_count(runtime) == 1
    async with runtime.db.uow(write=False) as session:
        sent = (
            await session.scalars(select(OutboxEvent).where(OutboxEvent.topic == "checkin.completed"))
        ).all()
    assert [e.payload["pass_id"] for e in sent] == [first.json()["boarding_passes"][0]["pass_id"]]
    assert sent[0].payload["notify"] == ["ava"]

    reused = await client.post(
        f"/v1/bookings/{booking['booking_id']}/check-in",
        json={"segment_id": "SG_OTHER"},
        headers=auth(seeded, key="ci-1"),
    )
    assert_problem(reused, 422, "IDEMPOTENCY_KEY_REUSED")


async def test_window_closes_an_hour_before_departure(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime, clock: FrozenClock
) -> None:
    await give_passport(runtime, "ava")
    booking = await confirmed(client, seeded, seeded.economy_offer, key="1")

    clock.set(DEPARTS - timedelta(hours=24) - timedelta(seconds=1))
    assert_problem(await check_in(client, seeded, booking, key="a"), 409, "CHECKIN_NOT_OPEN")
    clock.set(DEPARTS - timedelta(minutes=60))
    closed = assert_problem(await check_in(client, seeded, booking, key="b"), 409, "CHECKIN_CLOSED")
    assert closed["closed_at"] == "2026-12-18T08:00:00Z"
    assert await pass_count(runtime) == 0
    clock.set(DEPARTS - timedelta(hours=24))
    assert (await check_in(client, seeded, booking, key="c")).status_code == 200


async def test_an_international_flight_needs_a_passport_valid_on_the_travel_date(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime, clock: FrozenClock
) -> None:
    booking = await confirmed(client, seeded, seeded.economy_offer, key="1")
    clock.set(DEPARTS - timedelta(hours=3))

    none = assert_problem(await check_in(client, seeded, booking, key="a"), 422, "DOCUMENTS_REQUIRED")
    assert none["missing"] == [
        {
            "passenger_id": booking["passengers"][0]["passenger_id"],
            "name": "Ava Example",
            "reason": "no_passport",
        }
    ]
    assert "Ava Example" in str(none["detail"])

    # Expiring the day before the flight: on file, but not valid on the travel date.
    clock.set(T0)
    await give_passport(runtime, "ava", expires_on="2026-12-17")
    clock.set(DEPARTS - timedelta(hours=3))
    expired = await check_in(client, seeded, booking, key="b")
    body = assert_problem(expired, 422, "DOCUMENTS_REQUIRED")
    assert [m["reason"] for m in body["missing"]] == ["passport_expired"]
    assert PASSPORT not in expired.text
    assert PASSPORT[-4:] not in expired.text
    assert await pass_count(runtime) == 0


async def test_a_domestic_party_checks_in_together_guests_included(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime, clock: FrozenClock
) -> None:
    async with runtime.db.uow() as session:
        _, inv = await make_flight(session, number="2101", origin="JFK", destination="BOS",
                                   duration_minutes=75, cabins={"economy": (150, 12000)})
        offer = f"FL-{inv['economy'].id}"
    guests = [{"given_name": "Jo", "family_name": "Bloggs"}, {"given_name": "Zoë", "family_name": "O'Brien-Smith"}]
    booking = await confirmed(
        client, seeded, offer, key="1", body={"passengers": [{"traveler_id": "ava"}, *guests]}
    )
    clock.set(DEPARTS - timedelta(hours=2))

    done = await check_in(client, seeded, booking, key="ci")

    assert done.status_code == 200, done.text  # no border: no passport asked for
    passes = done.json()["boarding_passes"]
    assert [p["passenger_id"] for p in passes] == [p["passenger_id"] for p in booking["passengers"]]
    assert [p["sequence_number"] for p in passes] == [1, 2, 3]
    assert len({p["seat"] for p in passes}) == 3
    names = [decode(p["bcbp"])["passenger_name"] for p in passes]
    assert names == ["EXAMPLE/AVA".ljust(20), "BLOGGS/JO".ljust(20), "OBRIENSMITH/ZOE".ljust(20)]
    assert {decode(p["bcbp"])["compartment"] for p in passes} == {"Y"}
    assert {decode(p["bcbp"])["flight_number"] for p in passes} == {"2101 "}
    for p in passes:
        png = await client.get(p["png"], headers=auth(seeded))
        assert read_barcode(png.content) == p["bcbp"]


async def test_held_cancelled_and_foreign_bookings_are_refused_and_nothing_changes(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime, clock: FrozenClock
) -> None:
    await give_passport(runtime, "ava")
    held = await client.post(
        "/v1/bookings", json={"items": [{"offer_id": seeded.economy_offer}]},
        headers=auth(seeded, key="hold-held"),
    )
    held_booking = held.json()
    cancelled = await confirmed(client, seeded, seeded.economy_offer, key="c")
    gone = await client.post(
        f"/v1/bookings/{cancelled['booking_id']}/cancel", headers=auth(seeded, key="cancel-1")
    )
    assert gone.status_code == 200, gone.text
    good = await confirmed(client, seeded, seeded.economy_offer, key="g")
    clock.set(DEPARTS - timedelta(hours=3))

    unpaid = assert_problem(await check_in(client, seeded, held_booking, key="h"), 409, "BOOKING_NOT_CONFIRMED")
    assert "held" in str(unpaid["detail"])
    assert_problem(await check_in(client, seeded, cancelled, key="x"), 409, "BOOKING_NOT_CONFIRMED")
    assert_problem(await check_in(client, seeded, good, key="gus", user="gus"), 404, "NOT_FOUND")
    assert_problem(
        await check_in(client, seeded, good, key="u", segment_id="SG_NOPE"), 404, "NOT_FOUND"
    )
    blank = await client.post(
        f"/v1/bookings/{good['booking_id']}/check-in", json={"segment_id": ""},
        headers=auth(seeded, key="blank"),
    )
    assert_problem(blank, 422, "VALIDATION_ERROR")
    assert await pass_count(runtime) == 0


async def test_only_the_passenger_and_the_booker_read_a_pass_and_a_cancelled_trip_voids_it(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime, clock: FrozenClock
) -> None:
    await give_passport(runtime, "ava")
    booking = await confirmed(client, seeded, seeded.economy_offer, key="1")
    clock.set(DEPARTS - timedelta(hours=3))
    [bp] = (await check_in(client, seeded, booking, key="ci")).json()["boarding_passes"]

    for user in ("gus", "mia"):  # another organization; ava's manager, who sees the trip
        for path in (f"/v1/boarding-passes/{bp['pass_id']}", bp["png"], bp["pdf"]):
            assert_problem(await client.get(path, headers=auth(seeded, user)), 404, "NOT_FOUND")
    assert_problem(
        await client.get("/v1/boarding-passes/BP_NOSUCHPASS.png", headers=auth(seeded)), 404, "NOT_FOUND"
    )
    assert_problem(
        await client.get("/v1/boarding-passes/x%27%3B--.png", headers=auth(seeded)), 422, "VALIDATION_ERROR"
    )

    cancel = await client.post(
        f"/v1/bookings/{booking['booking_id']}/cancel", headers=auth(seeded, key="cancel")
    )
    assert cancel.status_code == 200, cancel.text
    assert_problem(await client.get(bp["png"], headers=auth(seeded)), 410, "BOARDING_PASS_VOID")


async def test_a_hotel_stay_is_not_checked_in(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime, clock: FrozenClock
) -> None:
    await give_passport(runtime, "ava")
    booking = await confirmed(client, seeded, seeded.hotel_offer, key="h")
    clock.set(DEPARTS - timedelta(hours=3))

    body = assert_problem(await check_in(client, seeded, booking, key="ci"), 422, "VALIDATION_ERROR")
    assert body["field"] == "segment_id"


async def test_the_profile_carries_the_auto_check_in_opt_in(client: httpx.AsyncClient, seeded: World) -> None:
    assert (await client.get("/v1/me/profile", headers=auth(seeded))).json()["auto_check_in"] is False

    on = await client.patch("/v1/me/profile", json={"auto_check_in": True}, headers=auth(seeded))

    assert on.status_code == 200, on.text
    assert on.json()["auto_check_in"] is True
    assert (await client.get("/v1/me/profile", headers=auth(seeded))).json()["auto_check_in"] is True
    bad = await client.patch("/v1/me/profile", json={"auto_check_in": "maybe"}, headers=auth(seeded))
    assert_problem(bad, 422, "VALIDATION_ERROR")


async def test_a_seat_changed_after_check_in_issues_the_pass_again_with_the_new_seat(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime, clock: FrozenClock
) -> None:
    async with runtime.db.uow() as session:
        _, inv = await make_flight(session, number="2102", origin="JFK", destination="BOS",
                                   duration_minutes=75, cabins={"economy": (150, 12000)})
    booking = await confirmed(client, seeded, f"FL-{inv['economy'].id}", key="1")
    segment_id = booking["segments"][0]["segment_id"]
    ava = booking["passengers"][0]["passenger_id"]
    clock.set(DEPARTS - timedelta(hours=2))
    [old] = (await check_in(client, seeded, booking, key="ci-1")).json()["boarding_passes"]
    new_seat = "22F" if old["seat"] != "22F" else "23F"

    moved = await client.put(
        f"/v1/bookings/{booking['booking_id']}/seats",
        json={"assignments": [{"segment_id": segment_id, "passenger_id": ava, "seat": new_seat}]},
        headers=auth(seeded),
    )

    assert moved.status_code == 200, moved.text
    [seated] = moved.json()["segments"][0]["passengers"]
    assert seated["seat"] == new_seat
    assert seated["boarding_pass_id"] != old["pass_id"]
    new = (await client.get(f"/v1/boarding-passes/{seated['boarding_pass_id']}", headers=auth(seeded))).json()
    assert new["seat"] == new_seat
    assert new["sequence_number"] == old["sequence_number"] + 1  # the flight's next number
    fields = decode(new["bcbp"])
    assert fields["seat"] == new_seat.rjust(4, "0")
    assert fields["sequence"] == f"{new['sequence_number']:04d} "
    png = await client.get(new["png"], headers=auth(seeded))
    assert png.status_code == 200
    assert read_barcode(png.content) == new["bcbp"]
    assert decode(read_barcode(png.content))["seat"] == new_seat.rjust(4, "0")

    # The old pass is void, and says which pass replaced it.
    for path in (f"/v1/boarding-passes/{old['pass_id']}", old["png"], old["pdf"]):
        gone = assert_problem(await client.get(path, headers=auth(seeded)), 410, "BOARDING_PASS_SUPERSEDED")
        assert gone["superseded_by"] == new["pass_id"]
    # Checking in again answers the new pass, not a third one; only one pass is listed.
    again = (await check_in(client, seeded, booking, key="ci-2")).json()["boarding_passes"]
    assert [p["pass_id"] for p in again] == [new["pass_id"]]
    assert await pass_count(runtime) == 2
    async with runtime.db.uow(write=False) as session:
        sent = (
            await session.scalars(
                select(OutboxEvent).where(OutboxEvent.topic == "checkin.completed").order_by(OutboxEvent.id)
            )
        ).all()
    assert [e.payload["pass_id"] for e in sent] == [old["pass_id"], new["pass_id"]]
    assert new_seat in sent[1].payload["message"]

    # The same seat again changes nothing: no new pass.
    same = await client.put(
        f"/v1/bookings/{booking['booking_id']}/seats",
        json={"assignments": [{"segment_id": segment_id, "passenger_id": ava, "seat": new_seat}]},
        headers=auth(seeded),
    )
    assert same.status_code == 200
    assert same.json()["segments"][0]["passengers"][0]["boarding_pass_id"] == new["pass_id"]
    assert await pass_count(runtime) == 2


async def test_a_seat_bought_after_check_in_is_charged_and_printed_on_a_new_pass(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime, clock: FrozenClock
) -> None:
    await give_passport(runtime, "ava")
    booking = await confirmed(client, seeded, seeded.economy_offer, key="1")
    segment_id = booking["segments"][0]["segment_id"]
    ava = booking["passengers"][0]["passenger_id"]
    clock.set(DEPARTS - timedelta(hours=3))
    [old] = (await check_in(client, seeded, booking, key="ci-1")).json()["boarding_passes"]

    bought = await client.put(
        f"/v1/bookings/{booking['booking_id']}/seats",
        json={"assignments": [{"segment_id": segment_id, "passenger_id": ava, "seat": "8A"}],
              "accept_fees": True},
        headers=auth(seeded),
    )

    assert bought.status_code == 200, bought.text
    [seated] = bought.json()["segments"][0]["passengers"]
    assert seated["seat"] == "8A"
    new = (await client.get(f"/v1/boarding-passes/{seated['boarding_pass_id']}", headers=auth(seeded))).json()
    assert new["seat"] == "8A"
    png = await client.get(new["png"], headers=auth(seeded))
    assert decode(read_barcode(png.content))["seat"] == "008A"
    assert_problem(await client.get(old["png"], headers=auth(seeded)), 410, "BOARDING_PASS_SUPERSEDED")
    assert bought.json()["changes"][0]["charge"]["amount"] == "85.00"
    assert PASSPORT not in bought.text


async def test_a_signed_link_opens_one_pass_barcode_for_a_viewer_without_a_token(
    client: httpx.AsyncClient, seeded: World, runtime: Runtime, clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runtime.settings, "signed_url_secret", SecretStr("test-link-secret"))
    monkeypatch.setattr(runtime.settings, "public_base_url", "https://concierge.example/")
    async with runtime.db.uow() as session:
        _, inv = await make_flight(session, number="2103", origin="JFK", destination="BOS",
                                   duration_minutes=75, cabins={"economy": (150, 12000)})
    booking = await confirmed(client, seeded, f"FL-{inv['economy'].id}", key="1")
    clock.set(DEPARTS - timedelta(hours=2))
    [bp] = (await check_in(client, seeded, booking, key="ci-1")).json()["boarding_passes"]
    url = barcode_url(runtime.settings, clock.now())(bp["pass_id"])
    assert url is not None
    assert url.startswith(f"https://concierge.example/v1/boarding-passes/{bp['pass_id']}/barcode.png?exp=")
    path = url.removeprefix("https://concierge.example")

    opened = await client.get(path)  # no Authorization header: the link is the proof

    assert opened.status_code == 200, opened.text
    assert opened.headers["cache-control"] == "private, no-store"
    assert read_barcode(opened.content) == bp["bcbp"]
    sig = path.rsplit("sig=", 1)[1]
    other = "BP_" + "0" * 10
    for bad in (
        path.replace(sig, "0" * 64),  # a forged signature
        path.replace(bp["pass_id"], other),  # another pass with this link's signature
    ):
        assert_problem(await client.get(bad), 404, "NOT_FOUND")
    clock.set(clock.now() + timedelta(hours=25))  # expired
    assert_problem(await client.get(path), 404, "NOT_FOUND")
    clock.set(DEPARTS - timedelta(hours=2))
    # A seat change supersedes the pass: its old link says so.
    seat = "22F" if bp["seat"] != "22F" else "23F"
    moved = await client.put(
        f"/v1/bookings/{booking['booking_id']}/seats",
        json={"assignments": [{"segment_id": booking["segments"][0]["segment_id"],
                               "passenger_id": booking["passengers"][0]["passenger_id"], "seat": seat}]},
        headers=auth(seeded),
    )
    assert moved.status_code == 200
    assert_problem(await client.get(path), 410, "BOARDING_PASS_SUPERSEDED")
