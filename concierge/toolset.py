"""Which tools a model call is offered: every tool, less what the caller's role has no use for.

Tool schemas travel with every model call, so a tool nobody in the caller's position
can use is pure prompt cost. The one rule today is a product rule, not a guess about
the conversation: the approval tools (``list_approvals``, ``decide_approval``) are for
people who approve — any role above traveller, or a traveller who manages someone or
has ever been asked to approve (the org chart can route a step to them). A plain
traveller asking to approve gets a polite "I can't do that here" instead of the
core's ``Forbidden``; the core still enforces every decision either way.

Selection by booking state (offer ``rebook`` only with a confirmed booking, and so on)
was left out on purpose: "confirm it" on an expired hold must still reach the core,
whose answer explains what happened. The answer is stable for a caller, so the tool
list (the start of the prompt) stays cacheable.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import or_, select

from core.identity import Caller
from core.models import ApprovalStep, Role, User
from core.runtime import Runtime
from tools.base import ToolSpec

APPROVER_TOOLS = frozenset({"list_approvals", "decide_approval"})


async def may_approve(rt: Runtime, caller: Caller) -> bool:
    """Whether approval tools can ever be of use to ``caller`` (see the module docstring)."""
    if caller.role != Role.TRAVELER:
        return True
    async with rt.db.uow(write=False) as session:
        manages = await session.scalar(
            select(User.id)
            .where(User.org_id == caller.org_id, User.manager_id == caller.user_id)
            .limit(1)
        )
        if manages is not None:
            return True
        step = await session.scalar(
            select(ApprovalStep.id)
            .where(
                ApprovalStep.org_id == caller.org_id,
                or_(
                    ApprovalStep.approver_id == caller.user_id,
                    ApprovalStep.escalated_to == caller.user_id,
                ),
            )
            .limit(1)
        )
        return step is not None


def offered(tools: Mapping[str, ToolSpec[Any, Any]], *, approver: bool) -> list[str]:
    """The names of the tools to offer, in registry order."""
    return [name for name in tools if approver or name not in APPROVER_TOOLS]


class ToolSelector:
    """Schemas per model call. The role check runs once per turn (a turn makes several
    model calls; an org chart change mid-turn can wait for the next one)."""

    def __init__(self, tools: Mapping[str, ToolSpec[Any, Any]], *, memo_size: int = 1024) -> None:
        self.tools = tools
        self.schemas = {name: spec.openai_schema() for name, spec in tools.items()}
        self._needs_check = bool(APPROVER_TOOLS & set(tools))
        self._memo: OrderedDict[str, bool] = OrderedDict()
        self._memo_size = memo_size

    async def schemas_for(
        self, rt: Runtime, caller: Caller, turn_id: str
    ) -> Sequence[dict[str, Any]]:
        if not self._needs_check:
            return list(self.schemas.values())
        approver = self._memo.get(turn_id)
        if approver is None:
            approver = await may_approve(rt, caller)
            self._memo[turn_id] = approver
            if len(self._memo) > self._memo_size:
                self._memo.popitem(last=False)
        return [self.schemas[name] for name in offered(self.tools, approver=approver)]
