"""GET /v1/admin/review and resolving its items (issue 14, item 12).

The manual-review queue: bookings stuck in ``pending_confirmation`` or
``requires_attention``, open reconciliation exceptions and abandoned outbox events,
each with its cause and age, oldest first, paginated, for the organization's
finance and admins only. Each is resolved with a note; finance also settles an
exception as disputed, written off or adjusted.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core.booking.saga import confirm_booking
from core.booking.service import ItemRequest, hold_booking
from core.disruption.feed import receive_flight_status, sign
from core.finance import reconcile
from core.identity import hash_token
from core.models import OutboxEvent, ReconciliationException, SupplierReservation, User
from core.runtime import Runtime
from tests.conftest import supplier_times_out
from tests.core.booking_world import AVA, GUS, build_world
from tests.factories import make_user

URL = "/v1/admin/review"


def auth(user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer tok-{user}"}


async def _confirmed(rt: Runtime, caller, offer: str) -> str:
    async with rt.db.uow() as s:
        booking = await hold_booking(rt, s, caller, [ItemRequest(offer, 1)])
    await confirm_booking(rt, caller, booking.id)
    return booking.id


async def _abandoned(rt: Runtime, org_id: str, key: str) -> int:
    now = rt.clock.now()
    async with rt.db.uow() as s:
        event = OutboxEvent(
            org_id=org_id,
            topic="booking.confirmed",
            key=key,
            payload={"booking_id": "BK-GONE1"},
            created_at=now - timedelta(hours=2),
            available_at=now,
            attempts=10,
            last_error="SMTP 550 mailbox unavailable",
            abandoned_at=now,
        )
        s.add(event)
        await s.flush()
        return event.id


@pytest.fixture
async def queue(runtime: Runtime, clock) -> dict[str, str]:
    """One item of each kind for Acme, 10 minutes apart (then 30 minutes pass), and an
    abandoned event of Globex's."""
    world = await build_world(runtime)
    async with runtime.db.uow() as s:
        await make_user(s, id="fin", role="finance", department="Finance")
        await make_user(s, id="admin", role="admin", department="Travel")
        await make_user(s, id="gfin", org_id="globex", role="finance")
        for user in ("fin", "admin", "gfin", "ava", "mia", "victor", "gus"):
            await s.execute(
                update(User).where(User.id == user).values(token_hash=hash_token(f"tok-{user}"))
            )
    items: dict[str, str] = {}
    items["outbox"] = f"outbox:{await _abandoned(runtime, 'acme', 'acme-dead')}"
    items["globex_outbox"] = f"outbox:{await _abandoned(runtime, 'globex', 'globex-dead')}"
    long_haul = await _confirmed(runtime, AVA, f"FL-{world.long_inv['economy'].id}")
    await reconcile(runtime)  # matches: invoiced, nothing to review

    clock.advance(minutes=10)
    with supplier_times_out(runtime):
        stuck = await _confirmed(runtime, AVA, f"FL-{world.short_inv['economy'].id}")
    items["pending"] = f"booking:{stuck}"

    clock.advance(minutes=10)
    bad = await _confirmed(runtime, AVA, f"FL-{world.short_inv['economy'].id}")
    async with runtime.db.uow() as s:
        await s.execute(
            update(SupplierReservation)
            .where(SupplierReservation.booking_ref == bad)
            .values(amount_minor=15500)
        )
    await reconcile(runtime)
    async with runtime.db.uow(write=False) as s:
        exc = await s.scalar(select(ReconciliationException))
    items["exception"] = f"exception:{exc.id}"
    items["exception_booking"] = bad

    clock.advance(minutes=10)
    body = json.dumps(
        {"carrier": "BA", "number": "117", "date": "2026-12-18", "status": "cancelled"}
    ).encode()
    ts = str(int(clock.now().timestamp()))
    await receive_flight_status(
        runtime,
        body,
        timestamp=ts,
        signature=sign(runtime.settings.flight_webhook_secret, ts, body),
    )
    items["disrupted"] = f"booking:{long_haul}"
    clock.advance(minutes=30)
    return items


async def _page(api_client, user: str, **params) -> dict:
    response = await api_client.get(URL, params=params, headers=auth(user))
    assert response.status_code == 200, response.text
    return response.json()


async def test_finance_sees_each_item_with_its_cause_and_age_oldest_first(api_client, queue):
    items = (await _page(api_client, "fin"))["items"]

    assert [i["item_id"] for i in items] == [
        queue["outbox"],
        queue["pending"],
        queue["exception"],
        queue["disrupted"],
    ]
    outbox, pending, exception, disrupted = items
    assert [i["age_seconds"] for i in items] == [3600, 3000, 2400, 1800]
    assert (outbox["kind"], outbox["cause"], outbox["state"]) == (
        "outbox",
        "delivery_abandoned",
        "open",
    )
    assert "booking.confirmed" in outbox["detail"]
    assert "SMTP 550 mailbox unavailable" in outbox["detail"]
    assert (pending["kind"], pending["cause"], pending["booking_status"]) == (
        "booking",
        "supplier_timeout",
        "pending_confirmation",
    )
    assert (exception["kind"], exception["cause"], exception["booking_id"]) == (
        "exception",
        "amount_mismatch",
        queue["exception_booking"],
    )
    assert exception["expected"] == {"amount": "150.00", "currency": "USD"}
    assert exception["actual"] == {"amount": "155.00", "currency": "USD"}
    assert (disrupted["cause"], disrupted["booking_status"]) == ("disruption", "requires_attention")
    assert "BA 117" in disrupted["detail"]
    assert "cancelled" in disrupted["detail"]
    assert all(i["resolution"] is None for i in items)

    # The admin sees the same queue; Globex's finance only Globex's.
    assert (await _page(api_client, "admin"))["items"] == items
    assert [i["item_id"] for i in (await _page(api_client, "gfin"))["items"]] == [
        queue["globex_outbox"]
    ]


@pytest.mark.parametrize("user", ["ava", "mia", "victor", "gus"])
async def test_only_finance_and_admins_see_the_queue(api_client, queue, user):
    response = await api_client.get(URL, headers=auth(user))
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "FORBIDDEN"


async def test_pages_follow_each_other_without_gaps_or_repeats(api_client, queue):
    seen: list[str] = []
    cursor = None
    for _ in range(3):
        page = await _page(api_client, "fin", limit=3, **({"cursor": cursor} if cursor else {}))
        seen += [i["item_id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [queue["outbox"], queue["pending"], queue["exception"], queue["disrupted"]]
    by_kind = await _page(api_client, "fin", kind="booking")
    assert [i["item_id"] for i in by_kind["items"]] == [queue["pending"], queue["disrupted"]]


@pytest.mark.parametrize(
    "params",
    [{"cursor": "not-a-cursor"}, {"limit": 0}, {"limit": 101}, {"kind": "hotel"}, {"state": "x"}],
)
async def test_bad_queries_are_422(api_client, queue, params):
    response = await api_client.get(URL, params=params, headers=auth("fin"))
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "VALIDATION_ERROR"


async def _resolve(api_client, user: str, item_id: str, **body):
    return await api_client.post(f"{URL}/{item_id}/resolve", json=body, headers=auth(user))


async def test_resolving_with_a_note_takes_the_item_off_the_queue_once(api_client, queue, clock):
    note = "Called the airline desk; the ticket was issued by hand"
    first = await _resolve(api_client, "admin", queue["pending"], outcome="resolved", note=note)
    assert first.status_code == 200, first.text
    item = first.json()
    assert item["item_id"] == queue["pending"]
    assert item["state"] == "resolved"
    assert item["resolution"] == {
        "outcome": "resolved",
        "note": note,
        "resolved_by": "admin",
        "resolved_at": clock.now().isoformat().replace("+00:00", "Z"),
    }
    listed = [i["item_id"] for i in (await _page(api_client, "fin"))["items"]]
    assert queue["pending"] not in listed
    assert len(listed) == 3

    clock.advance(minutes=1)
    again = await _resolve(api_client, "admin", queue["pending"], outcome="resolved", note=note)
    assert again.status_code == 200
    replay = again.json()
    assert replay.pop("age_seconds") == item.pop("age_seconds") + 60
    assert replay == item  # the first resolution stands

    other = await _resolve(api_client, "fin", queue["pending"], outcome="resolved", note="no")
    assert other.status_code == 409
    assert other.headers["content-type"].startswith("application/problem+json")
    assert other.json()["code"] == "REVIEW_ITEM_CLOSED"


async def test_an_abandoned_event_is_resolved_too(api_client, queue):
    done = await _resolve(api_client, "fin", queue["outbox"], outcome="resolved", note="resent")
    assert done.status_code == 200, done.text
    assert queue["outbox"] not in [i["item_id"] for i in (await _page(api_client, "fin"))["items"]]


async def test_finance_settles_an_exception_disputed_then_written_off(api_client, queue):
    disputed = await _resolve(
        api_client, "fin", queue["exception"], outcome="disputed", note="Asked the GDS for a credit"
    )
    assert disputed.status_code == 200, disputed.text
    assert disputed.json()["state"] == "disputed"
    # Still on the queue (state disputed) until it is settled.
    [listed] = (await _page(api_client, "fin", state="disputed"))["items"]
    assert listed["item_id"] == queue["exception"]
    assert queue["exception"] not in [
        i["item_id"] for i in (await _page(api_client, "fin", state="open"))["items"]
    ]

    written = await _resolve(
        api_client, "fin", queue["exception"], outcome="written_off", note="5.00 not worth it"
    )
    assert written.status_code == 200, written.text
    assert written.json()["state"] == "written_off"
    assert queue["exception"] not in [
        i["item_id"] for i in (await _page(api_client, "fin"))["items"]
    ]
    # The finance view of the exception says how it ended.
    [exc] = (
        await api_client.get("/v1/finance/exceptions?status=resolved", headers=auth("fin"))
    ).json()["exceptions"]
    assert (exc["resolution"], exc["resolution_note"], exc["resolved_by"]) == (
        "written_off",
        "5.00 not worth it",
        "fin",
    )


async def test_money_outcomes_are_finances_alone_and_exceptions_only(api_client, queue):
    admin = await _resolve(api_client, "admin", queue["exception"], outcome="adjusted", note="x")
    assert admin.status_code == 403
    assert admin.json()["code"] == "FORBIDDEN"
    booking = await _resolve(api_client, "fin", queue["pending"], outcome="written_off", note="x")
    assert booking.status_code == 422
    assert booking.json()["code"] == "VALIDATION_ERROR"
    # The admin may still resolve the exception plainly.
    plain = await _resolve(api_client, "admin", queue["exception"], outcome="resolved", note="ok")
    assert plain.status_code == 200, plain.text


@pytest.mark.parametrize(
    ("item", "body", "status"),
    [
        ("exception:999999", {"outcome": "resolved", "note": "x"}, 404),
        ("booking:BK-NOPE00", {"outcome": "resolved", "note": "x"}, 404),
        ("outbox:{globex}", {"outcome": "resolved", "note": "x"}, 404),  # another org's
        ("{exception}", {"outcome": "resolved"}, 422),  # no note
        ("{exception}", {"outcome": "resolved", "note": ""}, 422),
        ("{exception}", {"outcome": "resolved", "note": "x" * 1001}, 422),
        ("{exception}", {"outcome": "settled", "note": "x"}, 422),
        ("{exception}", {"outcome": "resolved", "note": "a\u0000b"}, 422),
        ("ticket:12", {"outcome": "resolved", "note": "x"}, 422),
        ("exception:99999999999", {"outcome": "resolved", "note": "x"}, 422),
    ],
)
async def test_bad_resolutions_are_problems_and_change_nothing(
    api_client, queue, item, body, status
):
    item = item.format(globex=queue["globex_outbox"].split(":")[1], exception=queue["exception"])
    response = await _resolve(api_client, "fin", item, **body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert len((await _page(api_client, "fin"))["items"]) == 4
    gfin = (await _page(api_client, "gfin"))["items"]
    assert [i["state"] for i in gfin] == ["open"]


async def test_a_traveller_cannot_resolve(api_client, queue):
    response = await _resolve(api_client, "ava", queue["pending"], outcome="resolved", note="x")
    assert response.status_code == 403
    assert GUS.org_id == "globex"
