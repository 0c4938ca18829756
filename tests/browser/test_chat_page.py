"""The chat page in real headless Chromium against a live server and the real agent.

A traveller signs in, asks for a flight, sees the option cards stream in, books
option 1, confirms and sees the trip confirmed; a trip that needs approval is
approved by her manager in the inbox. Screenshots of each step go to
var/screenshots/ (CI keeps them as artefacts).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path
from typing import Any

import httpx
import icalendar
import pytest

pytestmark = pytest.mark.timeout(480)

STEP_MS = 120_000  # one agent turn on a busy shared CI machine


def _day(days_ahead: int) -> str:
    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=days_ahead)).isoformat()


def _sign_in(page: Any, base: str, user: str) -> None:
    # Script errors fail loudly in the test output instead of as a silent timeout.
    page.on("pageerror", lambda exc: print(f"page error: {exc}"))
    page.on(
        "console",
        lambda msg: (
            print(f"console {msg.type}: {msg.text}") if msg.type in ("error", "warning") else None
        ),
    )
    page.goto(base)
    page.evaluate("localStorage.clear()")
    page.goto(base)
    page.click(f"button[data-user={user}]")
    page.wait_for_selector("#app:not([hidden])")


def _ask(page: Any, text: str) -> None:
    box = page.locator("#composer-input")
    box.fill(text)
    box.press("Enter")  # keyboard first: Enter sends


def _idle(page: Any) -> None:
    """Wait for the turn a click or message started to finish."""
    page.wait_for_function(
        "!document.querySelector('#log [aria-busy=true]') && !document.querySelector('#send').disabled",
        timeout=STEP_MS,
    )


def _book_and_confirm(page: Any, shoot: Any, prefix: str, *, book: str) -> None:
    """Click the Book button ``book`` selects, then Confirm with the keyboard."""
    page.locator(".card.flight").first.wait_for(timeout=STEP_MS)
    shoot(page, f"{prefix}-1-options")
    page.locator(book).first.click()
    confirm = page.locator(".card.confirm:not(.done) [data-action=confirm]").last
    confirm.wait_for(timeout=STEP_MS)
    # The keyboard lands on the decision.
    assert page.evaluate("document.activeElement.dataset.action") == "confirm"
    shoot(page, f"{prefix}-2-confirmation")
    page.keyboard.press("Enter")


def test_traveller_books_and_confirms_a_flight(
    live_server: str, browser_instance: Any, shoot: Any
) -> None:
    context = browser_instance.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, "ava")
    shoot(page, "ava-0-signed-in")

    _ask(page, f"Fly me from New York to London on {_day(14)}")
    first_card = page.locator(".card.flight").first
    first_card.wait_for(timeout=STEP_MS)
    badge = first_card.locator("[data-policy]")
    assert badge.get_attribute("data-policy") in {"green", "amber", "red"}
    assert "CO₂" in first_card.inner_text()
    assert "→" in first_card.inner_text()

    # A first hold, then a change of mind: the older confirmation card goes inert.
    bookable = page.locator(".card.flight:not([data-policy=red]) [data-action=book]")
    bookable.nth(0).click()
    old_card = page.locator(".card.confirm").last
    old_card.wait_for(timeout=STEP_MS)
    _idle(page)
    old_id = old_card.get_attribute("data-interrupt-id")
    assert old_id
    assert old_card.get_attribute("data-booking-id", timeout=STEP_MS)
    bookable.nth(1).click()
    page.locator(f".card.confirm[data-state=pending]:not([data-interrupt-id='{old_id}'])").wait_for(
        timeout=STEP_MS
    )
    _idle(page)
    stale = page.locator(f".card.confirm[data-interrupt-id='{old_id}']")
    assert stale.get_attribute("data-state") != "pending"
    assert stale.locator("button").count() == 0  # inert: nothing left to click
    assert "No longer pending" in stale.locator(".card-note").inner_text()
    shoot(page, "ava-2-old-card-inert")
    page.locator(".card.confirm[data-state=pending] [data-action=confirm]").click()
    confirmed = page.locator("#trips .trip[data-status=confirmed]")
    confirmed.first.wait_for(timeout=STEP_MS)
    text = confirmed.first.inner_text()
    assert "BK-" in text
    assert "Ref " in text  # supplier locators
    shoot(page, "ava-3-trip-confirmed")
    context.close()


def test_round_trip_is_picked_outbound_then_return_as_one_booking(
    live_server: str, browser_instance: Any, shoot: Any
) -> None:
    context = browser_instance.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, "ava")
    _ask(page, f"Fly me from New York to London on {_day(10)}, returning {_day(13)}")
    outbound = page.locator(".option-group[data-leg=outbound]")
    home = page.locator(".option-group[data-leg=return]")
    home.locator(".card").first.wait_for(timeout=STEP_MS)
    _idle(page)
    # Separate, labelled groups.
    assert outbound.locator(".group-title").inner_text().startswith("Outbound flights")
    assert home.locator(".group-title").inner_text().startswith("Return flights")
    shoot(page, "round-trip-1-groups")

    outbound.locator(".card:not([data-policy=red]) [data-action=book]").first.click()
    _idle(page)
    assert page.locator(".card.confirm[data-state=pending]").count() == 0  # nothing held yet
    assert "return flight" in page.locator(".msg.assistant").last.inner_text()
    home.locator(".card:not([data-policy=red]) [data-action=book]").first.click()
    card = page.locator(".card.confirm[data-state=pending]")
    card.wait_for(timeout=STEP_MS)
    _idle(page)
    booking_id = card.get_attribute("data-booking-id")
    assert booking_id
    shoot(page, "round-trip-2-confirmation")
    card.locator("[data-action=confirm]").click()

    trip = page.locator(f"#trips .trip[data-booking-id='{booking_id}']")
    page.locator(f"#trips .trip[data-booking-id='{booking_id}'][data-status=confirmed]").wait_for(
        timeout=STEP_MS
    )
    titles = trip.locator(".segments .entry-title").all_inner_texts()
    times = trip.locator(".segments .entry-when").all_inner_texts()
    # Outbound, then home, each on its airports' clocks with their offsets.
    assert "→ LHR" in titles[0] or "→ LGW" in titles[0], titles
    assert "LHR →" in titles[1] or "LGW →" in titles[1], titles
    assert all(len(re.findall(r"\(UTC[+-]\d\d:\d\d\)", line)) == 2 for line in times), times
    shoot(page, "round-trip-3-one-booking")

    # The trip to take away: the calendar file and the itinerary page.
    with page.expect_download() as download:
        trip.locator("[data-action=calendar]").click()
    events = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes()).events
    assert [str(e["SUMMARY"]) for e in events] == titles
    with context.expect_page() as opened:
        trip.locator("[data-action=itinerary]").click()
    itinerary = opened.value
    itinerary.wait_for_load_state()
    assert f"Itinerary {booking_id}" in itinerary.inner_text("h1")
    shoot(itinerary, "round-trip-4-itinerary")
    context.close()


def test_a_red_option_says_why_and_has_no_book_button(
    live_server: str, browser_instance: Any, shoot: Any
) -> None:
    context = browser_instance.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, "ava")
    # First class is red in Acme's policy.
    _ask(page, f"Fly me from New York to London on {_day(16)} in first class")
    red = page.locator(".card.flight[data-policy=red]").first
    red.wait_for(timeout=STEP_MS)
    assert red.locator("[data-action=book]").count() == 0
    assert "Can't be booked" in red.locator(".blocked").inner_text()
    shoot(page, "red-option")
    context.close()


def test_phone_width_has_no_horizontal_scroll(
    live_server: str, browser_instance: Any, shoot: Any
) -> None:
    context = browser_instance.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    _sign_in(page, live_server, "ava")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shoot(page, "phone-signed-in")
    context.close()


def test_manager_approves_a_trip_in_the_inbox(
    live_server: str, browser_instance: Any, shoot: Any
) -> None:
    context = browser_instance.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, "ava")
    # Fewer than 7 days ahead is amber in Acme's policy: her manager must approve.
    _ask(page, f"Fly me from New York to London on {_day(3)}")
    # The first amber option (a red one, e.g. a blocked airline, cannot be booked at all).
    _book_and_confirm(
        page, shoot, "approval-ava", book=".card.flight:has([data-policy=amber]) [data-action=book]"
    )
    pending = page.locator("#trips .trip[data-status=pending_approval]")
    pending.first.wait_for(timeout=STEP_MS)
    booking_id = pending.first.get_attribute("data-booking")
    assert pending.first.locator(".countdown").inner_text().startswith("Hold expires in")
    shoot(page, "approval-ava-3-pending")

    page.click("#sign-out")
    page.click("button[data-user=mia]")
    item = page.locator(f"#approvals .approval:has-text('{booking_id}')")
    item.wait_for(timeout=STEP_MS)
    shoot(page, "approval-mia-1-inbox")
    item.locator("[data-action=approve]").click()
    # A decision takes a confirm step on the card itself: a yes first.
    yes = item.locator("[data-action=confirm-approve]")
    yes.wait_for(timeout=STEP_MS)
    shoot(page, "approval-mia-2-confirm")
    yes.click()
    item.wait_for(state="detached", timeout=STEP_MS)

    # Managers see their reports' trips under Team trips, never in their own: the
    # approved trip goes on to be confirmed.
    assert page.locator(f"#trips .trip[data-booking='{booking_id}']").count() == 0
    trip = page.locator(f"#team-trips .trip[data-booking='{booking_id}']")
    for _ in range(30):
        if trip.get_attribute("data-status") == "confirmed":
            break
        page.wait_for_timeout(1000)
        page.click("#trips-refresh")
    assert trip.get_attribute("data-status") == "confirmed"
    shoot(page, "approval-mia-3-approved")
    context.close()


def test_a_dropped_stream_resumes_with_last_event_id(
    live_server: str, browser_instance: Any, shoot: Any
) -> None:
    context = browser_instance.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, "ava")
    resumed: list[str] = []

    def cut_after_two_events(route: Any) -> None:
        # Let the real turn run, but deliver only its first two events, as if the
        # connection died there.
        upstream = route.fetch()
        events = upstream.text().replace("\r\n", "\n").split("\n\n")
        assert len(events) > 4, events
        route.fulfill(
            status=200,
            headers={"content-type": "text/event-stream"},
            body="\n\n".join(events[:2]) + "\n\n",
        )

    page.route("**/v1/chat", cut_after_two_events)
    page.on(
        "request",
        lambda r: (
            resumed.append(r.headers.get("last-event-id", ""))
            if r.url.endswith("/stream")
            else None
        ),
    )
    _ask(page, f"Fly me from New York to London on {_day(15)}")
    page.locator(".card.flight").first.wait_for(timeout=STEP_MS)
    assert resumed, "the page should reconnect to the thread's stream"
    assert resumed[0], "… with the Last-Event-ID it got"
    assert page.locator(".msg.error").count() == 0
    shoot(page, "resume-after-drop")
    context.close()


def test_a_queued_turn_says_so_until_its_answer_streams(
    live_server: str, browser_instance: Any, shoot: Any
) -> None:
    """A turn that waits for a free slot: the page shows the `data-queued` part (how
    many are ahead) under the turn, then the answer replaces it. The server's real
    turn is cut after its `start` and a queued part as the server sends it when busy;
    the rest comes from the thread's stream once the test lets it through."""
    context = browser_instance.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, "ava")
    held: list[Any] = []

    def start_then_queued(route: Any) -> None:
        upstream = route.fetch()
        events = upstream.text().replace("\r\n", "\n").split("\n\n")
        start = next(e for e in events if '"type":"start"' in e)
        turn_id = re.search(r'"messageId":"([^"]+)"', start).group(1)  # type: ignore[union-attr]
        queued = json.dumps(
            {
                "type": "data-queued",
                "id": f"queued-{turn_id}",
                "data": {"turn_id": turn_id, "position": 3},
                "transient": True,
            },
            separators=(",", ":"),
        )
        route.fulfill(
            status=200,
            headers={"content-type": "text/event-stream"},
            body=f"{start}\n\ndata: {queued}\n\n",
        )

    page.route("**/v1/chat", start_then_queued)
    page.route("**/stream", lambda route: held.append(route))  # the slot frees later
    _ask(page, f"Fly me from New York to London on {_day(16)}")
    note = page.locator("#log .queued-note")
    note.wait_for(timeout=STEP_MS)
    assert "2 messages are ahead of yours" in note.inner_text()
    shoot(page, "queued-1-waiting")
    while not held:  # the page asks for the rest of the turn (Last-Event-ID of `start`)
        page.wait_for_timeout(100)
    held[0].continue_()
    page.locator(".card.flight").first.wait_for(timeout=STEP_MS)
    assert note.count() == 0
    assert page.locator(".msg.error").count() == 0
    shoot(page, "queued-2-answered")
    context.close()


def test_a_seat_is_chosen_by_clicking_the_seat_map(
    live_server: str, browser_instance: Any, shoot: Any
) -> None:
    context = browser_instance.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, "ava")
    _ask(page, f"Fly me from New York to Boston on {_day(12)}")
    page.locator(".card.flight:not([data-policy=red]) [data-action=book]").first.click()
    confirm = page.locator(".card.confirm[data-state=pending][data-booking-id]").last
    confirm.wait_for(timeout=STEP_MS)
    _idle(page)

    # The trip just held (earlier tests of the module may have left Ava other held trips).
    booking_id = confirm.get_attribute("data-booking-id")
    trip = page.locator(f"#trips .trip[data-status=held][data-booking-id='{booking_id}']")
    trip.wait_for(timeout=STEP_MS)
    trip.locator("[data-action=seat-map]").click()
    seatmap = page.locator(f".card.seatmap[data-booking-id='{booking_id}']").last
    seatmap.wait_for(timeout=STEP_MS)
    _idle(page)
    assert seatmap.locator("button.seat.paid").count() > 0  # extra legroom, with its fee
    free = seatmap.locator("button.seat.free:not([disabled])").first
    seat = free.get_attribute("data-seat")
    assert re.fullmatch(r"\d{1,2}[A-K]", seat or "")
    shoot(page, "ava-seat-1-map")

    free.click()
    page.locator("#log .msg.user", has_text=f"in {seat}").last.wait_for(timeout=STEP_MS)
    _idle(page)
    assert seat in page.locator("#log").inner_text().split(f"in {seat}", 1)[1]
    shoot(page, "ava-seat-2-chosen")
    context.close()


def _confirmed_flight_leaving_soon(base: str) -> str:
    """A confirmed JFK→BOS booking of Ava's on a flight whose check-in is open now (the
    live server runs on the system clock): held, approved by Mia (it is booked fewer than
    7 days ahead), confirmed. Answers its id."""
    ava = {"Authorization": "Bearer demo-ava"}
    now = dt.datetime.now(dt.UTC)
    offer = None
    for day in (now.date(), now.date() + dt.timedelta(days=1)):
        found = httpx.get(
            f"{base}/v1/flights/search",
            params={"origin": "JFK", "destination": "BOS", "date": day.isoformat(), "max_stops": 0},
            headers=ava,
            timeout=60,
        ).json()
        offer = next(
            (
                o
                for o in found["offers"]
                if o["policy"]["status"] != "red"
                and now + dt.timedelta(hours=2)
                < dt.datetime.fromisoformat(o["segments"][0]["depart_at"].replace("Z", "+00:00"))
                < now + dt.timedelta(hours=23)
            ),
            None,
        )
        if offer:
            break
    assert offer is not None, "no JFK→BOS flight leaving in 2–23 hours"
    key = f"browser-checkin-{now.timestamp()}"
    held = httpx.post(
        f"{base}/v1/bookings",
        json={"items": [{"offer_id": offer["offer_id"]}]},
        headers={**ava, "Idempotency-Key": f"{key}-hold"},
        timeout=60,
    ).json()
    booking_id = held["booking_id"]
    asked = httpx.post(
        f"{base}/v1/bookings/{booking_id}/confirm",
        headers={**ava, "Idempotency-Key": f"{key}-confirm"},
        timeout=60,
    ).json()
    if asked["status"] != "confirmed":
        decided = httpx.post(
            f"{base}/v1/approvals/{asked['approval_id']}/decision",
            json={"decision": "approve", "note": "ok"},
            headers={"Authorization": "Bearer demo-mia", "Idempotency-Key": f"{key}-approve"},
            timeout=60,
        )
        assert decided.status_code < 300, decided.text
    for _ in range(60):
        status = httpx.get(f"{base}/v1/bookings/{booking_id}", headers=ava, timeout=60).json()["status"]
        if status == "confirmed":
            return str(booking_id)
        time.sleep(0.5)
    raise AssertionError(f"{booking_id} is {status}, not confirmed")


def test_check_in_from_the_trips_panel_and_open_the_boarding_pass(
    live_server: str, browser_instance: Any, shoot: Any
) -> None:
    booking_id = _confirmed_flight_leaving_soon(live_server)
    context = browser_instance.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, "ava")
    trip = page.locator(f"#trips .trip[data-booking-id='{booking_id}']")
    trip.wait_for(timeout=STEP_MS)
    assert re.search(r"Ref [A-Z0-9]{6}", trip.inner_text())  # the flight's own locator
    shoot(page, "ava-checkin-1-trip")

    trip.locator("[data-action=check-in]").click()
    page.locator("#log .msg", has_text="You're checked in").last.wait_for(timeout=STEP_MS)
    _idle(page)
    button = trip.locator("[data-action=boarding-pass]")
    button.wait_for(timeout=STEP_MS)
    assert trip.locator("[data-action=check-in]").count() == 0  # nobody left to check in
    assert re.fullmatch(r"BP_[A-Z0-9]+", button.get_attribute("data-pass-id") or "")
    shoot(page, "ava-checkin-2-checked-in")

    with context.expect_page(timeout=STEP_MS) as opened:
        button.click()
    pdf_tab = opened.value
    assert pdf_tab.url.startswith("blob:")
    context.close()
