"""Signed-out screens show nothing of anybody: a fresh visitor sees only the sign-in
list, and after "Switch user" no text of the previous user is left anywhere in the
document — not on screen, not in hidden nodes (issue 12)."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

from tests.browser.test_chat_page import STEP_MS, _ask, _day, _idle, _sign_in

pytestmark = pytest.mark.timeout(300)

# The document without the sign-in list (which names every demo user by design).
_DOCUMENT_BUT_SIGNIN = """() => {
  const copy = document.documentElement.cloneNode(true);
  copy.querySelector('#signin')?.remove();
  return copy.outerHTML;
}"""


def _traces(page: Any) -> set[str]:
    """What of the signed-in user the page shows: ids of offers, bookings, confirmations
    and the thread, and the name in the top bar."""
    found: set[str] = set(
        page.evaluate(
            """() => [...document.querySelectorAll(
                 '[data-offer-id], [data-booking-id], [data-interrupt-id], [data-thread-id]')]
               .flatMap((n) => [n.dataset.offerId, n.dataset.bookingId,
                                n.dataset.interruptId, n.dataset.threadId])
               .filter(Boolean)"""
        )
    )
    found.add(page.locator("#who-name").inner_text().split(" (")[0])
    thread_id = page.evaluate("localStorage.getItem('concierge.thread.ava')")
    if thread_id:
        found.add(thread_id)
    return {t for t in found if t}


def test_a_fresh_visitor_sees_only_the_sign_in_list(
    live_server: str, browser_instance: Any, shoot: Any
) -> None:
    context = browser_instance.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server)
    page.locator("#signin-users button").first.wait_for()
    assert page.locator("#signin").is_visible()
    for hidden in ("#app", "#composer-input", "#who", "#trips-title"):
        assert not page.locator(hidden).is_visible(), hidden
    shoot(page, "signed-out-0-fresh-visitor")
    context.close()


def test_switch_user_leaves_nothing_of_the_previous_user(
    live_server: str, browser_instance: Any, shoot: Any
) -> None:
    context = browser_instance.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, "ava")
    said = f"Fly me from New York to London on {_day(17)}"
    _ask(page, said)
    page.locator(".card.flight").first.wait_for(timeout=STEP_MS)
    _idle(page)
    traces = _traces(page) | {said}
    assert len(traces) > 5, traces  # offers, the thread, her name, what she said
    shoot(page, "signed-out-1-before")

    page.click("#sign-out")
    page.locator("#signin-users button").first.wait_for()
    assert not page.locator("#app").is_visible()
    assert not page.locator("#who").is_visible()
    document = page.evaluate(_DOCUMENT_BUT_SIGNIN)
    left = sorted(t for t in traces if t in document)
    assert not left, left
    shoot(page, "signed-out-2-after-switch-user")
    context.close()


def test_signing_out_mid_turn_leaves_nothing_behind(
    live_server: str, browser_instance: Any
) -> None:
    """The turn runs on; its parts must not land in the signed-out page. The answer is
    held back until after "Switch user", then delivered: the page must ignore it."""
    context = browser_instance.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, "ava")
    held: list[Any] = []
    page.route("**/v1/chat", lambda route: held.append(route))
    said = f"Fly me from Boston to Paris on {_day(18)}"
    _ask(page, said)
    while not held:
        page.wait_for_timeout(50)
    assert page.locator("#log [aria-busy=true]").count() == 1  # the turn is under way
    page.click("#sign-out")
    page.locator("#signin-users button").first.wait_for()
    upstream = held[0].fetch()  # the real turn, with its option cards
    assert "tool-output-available" in upstream.text()
    with contextlib.suppress(Exception):  # the page gave up on this request
        held[0].fulfill(response=upstream)
    page.wait_for_timeout(1500)
    document = page.evaluate(_DOCUMENT_BUT_SIGNIN)
    assert said not in document
    assert "data-offer-id" not in document
    assert page.evaluate("localStorage.getItem('concierge.thread.ava')") is None
    context.close()
