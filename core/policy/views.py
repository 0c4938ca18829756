"""The short form of a stored policy verdict that lists show (approvals, suggestions)."""

from __future__ import annotations

from typing import Any

from core.policy.engine import PolicyStatus
from core.views import View


class PolicySummary(View):
    """A verdict's status and the messages of its violations."""

    status: PolicyStatus | None
    violations: list[str]

    @classmethod
    def of(cls, verdict: dict[str, Any], *, status: str | None = None) -> PolicySummary:
        """From a verdict as stored in a JSON column (``Verdict.to_dict``); ``status``
        overrides the stored one where the row keeps its own."""
        return cls(
            status=status if status is not None else verdict.get("status"),
            violations=[str(v.get("message", "")) for v in verdict.get("violations", [])],
        )
