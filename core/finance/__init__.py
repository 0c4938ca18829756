"""Finance: reconciliation of payments and supplier charges, invoice lines, exceptions."""

from core.finance.exceptions import (
    FINANCE_ROLES,
    exception_view,
    list_exceptions,
    record_exception,
    require_finance,
    resolve_exception,
)
from core.finance.reconcile import ReconcileStats, invoice_lines, reconcile

__all__ = [
    "FINANCE_ROLES",
    "ReconcileStats",
    "exception_view",
    "invoice_lines",
    "list_exceptions",
    "reconcile",
    "record_exception",
    "require_finance",
    "resolve_exception",
]
