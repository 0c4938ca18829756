"""Approval workflows: multi-step, one approver at a time, each with an SLA (see service.py)."""

from core.approval.service import (
    Finished,
    approval_view,
    decide,
    decide_approval,
    escalate_overdue,
    expire_overdue,
    get_approval,
    list_approvals,
    run_escalations,
    run_expiries,
    settle,
    start_workflow,
)

__all__ = [
    "Finished",
    "approval_view",
    "decide",
    "decide_approval",
    "escalate_overdue",
    "expire_overdue",
    "get_approval",
    "list_approvals",
    "run_escalations",
    "run_expiries",
    "settle",
    "start_workflow",
]
