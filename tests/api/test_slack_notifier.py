"""Slack DMs as a notifier: who gets one, and when it carries decision buttons."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr
from slack_sdk.web.async_client import AsyncWebClient

from api.slack import blocks
from api.slack.notifier import SlackDMNotifier
from core.notify.base import Delivery, Recipient
from core.runtime import Runtime
from tests.fakes.slack_fake import SlackFake

TOKEN = "xoxb-test-token"


@pytest.fixture
def fake() -> Iterator[SlackFake]:
    fake = SlackFake(token=TOKEN).start()
    yield fake
    fake.stop()


def _delivery(topic: str, *, slack_user_id: str | None, payload: dict[str, object]) -> Delivery:
    return Delivery(
        event_id=7,
        org_id="acme",
        topic=topic,
        recipient=Recipient(
            user_id="mia", name="Mia Chen", email=None, slack_user_id=slack_user_id, role="manager"
        ),
        subject="Trip",
        message="Ava's London trip needs your approval as manager.",
        payload=payload,
        notifier="slack",
    )


async def test_an_approval_request_is_a_dm_with_approve_and_reject(
    runtime: Runtime, fake: SlackFake
) -> None:
    notifier = SlackDMNotifier(AsyncWebClient(token=TOKEN, base_url=fake.base_url))
    await notifier.deliver(
        runtime,
        _delivery(
            "approval.requested",
            slack_user_id="U0MIA",
            payload={"approval_id": "AP-1", "booking_id": "BK-1"},
        ),
    )
    [opened] = fake.calls_to("conversations.open")
    assert opened.params["users"] == "U0MIA"
    [post] = fake.calls_to("chat.postMessage")
    assert post.params["channel"] == "D0MIA"
    buttons = {
        e["action_id"]: e["value"] for b in post.params["blocks"] for e in b.get("elements", [])
    }
    assert buttons == {blocks.ACTION_APPROVE: "AP-1", blocks.ACTION_REJECT: "AP-1"}


async def test_other_notifications_are_plain_dms(runtime: Runtime, fake: SlackFake) -> None:
    notifier = SlackDMNotifier(AsyncWebClient(token=TOKEN, base_url=fake.base_url))
    await notifier.deliver(
        runtime,
        _delivery("approval.decided", slack_user_id="U0MIA", payload={"approval_id": "AP-1"}),
    )
    [post] = fake.calls_to("chat.postMessage")
    assert all(b["type"] == "section" for b in post.params["blocks"])
    assert "needs your approval" in post.params["text"]


async def test_people_without_slack_are_skipped(runtime: Runtime, fake: SlackFake) -> None:
    notifier = SlackDMNotifier(AsyncWebClient(token=TOKEN, base_url=fake.base_url))
    await notifier.deliver(runtime, _delivery("approval.requested", slack_user_id=None, payload={}))
    assert fake.calls == []


async def test_a_slack_error_raises_so_the_relay_retries(runtime: Runtime, fake: SlackFake) -> None:
    from slack_sdk.errors import SlackApiError

    notifier = SlackDMNotifier(AsyncWebClient(token="xoxb-revoked", base_url=fake.base_url))
    with pytest.raises(SlackApiError):
        await notifier.deliver(
            runtime, _delivery("booking.confirmed", slack_user_id="U0MIA", payload={})
        )


async def test_a_boarding_pass_dm_shows_its_barcode_by_a_signed_link(
    runtime: Runtime, fake: SlackFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    notifier = SlackDMNotifier(AsyncWebClient(token=TOKEN, base_url=fake.base_url))
    pass_dm = _delivery("checkin.completed", slack_user_id="U0MIA",
                        payload={"pass_id": "BP_7Q2M4XKDPA", "booking_id": "BK-1"})
    await notifier.deliver(runtime, pass_dm)  # no public address configured: words only
    monkeypatch.setattr(runtime.settings, "signed_url_secret", SecretStr("test-link-secret"))
    monkeypatch.setattr(runtime.settings, "public_base_url", "https://concierge.example")
    await notifier.deliver(runtime, pass_dm)

    plain, with_image = fake.calls_to("chat.postMessage")
    assert [b["type"] for b in plain.params["blocks"]] == ["section"]
    image = with_image.params["blocks"][-1]
    assert image["type"] == "image"
    assert image["image_url"].startswith(
        "https://concierge.example/v1/boarding-passes/BP_7Q2M4XKDPA/barcode.png?exp="
    )
