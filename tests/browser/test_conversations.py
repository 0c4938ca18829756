"""Conversations live on the server (issue 12): a round trip booked by clicking shows
the same cards after a reload and in a second browser (another device), from
``GET /v1/threads/{id}``; the sidebar lists, opens, renames and deletes them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser.test_chat_page import STEP_MS, _ask, _day, _idle, _sign_in

pytestmark = pytest.mark.timeout(480)

_CARDS = """() => [...document.querySelectorAll('#log .card[data-offer-id]')]
  .map((c) => c.dataset.offerId)"""
_CONFIRMATIONS = """() => [...document.querySelectorAll('#log .card.confirm')]
  .map((c) => [c.dataset.interruptId, c.dataset.state, c.querySelectorAll('button').length])"""


def _shown(page: Any) -> dict[str, Any]:
    """What the log shows: the option cards in order, the chosen ones, the confirmations
    (id, state, buttons left), the user's messages and the assistant's texts."""
    return {
        "cards": page.evaluate(_CARDS),
        "chosen": page.evaluate(
            "() => [...document.querySelectorAll('#log .card.selected')].map((c) => c.dataset.offerId)"
        ),
        "confirmations": page.evaluate(_CONFIRMATIONS),
        "said": page.locator("#log .msg.user").all_inner_texts(),
        "texts": page.locator("#log .msg.assistant .text").all_inner_texts(),
    }


def _held_offers(base: str, thread_id: str) -> list[str]:
    """The offers the concierge held in this thread (its reserve calls' input)."""
    view = httpx.get(
        f"{base}/v1/threads/{thread_id}", headers={"Authorization": "Bearer demo-ava"}
    ).json()
    return [
        item["offer_id"]
        for message in view["messages"]
        for part in message["parts"]
        if part["type"] == "tool-reserve"
        for item in part["input"]["items"]
    ]


def test_a_round_trip_survives_a_reload_and_opens_on_another_device(
    live_server: str, browser_instance: Any, shoot: Any
) -> None:
    context = browser_instance.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, "ava")
    said = f"Fly me from New York to London on {_day(11)}, returning {_day(14)}"
    _ask(page, said)
    outbound = page.locator(".option-group[data-leg=outbound]")
    home = page.locator(".option-group[data-leg=return]")
    home.locator(".card").first.wait_for(timeout=STEP_MS)
    _idle(page)

    clicked = []
    for group in (outbound, home):
        card = group.locator(".card:not([data-policy=red])").first
        clicked.append(card.get_attribute("data-offer-id"))
        card.locator("[data-action=book]").click()
        _idle(page)
    confirm = page.locator(".card.confirm[data-state=pending]")
    confirm.wait_for(timeout=STEP_MS)
    booking_id = confirm.get_attribute("data-booking-id")
    interrupt_id = confirm.get_attribute("data-interrupt-id")
    # A reload while it waits for a yes: the same question, still answerable.
    page.reload()
    confirm = page.locator(f".card.confirm[data-state=pending][data-interrupt-id='{interrupt_id}']")
    confirm.wait_for(timeout=STEP_MS)
    assert confirm.get_attribute("data-booking-id") == booking_id
    assert page.locator(".card.confirm[data-state=pending]").count() == 1
    confirm.locator("[data-action=confirm]").click()
    _idle(page)
    page.locator(f"#trips .trip[data-booking-id='{booking_id}'][data-status=confirmed]").wait_for(
        timeout=STEP_MS
    )
    thread_id = page.evaluate("localStorage.getItem('concierge.thread.ava')")
    assert thread_id
    # The held offers are exactly the clicked cards'.
    assert _held_offers(live_server, thread_id) == clicked
    before = _shown(page)
    assert len(before["cards"]) >= 4, before
    assert sorted(before["chosen"]) == sorted(clicked)
    assert [c[1] for c in before["confirmations"]][-1] == "answered"
    shoot(page, "conversation-1-before-reload")

    page.reload()
    page.locator("#log .card[data-offer-id]").first.wait_for(timeout=STEP_MS)
    page.locator("#log .card.confirm").last.wait_for(timeout=STEP_MS)
    after = _shown(page)
    assert after == before
    # The thread is in the sidebar, marked as the one open.
    current = page.locator(f"#threads .thread[data-thread-id='{thread_id}']")
    assert current.get_attribute("aria-current") == "true"
    assert said in current.inner_text()
    shoot(page, "conversation-2-after-reload")

    # Another device: nothing in its storage; the sidebar has the conversation.
    other = browser_instance.new_context(viewport={"width": 1280, "height": 900})
    phone = other.new_page()
    _sign_in(phone, live_server, "ava")
    assert phone.locator("#log .card").count() == 0  # a new conversation until one is opened
    item = phone.locator(
        f"#threads .thread[data-thread-id='{thread_id}'] [data-action=open-thread]"
    )
    item.wait_for(timeout=STEP_MS)
    item.click()
    phone.locator("#log .card.confirm").last.wait_for(timeout=STEP_MS)
    assert _shown(phone) == before
    shoot(phone, "conversation-3-second-browser")

    # Rename in one browser, delete in the other.
    phone.locator(
        f"#threads .thread[data-thread-id='{thread_id}'] [data-action=rename-thread]"
    ).click()
    box = phone.locator("#threads .thread-rename")
    box.fill("London offsite")
    box.press("Enter")
    phone.locator(
        f"#threads .thread[data-thread-id='{thread_id}']:has-text('London offsite')"
    ).wait_for(timeout=STEP_MS)
    phone.on("dialog", lambda dialog: dialog.accept())
    phone.locator(
        f"#threads .thread[data-thread-id='{thread_id}'] [data-action=delete-thread]"
    ).click()
    phone.locator(f"#threads .thread[data-thread-id='{thread_id}']").wait_for(
        state="detached", timeout=STEP_MS
    )
    assert phone.locator("#log .card").count() == 0  # the open conversation went with it
    page.reload()
    page.wait_for_selector("#app:not([hidden])")
    page.wait_for_function("!localStorage.getItem('concierge.thread.ava')", timeout=STEP_MS)
    assert page.locator("#log .card").count() == 0
    assert page.locator(f"#threads .thread[data-thread-id='{thread_id}']").count() == 0
    other.close()
    context.close()


def test_results_show_once_as_grouped_cards(
    live_server: str, browser_instance: Any, shoot: Any
) -> None:
    """One rendering (issue 12): cards, never the same list again in words; each group
    labelled, compliant options first, the recommended one marked, the rest behind
    "Show more"."""
    context = browser_instance.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server, "ava")
    _ask(page, f"Fly me from New York to London on {_day(12)}, returning {_day(15)}, with a hotel")
    page.locator(".option-group[data-leg=return] .card").first.wait_for(timeout=STEP_MS)
    page.locator(".option-group[data-leg=hotel] .card").first.wait_for(timeout=STEP_MS)
    _idle(page)
    groups = page.locator("#log .option-group")
    titles = groups.locator(".group-title").all_inner_texts()
    assert [t.split(" · ")[0] for t in titles] == [
        "Outbound flights", "Return flights", "Hotels in London"
    ], titles

    reply = " ".join(page.locator("#log .msg.assistant .text").all_inner_texts())
    for title in page.locator("#log .card .card-title").all_inner_texts():
        flight = title.split(". ", 1)[1].split(" · ")[0]
        assert flight not in reply, (flight, reply)

    assert page.locator("#log .card [data-recommended]").count() >= 1
    rank = {"green": 0, "amber": 1, "red": 2}
    for group in groups.all():
        policies = [
            rank.get(p or "", 1)
            for p in group.locator(".card").evaluate_all("(cs) => cs.map((c) => c.dataset.policy)")
        ]
        recommended = group.locator(".card:has([data-recommended])")
        assert recommended.count() <= 1
        rest = policies[1:] if recommended.count() else policies
        assert rest == sorted(rest), policies
        shown = group.locator(".card:visible").count()
        total = group.locator(".card").count()
        assert shown == min(total, 3)
        if total > shown:
            group.locator("[data-action=show-more]").click()
            assert group.locator(".card:visible").count() == total
    shoot(page, "results-once-as-cards")
    context.close()
