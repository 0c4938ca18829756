"""All ORM models in one package, so the schema reads in one place."""

from core.models.base import Base
from core.models.booking import (
    AuditEntry,
    Booking,
    BookingStatus,
    Hold,
    HoldStatus,
    OutboxEvent,
    ReviewItem,
    Segment,
    SegmentKind,
    SegmentStatus,
)
from core.models.catalogue import Airport, Carrier, FareInventory, Flight, Hotel, RoomInventory
from core.models.ops import (
    GatewayIntent,
    GatewayRefund,
    IdempotencyRecord,
    JobLease,
    Payment,
    SupplierReservation,
)
from core.models.org import Organization, PolicyDocument, Role, User

__all__ = [
    "Airport",
    "AuditEntry",
    "Base",
    "Booking",
    "BookingStatus",
    "Carrier",
    "FareInventory",
    "Flight",
    "GatewayIntent",
    "GatewayRefund",
    "Hold",
    "HoldStatus",
    "Hotel",
    "IdempotencyRecord",
    "JobLease",
    "Organization",
    "OutboxEvent",
    "Payment",
    "PolicyDocument",
    "ReviewItem",
    "Role",
    "RoomInventory",
    "Segment",
    "SegmentKind",
    "SegmentStatus",
    "SupplierReservation",
    "User",
]
