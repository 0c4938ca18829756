"""How reconciliation exceptions and invoice lines read (``/v1/finance/…``)."""

from __future__ import annotations

from pydantic import Field

from core.catalogue.fares import VAT_CODES, FareBreakdown, FareOut
from core.models import ExceptionKind, InvoiceLine, ReconciliationException, SegmentKind
from core.money import Money
from core.views import OffsetTime, View


class ExceptionView(View):
    """Something finance must look at: what we expected, what the other side has."""

    id: int
    kind: ExceptionKind
    source: str
    booking_id: str | None
    segment_id: str | None
    reference: str
    expected: Money | None
    actual: Money | None
    detail: str
    created_at: OffsetTime
    resolved_at: OffsetTime | None
    resolution: str | None = Field(
        default=None,
        description="How it was settled: resolved, written_off, adjusted; disputed while "
        "contested (still open).",
    )
    resolution_note: str | None = None
    resolved_by: str | None = None

    @classmethod
    def of(cls, row: ReconciliationException) -> ExceptionView:
        currency = row.currency

        def money(minor: int | None) -> Money | None:
            return Money.of(minor, currency) if minor is not None and currency else None

        return cls(
            id=row.id,
            kind=row.kind,
            source=row.source,
            booking_id=row.booking_id,
            segment_id=row.segment_id,
            reference=row.reference,
            expected=money(row.expected_minor),
            actual=money(row.actual_minor),
            detail=row.detail,
            created_at=row.created_at,
            resolved_at=row.resolved_at,
            resolution=row.resolution,
            resolution_note=row.resolution_note,
            resolved_by=row.resolved_by,
        )


class InvoiceLineView(View):
    """A reconciled, finalized charge: one per booked segment."""

    id: int
    booking_id: str
    segment_id: str
    kind: SegmentKind
    description: str
    supplier: str | None
    locator: str | None
    amount: Money
    fare: FareOut = Field(description="`amount` as base + taxes (by code) + fees, as sold.")
    vat: Money = Field(description="The value-added tax in `amount` (VAT, GST): reclaimable.")
    finalized_at: OffsetTime

    @classmethod
    def of(cls, row: InvoiceLine, fare: FareBreakdown) -> InvoiceLineView:
        """``fare``: the line's amount split (:func:`core.finance.reconcile.invoice_line_views`)."""
        vat = sum(t.amount_minor for t in fare.taxes if t.code in VAT_CODES)
        return cls(
            id=row.id,
            booking_id=row.booking_id,
            segment_id=row.segment_id,
            kind=row.kind,
            description=row.description,
            supplier=row.supplier,
            locator=row.locator,
            amount=Money.of(row.amount_minor, row.currency),
            fare=fare.out(),
            vat=Money.of(vat, row.currency),
            finalized_at=row.finalized_at,
        )
