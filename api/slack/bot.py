"""The bolt app behind ``POST /slack/events`` and how its listeners drive turns.

Slack wants an answer within 3 s, and a turn (searches, a hold, a payment) can take
longer, so every listener only acknowledges and hands the work to a background
task: the route verifies the signature once (bad or stale → 401), bolt answers
``url_verification`` before any of our code runs; our task then drops retried
event ids, maps the Slack user to a traveller, maps the Slack thread to a
conversation, runs the turn through the same runner as the web chat
(``api.turns``) and posts the answer in the thread.

Buttons are structured actions, as on the web page (DESIGN §6.1): Book runs a
``select_offer`` turn with the button's offer id, Confirm / Cancel answer the
``interrupt_id`` they carry, Approve / Reject run a ``decide_approval`` turn in a
conversation on the approval message, which asks for a yes at the same gate.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any, Literal

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from slack_bolt.adapter.fastapi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from api.slack import blocks
from api.slack.dedupe import claim_event
from api.slack.notifier import SlackDMNotifier
from api.slack.streaming import WORKING, StreamedReply
from api.slack.threads import find_thread, thread_for
from api.slack.users import NOT_LINKED, caller_for_slack_user
from api.turns import read_events, start_turn
from concierge.actions import (
    Action,
    ChooseSeats,
    DecideApproval,
    SeatChoice,
    SelectOffer,
    prepare,
)
from concierge.events import (
    ConfirmationRequested,
    TextDelta,
    TextStart,
    ToolFinished,
    TurnError,
)
from concierge.service import Confirm
from core.config import Settings
from core.errors import ConcurrentUpdate, CoreError, NotFound, Unauthorized
from core.identity import Caller
from core.notify import register_notifier
from core.runtime import Runtime
from core.trips.service import load_trip

log = logging.getLogger(__name__)

SLACK_API = "https://slack.com/api/"
Decision = Literal["approve", "reject"]
_MENTION = re.compile(r"<@[A-Z0-9]+>\s*")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def slack_text(markdown: str) -> str:
    """The agent writes Markdown; Slack's mrkdwn bolds with one star and escapes <>&."""
    return _BOLD.sub(r"*\1*", blocks.escape(markdown))


class SlackBot:
    """One per app: the bolt app, its Web API client and the turns it runs."""

    def __init__(self, app_state: Any, settings: Settings) -> None:
        self.app_state = app_state
        self.client = AsyncWebClient(
            token=settings.slack_bot_token, base_url=settings.slack_api_base_url or SLACK_API
        )
        self.bolt = AsyncApp(
            client=self.client,
            signing_secret=settings.slack_signing_secret,
            # Acknowledge first, work after: Slack retries anything slower than 3 s.
            process_before_response=False,
            # slack_events() has verified the signature over the raw bytes already.
            request_verification_enabled=False,
            logger=logging.getLogger("concierge.slack.bolt"),
        )
        self.handler = AsyncSlackRequestHandler(self.bolt)
        self.signing_secret = settings.slack_signing_secret or ""
        self.notifier = SlackDMNotifier(self.client)
        self._tasks: set[asyncio.Task[None]] = set()
        self._register()

    @property
    def rt(self) -> Runtime:
        runtime: Runtime = self.app_state.runtime
        return runtime

    def attach(self, rt: Runtime) -> None:
        """Deliver this runtime's notifications as Slack DMs too."""
        register_notifier(self.notifier, rt=rt)

    # ---------------------------------------------------------------- tasks

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(self._guard(work), name="slack-work")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _guard(self, work: Awaitable[None]) -> None:
        try:
            await work
        except Exception:
            log.exception("Slack work failed")

    async def wait_idle(self) -> None:
        """Wait for every background task (tests, graceful shutdown)."""
        while self._tasks:
            await asyncio.gather(*set(self._tasks), return_exceptions=True)

    async def aclose(self) -> None:
        if self._tasks:
            _done, pending = await asyncio.wait(set(self._tasks), timeout=5.0)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    # ---------------------------------------------------------------- listeners

    def _register(self) -> None:
        app = self.bolt

        @app.event("app_mention")
        async def on_mention(event: dict[str, Any], body: dict[str, Any]) -> None:
            self._on_text(event, body)

        @app.event("message")
        async def on_message(
            event: dict[str, Any], body: dict[str, Any], context: dict[str, Any]
        ) -> None:
            if event.get("subtype") or event.get("bot_id"):
                return  # edits, joins, our own posts
            if event.get("channel_type") != "im":
                # In channels we answer mentions (app_mention) and, without a mention,
                # only follow-ups in a thread that is already a conversation.
                bot_user = context.get("bot_user_id") or ""
                if not event.get("thread_ts") or f"<@{bot_user}>" in str(event.get("text", "")):
                    return
                self._on_text(event, body, only_known_thread=True)
                return
            self._on_text(event, body)

        @app.action(re.compile(f"^{blocks.ACTION_BOOK}:"))
        async def on_book(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
            await ack()
            offer_id = blocks.offer_of(action.get("value"))
            # A double click would hold twice (and decline the first hold's question):
            # each person's click on a Book button counts once — a colleague's click,
            # refused, must not use up the traveller's.
            self._clicked(
                body,
                action,
                None if offer_id is None else SelectOffer(offer_id=offer_id),
                refusal="That button doesn't name an option.",
            )

        @app.action(re.compile(f"^{blocks.ACTION_SEAT}:"))
        async def on_seat(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
            await ack()
            seat = blocks.seat_of(action.get("value"))
            choice = None
            if seat is not None:
                choice = ChooseSeats(
                    booking_id=seat["booking_id"],
                    assignments=(
                        SeatChoice(seat["segment_id"], seat["passenger_id"], seat["seat"]),
                    ),
                )
            # Each person's click on a seat counts once (someone else's click, refused,
            # must not use up the traveller's).
            self._clicked(body, action, choice, refusal="That button doesn't name a seat.")

        @app.action(blocks.ACTION_CONFIRM)
        @app.action(blocks.ACTION_DECLINE)
        async def on_confirm(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
            await ack()
            self.spawn(
                self._answer_confirmation(
                    body, action["value"], approved=action["action_id"] == blocks.ACTION_CONFIRM
                )
            )

        @app.action(blocks.ACTION_APPROVE)
        @app.action(blocks.ACTION_REJECT)
        async def on_decision(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
            await ack()
            decision: Decision = (
                "approve" if action["action_id"] == blocks.ACTION_APPROVE else "reject"
            )
            self.spawn(self._decide(body, action["value"], decision))

        @app.event(re.compile(".*"))
        async def on_other_event() -> None:
            # Acknowledged and ignored; an unhandled event would be a 404 Slack retries.
            return None

    def _on_text(
        self,
        event: dict[str, Any],
        body: dict[str, Any],
        *,
        only_known_thread: bool = False,
    ) -> None:
        text = _MENTION.sub("", str(event.get("text", ""))).strip()
        if not text:
            return
        self.spawn(
            self._converse(
                event_id=str(body.get("event_id") or ""),
                team_id=str(body.get("team_id") or event.get("team") or ""),
                channel=str(event["channel"]),
                thread_ts=str(event.get("thread_ts") or event["ts"]),
                slack_user=str(event.get("user") or ""),
                text=text,
                only_known_thread=only_known_thread,
            )
        )

    # ---------------------------------------------------------------- the work

    def _clicked(
        self,
        body: dict[str, Any],
        action: dict[str, Any],
        chosen: Action | None,
        *,
        refusal: str,
    ) -> None:
        """Run the turn a button of ours asks for, once per person clicking it; a button
        that names nothing gets ``refusal``, privately."""
        where = _where(body)
        slack_user = body["user"]["id"]
        if chosen is None:  # not a button we posted
            self.spawn(self.ephemeral(where["channel"], slack_user, refusal, where["thread_ts"]))
            return
        message_ts = (body.get("message") or {}).get("ts") or where["thread_ts"]
        event_id = f"click:{where['channel']}:{message_ts}:{action['action_id']}"
        self.spawn(
            self._converse(
                slack_user=slack_user,
                action=chosen,
                only_known_thread=True,
                event_id=f"{event_id}:{slack_user}",
                team_id=str((body.get("team") or {}).get("id") or ""),
                **where,
            )
        )

    async def _converse(
        self,
        *,
        channel: str,
        thread_ts: str,
        slack_user: str,
        text: str | None = None,
        action: Any | None = None,
        only_known_thread: bool = False,
        event_id: str = "",
        team_id: str = "",
    ) -> None:
        """Run a turn for a message (``text``) or a button's ``action`` in a Slack thread."""
        if event_id and not await claim_event(self.rt, team_id=team_id, event_id=event_id):
            log.info("Slack event %s already handled; retry ignored", event_id)
            return
        caller = await caller_for_slack_user(self.rt, slack_user)
        if caller is None:
            if not only_known_thread:
                await self.post(channel, thread_ts, NOT_LINKED)
            else:
                await self.ephemeral(channel, slack_user, NOT_LINKED, thread_ts)
            return
        if only_known_thread:
            thread = await find_thread(self.rt, caller.org_id, channel, thread_ts)
            if thread is None:
                return
            if action is not None and thread.user_id != caller.user_id:
                # A click acts for the person whose conversation it is, no one else.
                await self.ephemeral(
                    channel, slack_user, "Only the traveller who asked can book these.", thread_ts
                )
                return
        else:
            thread = await thread_for(self.rt, caller, channel, thread_ts, title=(text or "")[:80])
        await self.run_turn(
            caller,
            channel,
            thread_ts,
            thread_id=thread.id,
            message=text,
            action=action,
            clicker=slack_user if action is not None else None,
        )

    async def _answer_confirmation(
        self, body: dict[str, Any], interrupt_id: str, *, approved: bool
    ) -> None:
        where = _where(body)
        slack_user = body["user"]["id"]
        caller = await caller_for_slack_user(self.rt, slack_user)
        if caller is None:
            await self.ephemeral(where["channel"], slack_user, NOT_LINKED, where["thread_ts"])
            return
        thread = await find_thread(self.rt, caller.org_id, where["channel"], where["thread_ts"])
        if thread is None or thread.user_id != caller.user_id:
            # The click is the yes, so only the person whose conversation it is may give it.
            await self.ephemeral(
                where["channel"],
                slack_user,
                "Only the traveller who asked can confirm or cancel this.",
                where["thread_ts"],
            )
            return
        message = body.get("message") or {}

        async def mark_answered() -> None:
            verdict = (
                f":white_check_mark: Confirmed by <@{slack_user}>"
                if approved
                else (f":x: Cancelled by <@{slack_user}>")
            )
            await self.client.chat_update(
                channel=where["channel"],
                ts=message.get("ts", where["thread_ts"]),
                text=message.get("text") or verdict,
                blocks=blocks.decided(_first_text(message), verdict),
            )

        await self.run_turn(
            caller,
            where["channel"],
            where["thread_ts"],
            thread_id=thread.id,
            confirm=Confirm(interrupt_id=interrupt_id, approved=approved),
            on_started=mark_answered,
        )

    async def _decide(self, body: dict[str, Any], approval_id: str, decision: Decision) -> None:
        """A manager's click on Approve / Reject: a ``decide_approval`` action with the
        *clicker's* rights, in a conversation on the approval message. The concierge
        asks for a yes (Confirm / Cancel below it) before anything is recorded."""
        where = _where(body)
        slack_user = body["user"]["id"]
        caller = await caller_for_slack_user(self.rt, slack_user)
        if caller is None:
            await self.ephemeral(where["channel"], slack_user, NOT_LINKED)
            return
        note = "Approved in Slack" if decision == "approve" else "Rejected in Slack"
        action = DecideApproval(approval_id=approval_id, decision=decision, note=note)
        try:
            # Checked before a conversation exists: a refused click (not their approval,
            # already decided, a forwarded message) is told privately and starts nothing:
            # the concierge's own checks of an action that needs no conversation.
            await prepare(self.rt, caller, [], action)
        except CoreError as exc:
            await self.ephemeral(
                where["channel"], slack_user, f"I couldn't record that: {exc.detail}"
            )
            return
        thread = await thread_for(
            self.rt, caller, where["channel"], where["thread_ts"], title=f"Approval {approval_id}"
        )
        await self.run_turn(
            caller,
            where["channel"],
            where["thread_ts"],
            thread_id=thread.id,
            action=action,
            clicker=slack_user,
        )

    async def run_turn(
        self,
        caller: Caller,
        channel: str,
        thread_ts: str,
        *,
        thread_id: str,
        message: str | None = None,
        confirm: Any | None = None,
        action: Any | None = None,
        clicker: str | None = None,
        on_started: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """Run one turn and post its answer (text, option cards, buttons) in the thread.

        A button's action that the concierge refuses before the turn (an offer the
        thread never showed, a red option, …) is told to the ``clicker`` alone.
        """
        try:
            handle = await start_turn(
                self.app_state,
                caller,
                thread_id=thread_id,
                message=message,
                confirm=confirm,
                action=action,
                # The answer's option blocks (Book buttons) are its cards: the text
                # does not list the same options again.
                cards=True,
            )
        except NotFound as exc:
            if clicker is not None:
                # A click's thread owner is checked before its turn: this is the action's.
                await self.ephemeral(channel, clicker, exc.detail, thread_ts)
                return
            await self.post(
                channel,
                thread_ts,
                "This conversation belongs to someone else; start a new thread to talk to me.",
            )
            return
        except ConcurrentUpdate:
            await self.post(
                channel, thread_ts, "I'm still working on your previous message — give me a moment."
            )
            return
        except CoreError as exc:
            if clicker is not None:
                await self.ephemeral(channel, clicker, exc.detail, thread_ts)
            else:
                await self.post(channel, thread_ts, exc.detail)
            return
        except Exception:
            log.exception("could not start a Slack turn")
            await self.post(
                channel, thread_ts, "Sorry, something went wrong on our side; please try again."
            )
            return
        if on_started is not None:
            await on_started()

        texts: dict[str, str] = {}
        cards: list[dict[str, Any]] = []
        pause: list[dict[str, Any]] = []
        summary = ""
        changed: dict[str, None] = {}  # bookings the turn changed, in order: their trip cards
        # Streamed: posted after a moment, then edited as parts arrive (paced).
        reply = StreamedReply(self.client, channel, thread_ts)
        try:
            async for _event_id, event in read_events(self.app_state, handle.turn_id):
                if isinstance(event, TextStart):
                    texts.setdefault(event.id, "")
                elif isinstance(event, TextDelta):
                    texts[event.id] = texts.get(event.id, "") + event.delta
                elif isinstance(event, ToolFinished):
                    if event.error:
                        said = blocks.escape(event.error.get("message", ""))
                        cards.append(blocks.section(f":warning: {said}"))
                    else:
                        booking_id = (event.output or {}).get("booking_id")
                        if event.name in blocks.TRIP_TOOLS and isinstance(booking_id, str):
                            changed[booking_id] = None
                        cards.extend(
                            blocks.tool_blocks(
                                event.name, event.output,
                                barcode=blocks.barcode_url(self.rt.settings, self.rt.clock.now()),
                            )
                        )
                elif isinstance(event, ConfirmationRequested):
                    summary = event.summary
                    pause = blocks.confirmation(event.interrupt_id, event.summary)
                elif isinstance(event, TurnError):
                    cards.append(blocks.section(f":warning: {blocks.escape(event.message)}"))
                so_far = "\n\n".join(t.strip() for t in texts.values() if t.strip())
                shown = slack_text(so_far) + " …" if so_far else WORKING
                reply.progress(shown, blocks.limit([blocks.section(shown), *cards]))
        except BaseException:
            await reply.abandon()
            raise
        cards += await self.trip_cards(caller, list(changed)[-blocks.MAX_TRIP_CARDS :])
        text = "\n\n".join(t.strip() for t in texts.values() if t.strip())
        body = ([blocks.section(slack_text(text))] if text else []) + cards + pause
        if not body:
            body = [blocks.section("Done.")]
        await reply.finish(
            slack_text(text) if text else (summary or "Here you go."), blocks.limit(body)
        )

    async def trip_cards(self, caller: Caller, booking_ids: list[str]) -> list[dict[str, Any]]:
        """The trip view of each booking (``core.trips``, as ``GET /v1/trips`` answers it
        to the page), as Slack blocks; one that cannot be read is left out."""
        out: list[dict[str, Any]] = []
        for booking_id in booking_ids:
            try:
                async with self.rt.db.uow(write=False) as session:
                    trip = await load_trip(
                        session,
                        caller,
                        booking_id,
                        settings=self.rt.settings,
                        now=self.rt.clock.now(),
                    )
            except CoreError:
                continue
            out += blocks.trip_card(trip.model_dump(mode="json"))
        return out

    # ---------------------------------------------------------------- posting

    async def post(self, channel: str, thread_ts: str | None, text: str) -> None:
        await self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text)

    async def ephemeral(
        self, channel: str, user: str, text: str, thread_ts: str | None = None
    ) -> None:
        await self.client.chat_postEphemeral(
            channel=channel, user=user, text=text, thread_ts=thread_ts
        )


def _where(body: dict[str, Any]) -> dict[str, str]:
    """Channel and conversation thread of an interactive message."""
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    thread_ts = (
        message.get("thread_ts")
        or message.get("ts")
        or (body.get("container") or {}).get("message_ts")
    )
    return {"channel": str(channel), "thread_ts": str(thread_ts)}


def _first_text(message: dict[str, Any]) -> str:
    for block in message.get("blocks") or []:
        text = (block.get("text") or {}).get("text")
        if text:
            return str(text)
    return str(message.get("text") or "")


# ---------------------------------------------------------------- mounting

router = APIRouter(include_in_schema=False)


@router.post("/slack/events")
async def slack_events(request: Request) -> Response:
    """Slack Events API and interactivity (signed with the app's signing secret)."""
    bot: SlackBot | None = getattr(request.app.state, "slack", None)
    if bot is None:
        raise NotFound("The Slack bot is not configured on this server.")
    # bolt parses the timestamp (int()) and the body (UTF-8, then JSON or a form) before it
    # checks the signature, so junk from anyone was a 500 there. Only a signed request
    # reaches it: the signature is checked here, once, over the raw bytes (bolt's own
    # check is off), with Slack's verifier on the wall clock Slack signs with.
    if not _signed_by_slack(
        bot.signing_secret,
        request.headers.get("X-Slack-Request-Timestamp", ""),
        request.headers.get("X-Slack-Signature", ""),
        await request.body(),
    ):
        raise Unauthorized("Missing, wrong or stale Slack signature")
    return await bot.handler.handle(request)


def _signed_by_slack(secret: str, timestamp: str, signature: str, body: bytes) -> bool:
    # The verifier int()s the timestamp: anything but a plain number is refused first.
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return False
    return SignatureVerifier(secret).is_valid(body, timestamp, signature)


def mount_slack(app: FastAPI, settings: Settings) -> SlackBot | None:
    """Add ``POST /slack/events``; build the bot when its token and signing secret are set.

    The bot joins the app's lifespan from here (wrapping it) so that its DM notifier
    is registered for the runtime the lifespan builds, and its background work ends
    before the turn runner and the runtime close.
    """
    app.include_router(router)
    bot = None
    if settings.slack_bot_token and settings.slack_signing_secret:
        bot = SlackBot(app.state, settings)
        if getattr(app.state, "runtime", None) is not None:
            bot.attach(app.state.runtime)
        inner = app.router.lifespan_context

        @asynccontextmanager
        async def lifespan(app_: FastAPI) -> AsyncIterator[Any]:
            async with inner(app_) as state:
                bot.attach(app_.state.runtime)
                try:
                    yield state
                finally:
                    await bot.aclose()

        app.router.lifespan_context = lifespan
    app.state.slack = bot
    return bot
