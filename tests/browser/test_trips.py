"""The trip view in Chromium: a held trip counts its hold down in words and is
cancelled through the chat's confirmation gate; a trip waiting for approval is held
"for 2 days", not "47h 59:59"; a manager's reports' trips are under Team trips, apart
from her own; the trip and its buttons fit a phone. Screenshots: var/screenshots/trips-*.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import httpx
import pytest

from tests.browser.test_chat_page import STEP_MS, _idle, _sign_in

pytestmark = pytest.mark.timeout(480)


def _hold(base: str, who: str, days_ahead: int, key: str) -> str:
    """A held JFK → BOS flight of ``who``'s ``days_ahead`` days out, by the API."""
    auth = {"Authorization": f"Bearer demo-{who}"}
    day = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=days_ahead)).isoformat()
    found = httpx.get(
        f"{base}/v1/flights/search",
        params={"origin": "JFK", "destination": "BOS", "date": day, "max_stops": 0},
        headers=auth,
        timeout=60,
    ).json()
    offer = next(o for o in found["offers"] if o["policy"]["status"] != "red")
    held = httpx.post(
        f"{base}/v1/bookings",
        json={"items": [{"offer_id": offer["offer_id"]}]},
        headers={**auth, "Idempotency-Key": f"{key}-{time.time()}"},
        timeout=60,
    )
    assert held.status_code == 201, held.text
    return str(held.json()["booking_id"])


def test_a_held_trip_counts_down_in_words_and_is_cancelled_through_the_gate(
    live_server: str, browser_instance: Any, shoot: Any
) -> None:
    booking_id = _hold(live_server, "ava", 12, "trips-cancel")
    context = browser_instance.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, "ava")
    trip = page.locator(f"#trips .trip[data-booking-id='{booking_id}']")
    trip.wait_for(timeout=STEP_MS)
    assert trip.get_attribute("open") is not None  # an active trip opens on its own

    countdown = trip.locator(".countdown").inner_text()
    assert re.fullmatch(r"Hold expires in (1[0-5]|[1-9]) minutes", countdown), countdown
    when = trip.locator(".entry-when").first.inner_text()
    assert len(re.findall(r"\(UTC[+-]\d\d:\d\d\)", when)) == 2, when  # each end on its clock
    assert "Not charged yet" in trip.locator(".payment").inner_text()
    assert re.search(r"\d\.\d\d USD", trip.locator(".trip-total").inner_text())
    # Held: nothing to check in or change yet.
    assert trip.locator("[data-action=check-in]").count() == 0
    assert trip.locator("[data-action=change-flight]").count() == 0
    shoot(page, "trips-1-held-desktop")

    trip.locator("[data-action=cancel-trip]").click()
    gate = page.locator(".card.confirm[data-state=pending][data-tool=cancel_booking]").last
    gate.wait_for(timeout=STEP_MS)
    _idle(page)
    # The click only asked: the trip is still held until the yes.
    assert trip.get_attribute("data-status") == "held"
    shoot(page, "trips-2-cancel-gate")
    gate.locator("[data-action=confirm]").click()
    page.locator(f"#trips .trip[data-booking-id='{booking_id}'][data-status=cancelled]").wait_for(
        timeout=STEP_MS
    )
    cancelled = page.locator(f"#trips .trip[data-booking-id='{booking_id}']")
    assert cancelled.locator("[data-action=cancel-trip]").count() == 0
    assert cancelled.locator(".countdown").count() == 0
    shoot(page, "trips-3-cancelled")
    context.close()


def test_a_trip_waiting_for_approval_says_days_and_the_manager_sees_it_under_team_trips(
    live_server: str, browser_instance: Any, shoot: Any
) -> None:
    # Three days ahead is amber in Acme's policy: confirming waits for Mia.
    booking_id = _hold(live_server, "ava", 3, "trips-team")
    asked = httpx.post(
        f"{live_server}/v1/bookings/{booking_id}/confirm",
        headers={"Authorization": "Bearer demo-ava", "Idempotency-Key": f"{booking_id}-c"},
        timeout=60,
    )
    assert asked.json()["status"] == "pending_approval", asked.text
    mias = _hold(live_server, "mia", 12, "trips-mia")

    context = browser_instance.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, "ava")
    trip = page.locator(f"#trips .trip[data-booking-id='{booking_id}']")
    trip.wait_for(timeout=STEP_MS)
    assert trip.locator(".countdown").inner_text() == "Hold expires in 2 days"
    assert trip.locator("[data-policy=amber]").count() == 1
    assert page.locator("#team-trips-panel").is_hidden()  # Ava has no team

    page.click("#sign-out")
    page.click("button[data-user=mia]")
    team = page.locator(f"#team-trips .trip[data-booking-id='{booking_id}']")
    team.wait_for(timeout=STEP_MS)
    assert page.locator("#team-trips-panel").is_visible()
    assert "Ava" in team.locator(".trip-when").inner_text()
    assert team.get_attribute("data-whose") == "team"
    # Her own trip is hers; Ava's is never in "My trips".
    page.locator(f"#trips .trip[data-booking-id='{mias}']").wait_for(timeout=STEP_MS)
    assert page.locator(f"#trips .trip[data-booking-id='{booking_id}']").count() == 0
    assert page.locator(f"#team-trips .trip[data-booking-id='{mias}']").count() == 0
    team.scroll_into_view_if_needed()
    shoot(page, "trips-4-manager-team-trips")
    context.close()


def test_the_trip_and_its_buttons_fit_a_phone(
    live_server: str, browser_instance: Any, shoot: Any
) -> None:
    booking_id = _hold(live_server, "ava", 13, "trips-phone")
    context = browser_instance.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    _sign_in(page, live_server, "ava")
    trip = page.locator(f"#trips .trip[data-booking-id='{booking_id}']")
    trip.wait_for(timeout=STEP_MS)
    trip.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    buttons = trip.locator(".trip-actions button")
    assert buttons.count() >= 3
    for i in range(buttons.count()):
        box = buttons.nth(i).bounding_box()
        assert box is not None
        assert box["x"] >= 0, box
        assert box["x"] + box["width"] <= 390 + 1, box
        assert box["height"] >= 40, box  # a finger's target
    trip.locator("[data-action=cancel-trip]").scroll_into_view_if_needed()
    shoot(page, "trips-5-phone")
    context.close()


def test_change_flight_finds_new_flights_and_a_pick_asks_before_rebooking(
    live_server: str, browser_instance: Any, shoot: Any
) -> None:
    booking_id = _hold(live_server, "ava", 15, "trips-change")
    confirmed = httpx.post(
        f"{live_server}/v1/bookings/{booking_id}/confirm",
        headers={"Authorization": "Bearer demo-ava", "Idempotency-Key": f"{booking_id}-c"},
        timeout=60,
    )
    assert confirmed.json()["status"] == "confirmed", confirmed.text
    context = browser_instance.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, "ava")
    trip = page.locator(f"#trips .trip[data-booking-id='{booking_id}'][data-status=confirmed]")
    trip.wait_for(timeout=STEP_MS)
    assert "Paid " in trip.locator(".payment").inner_text()
    assert trip.locator(".countdown").count() == 0  # paid: no hold to count down
    # Fifteen days out: check-in is not open, so there is no button for it, only when.
    assert trip.locator("[data-action=check-in]").count() == 0
    assert re.fullmatch(
        r"Check-in opens \w{3} \d{1,2} \w{3} \d\d:\d\d", trip.locator(".entry-checkin").inner_text()
    )

    trip.locator("[data-action=change-flight]").click()
    form = trip.locator("form.change-form")
    day = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=16)).isoformat()
    form.locator("input[type=date]").fill(day)
    shoot(page, "trips-6-change-form")
    form.locator("[data-action=find-flights]").click()
    cards = page.locator("#log .card.flight:not([data-policy=red]) [data-action=book]")
    cards.first.wait_for(timeout=STEP_MS)
    _idle(page)
    cards.first.click()
    gate = page.locator(".card.confirm[data-state=pending][data-tool=rebook]").last
    gate.wait_for(timeout=STEP_MS)
    _idle(page)
    assert "change fee" in gate.inner_text() or "fare difference" in gate.inner_text()
    shoot(page, "trips-7-change-gate")
    context.close()


def test_flight_cards_mark_an_arrival_on_a_later_day(
    live_server: str, browser_instance: Any, shoot: Any
) -> None:
    context = browser_instance.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, "ava")
    day = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=17)).isoformat()
    box = page.locator("#composer-input")
    box.fill(f"Fly me from New York to London on {day}")
    box.press("Enter")
    page.locator(".card.flight").first.wait_for(timeout=STEP_MS)
    _idle(page)
    more = page.locator("#log [data-action=show-more]")
    if more.count():
        more.first.click()  # every option, not only the first three
    overnight = 0
    for times in page.locator("#log .card.flight .times").all_inner_texts():
        leaves, lands = re.findall(r"\b(\d\d:\d\d)\b", times)[:2]
        if lands < leaves:  # on the clock, before it left: the next day (flights < 24 h)
            overnight += 1
            assert times.rstrip().endswith("+1"), times
        else:
            assert "+1" not in times, times
    assert overnight, "New York → London has evening flights landing the next morning"
    shoot(page, "trips-8-cards-plus-one")
    context.close()


def test_trips_answered_after_signing_out_are_not_drawn(
    live_server: str, browser_instance: Any
) -> None:
    booking_id = _hold(live_server, "ava", 14, "trips-signout")
    context = browser_instance.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, "ava")
    page.locator(f"#trips .trip[data-booking-id='{booking_id}']").wait_for(timeout=STEP_MS)
    held: list[Any] = []
    page.route("**/v1/trips?*", lambda route: held.append(route))
    page.click("#trips-refresh")
    while not held:  # Ava's trips are on their way…
        page.wait_for_timeout(50)
    page.click("#sign-out")  # …when she signs out
    page.wait_for_selector("#signin:not([hidden])")
    held[0].continue_()
    page.wait_for_timeout(1500)
    assert page.locator(".trip").count() == 0
    assert booking_id not in page.content()
    context.close()


def test_a_guests_passport_is_added_on_the_trip_and_only_its_mask_is_shown(
    live_server: str, browser_instance: Any, shoot: Any
) -> None:
    number, masked = "GB4471930", "•••••1930"
    auth = {"Authorization": "Bearer demo-ava"}
    day = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=18)).isoformat()
    found = httpx.get(
        f"{live_server}/v1/flights/search",
        params={"origin": "JFK", "destination": "LHR", "date": day, "max_stops": 0, "passengers": 2},
        headers=auth,
        timeout=60,
    ).json()
    offer = next(o for o in found["offers"] if o["policy"]["status"] != "red")
    held = httpx.post(
        f"{live_server}/v1/bookings",
        json={"items": [{"offer_id": offer["offer_id"], "passengers": [
            {"traveler_id": "ava"}, {"given_name": "Jo", "family_name": "Bloggs"}]}]},
        headers={**auth, "Idempotency-Key": f"trips-guest-{time.time()}"},
        timeout=60,
    )
    assert held.status_code == 201, held.text
    booking_id = held.json()["booking_id"]

    context = browser_instance.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, "ava")
    trip = page.locator(f"#trips .trip[data-booking-id='{booking_id}']")
    trip.wait_for(timeout=STEP_MS)
    guest = trip.locator(".guest")
    assert guest.count() == 1  # the guest only: Ava's passport is on her profile
    assert "Jo Bloggs" in guest.inner_text()
    assert guest.locator(".passport-needed").inner_text() == "Passport needed for online check-in"
    form = guest.locator("form.passport-form")
    field = form.locator("input[name=number]")
    assert field.get_attribute("autocomplete") == "off"
    assert form.locator("input[name=expires_on]").get_attribute("type") == "date"
    assert form.locator("input[name=date_of_birth]").get_attribute("required") is None

    # A refusal (problem+json) is said next to the form, on its field, and keeps the form.
    field.fill(number)
    form.locator("input[name=issuing_country]").fill("XX")
    form.locator("input[name=nationality]").fill("GB")
    form.locator("input[name=expires_on]").fill("2030-03-31")
    form.locator("[data-action=add-passport]").click()
    error = form.locator(".field-error")
    error.wait_for(state="visible", timeout=STEP_MS)
    assert "country" in error.inner_text()
    assert form.locator("input[name=issuing_country]").get_attribute("aria-invalid") == "true"
    assert number not in page.content()
    shoot(page, "trips-9-passport-refused")

    form.locator("input[name=issuing_country]").fill("GB")
    form.locator("[data-action=add-passport]").click()
    on_file = trip.locator(".guest .passport-on-file")
    on_file.wait_for(timeout=STEP_MS)
    assert masked in on_file.inner_text()
    assert trip.locator(".passport-needed").count() == 0
    assert trip.locator("form.passport-form").count() == 0
    # Only the mask: the number typed is nowhere in the page, not even in an input.
    assert number not in page.content()
    assert page.evaluate(f"[...document.querySelectorAll('input')].every(i => !i.value.includes('{number}'))")
    shoot(page, "trips-9-passport-masked")
    context.close()
