"""The notifier contract and the registry the relay delivers to.

A notifier is anything with a ``name`` and ``async deliver(rt, delivery)``. The
relay calls it once per (outbox event, recipient), outside any database
transaction, and records the pair in ``notification_deliveries`` only after
``deliver`` returned. Delivery is therefore *at least once*: after a crash between
the two, the same :class:`Delivery` (same ``key``) comes again, so a notifier that
can pass an idempotency key on (an email ``Message-ID``, a Slack ``client_msg_id``)
should derive it from ``delivery.key``. Raising from ``deliver`` means "try again
later" (the event is retried with exponential backoff); returning means done —
including "nothing to do for this recipient" (no email address, no Slack user).

Registering (e.g. the Slack DM notifier, from the api layer at start-up)::

    from core.notify import register_notifier
    register_notifier(SlackDMNotifier(client))            # every runtime in the process
    register_notifier(SlackDMNotifier(client), rt=rt)     # only this runtime (tests)

Names are unique: registering a notifier with a name already registered replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from core.runtime import Runtime

_EXTRAS_KEY = "notifiers"


@dataclass(frozen=True)
class Recipient:
    user_id: str
    name: str
    email: str | None
    slack_user_id: str | None
    role: str


@dataclass(frozen=True)
class Delivery:
    """One notification for one recipient, as a notifier sees it."""

    event_id: int
    org_id: str
    topic: str
    recipient: Recipient
    subject: str
    message: str  # one human sentence (or a few)
    payload: dict[str, Any] = field(default_factory=dict)
    notifier: str = ""

    @property
    def key(self) -> str:
        """Deterministic per (event, notifier, recipient): the consumer's idempotency key."""
        return f"outbox:{self.event_id}:{self.notifier}:{self.recipient.user_id}"


@runtime_checkable
class Notifier(Protocol):
    name: str

    async def deliver(self, rt: Runtime, delivery: Delivery) -> None: ...


_GLOBAL: dict[str, Notifier] = {}


def register_notifier(notifier: Notifier, *, rt: Runtime | None = None) -> None:
    """Add ``notifier`` for every runtime in the process, or only for ``rt``."""
    if not getattr(notifier, "name", None):
        raise ValueError("a notifier needs a non-empty name")
    if rt is None:
        _GLOBAL[notifier.name] = notifier
    else:
        rt.extras.setdefault(_EXTRAS_KEY, {})[notifier.name] = notifier


def unregister_notifier(name: str, *, rt: Runtime | None = None) -> None:
    if rt is None:
        _GLOBAL.pop(name, None)
    else:
        rt.extras.get(_EXTRAS_KEY, {}).pop(name, None)


def registered_notifiers(rt: Runtime) -> dict[str, Notifier]:
    """The registered notifiers by name; a runtime's own override process-wide ones."""
    return {**_GLOBAL, **rt.extras.get(_EXTRAS_KEY, {})}
