"""Finance: reconciliation of payments and supplier charges, invoice lines, exceptions."""

from core.finance.exceptions import (
    FINANCE_ROLES,
    list_exceptions,
    record_exception,
    require_finance,
    resolve_exception,
)
from core.finance.reconcile import (
    ReconcileStats,
    invoice_line_views,
    invoice_lines,
    reconcile,
)

__all__ = [
    "FINANCE_ROLES",
    "ReconcileStats",
    "invoice_line_views",
    "invoice_lines",
    "list_exceptions",
    "reconcile",
    "record_exception",
    "require_finance",
    "resolve_exception",
]
