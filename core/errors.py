"""Named business errors. Each carries a stable ``code`` and an HTTP status.

The API maps them to problem+json in one handler; the agent shows the model
``str(error)``, never a traceback.
"""

from __future__ import annotations

from typing import Any, ClassVar


class CoreError(Exception):
    code: ClassVar[str] = "CORE_ERROR"
    status: ClassVar[int] = 400
    title: ClassVar[str] = "Request could not be completed"
    # The extras a tool's caller is told beside the code and the message (plain values,
    # no personal data), so that it can act on them without reading the message.
    shared: ClassVar[tuple[str, ...]] = ()

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        self.detail = detail or self.title
        self.extra = extra
        super().__init__(self.detail)


class ValidationFailed(CoreError):
    code = "VALIDATION_ERROR"
    status = 422
    title = "Invalid request"


class BeyondSchedule(ValidationFailed):
    """A day the loaded flight schedule does not reach yet (a bad date, as any other):
    ``bookable_until`` is the last day flights are scheduled from the origin and ``asked``
    the day asked for (ISO dates), shared with a tool's caller."""

    shared = ("reason", "bookable_until", "asked")

    def __init__(self, detail: str, *, bookable_until: str, asked: str, **extra: Any) -> None:
        super().__init__(
            detail, reason="beyond_schedule", bookable_until=bookable_until, asked=asked, **extra
        )


class RejectionNoteRequired(ValidationFailed):
    """A rejection without a note: the traveller is told why, so there has to be a why."""

    code = "REJECTION_NOTE_REQUIRED"
    title = "A rejection needs a note"


class NotFound(CoreError):
    code = "NOT_FOUND"
    status = 404
    title = "Not found"


class Forbidden(CoreError):
    code = "FORBIDDEN"
    status = 403
    title = "Not allowed"


class Unauthorized(CoreError):
    code = "UNAUTHORIZED"
    status = 401
    title = "Authentication required"


class SoldOut(CoreError):
    code = "SOLD_OUT"
    status = 409
    title = "Not enough seats or rooms left"


class OfferChanged(CoreError):
    """The offer's price or terms moved since they were read: nothing was held; the
    problem carries the new price (``price``, ``total``) to show before trying again."""

    code = "OFFER_CHANGED"
    status = 409
    title = "The offer has changed"


class HoldExpired(CoreError):
    code = "HOLD_EXPIRED"
    status = 410
    title = "The hold has expired"


class InvalidTransition(CoreError):
    code = "INVALID_TRANSITION"
    status = 409
    title = "That change is not allowed in the booking's current state"


class ConcurrentUpdate(InvalidTransition):
    """A conditional update lost a race: somebody else moved the row first."""

    title = "The booking was changed by another request"


class PolicyBlocked(CoreError):
    code = "POLICY_BLOCKED"
    status = 403
    title = "Blocked by the travel policy"


class PaymentDeclined(CoreError):
    code = "PAYMENT_DECLINED"
    status = 402
    title = "The payment was declined"


class PaymentError(CoreError):
    code = "PAYMENT_ERROR"
    status = 502
    title = "The payment provider failed"


class IdempotencyKeyMissing(CoreError):
    code = "IDEMPOTENCY_KEY_MISSING"
    status = 400
    title = "Idempotency-Key header is required"


class IdempotencyKeyReused(CoreError):
    code = "IDEMPOTENCY_KEY_REUSED"
    status = 422
    title = "Idempotency-Key was already used with a different request"


class IdempotencyInProgress(CoreError):
    code = "IDEMPOTENCY_IN_PROGRESS"
    status = 409
    title = "A request with this Idempotency-Key is still in progress"


class RateLimited(CoreError):
    code = "RATE_LIMITED"
    status = 429
    title = "Too many requests"


class HoldLimitReached(CoreError):
    """Holding more would pass a cap on places or open bookings (``core.booking.quota``)."""

    code = "HOLD_LIMIT_REACHED"
    status = 429
    title = "Too many seats or rooms on hold"


class SupplierUnavailable(CoreError):
    code = "SUPPLIER_UNAVAILABLE"
    status = 503
    title = "The supplier is unavailable"


class SupplierRejected(CoreError):
    code = "SUPPLIER_REJECTED"
    status = 409
    title = "The supplier refused the booking"


class LockTimeout(CoreError):
    code = "LOCK_TIMEOUT"
    status = 503
    title = "The inventory is busy, try again"


class ApprovalAlreadyDecided(CoreError):
    code = "APPROVAL_ALREADY_DECIDED"
    status = 409
    title = "This approval step has already been decided"


class ApprovalClosed(CoreError):
    code = "APPROVAL_CLOSED"
    status = 409
    title = "The approval workflow is already finished"


class ApprovalStepNotReached(CoreError):
    code = "APPROVAL_STEP_NOT_REACHED"
    status = 409
    title = "An earlier approver has not decided yet"


class ApproverNotFound(CoreError):
    code = "APPROVER_NOT_FOUND"
    status = 409
    title = "Nobody in the organization can approve this"


class ReviewItemClosed(CoreError):
    code = "REVIEW_ITEM_CLOSED"
    status = 409
    title = "This review item is already resolved, or has nothing left to review"


# Passengers (core.booking.passengers).


class PassengerDetailsRequired(CoreError):
    """Confirming needs every seat named, each with legal names; ``missing`` says what is not."""

    code = "PASSENGER_DETAILS_REQUIRED"
    status = 422
    title = "Every passenger needs a name before the booking is confirmed"


class PassengerNotBookable(Forbidden):
    """A passenger named as a guest whose name is a colleague's the caller may not book
    for (``core.booking.passengers``: a colleague's name is that colleague, not a guest)."""

    code = "PASSENGER_NOT_BOOKABLE"
    title = "That passenger is a colleague you may not book for"


class PassengerAmbiguous(ValidationFailed):
    """A guest's name that is several colleagues': which one has to be named by id."""

    code = "PASSENGER_AMBIGUOUS"
    title = "That name is more than one colleague's"


class PassengerCountMismatch(ValidationFailed):
    code = "PASSENGER_COUNT_MISMATCH"
    title = "The passengers named do not match the seats held"


# Traveller profiles (core.travellers). Each names the offending ``field``; none ever
# repeats the value it refused (it may be a passport or loyalty number).


class InvalidName(ValidationFailed):
    code = "INVALID_NAME"
    title = "Invalid name"


class InvalidDate(ValidationFailed):
    code = "INVALID_DATE"
    title = "Invalid date"


class InvalidSeatPreference(ValidationFailed):
    code = "INVALID_SEAT_PREFERENCE"
    title = "Unknown seat preference"


class InvalidEmail(ValidationFailed):
    code = "INVALID_EMAIL"
    title = "Invalid e-mail address"


class InvalidPhone(ValidationFailed):
    code = "INVALID_PHONE"
    title = "Invalid phone number"


class InvalidCountry(ValidationFailed):
    code = "INVALID_COUNTRY"
    title = "Unknown country code"


class InvalidDocument(ValidationFailed):
    code = "INVALID_DOCUMENT"
    title = "Invalid travel document"


class InvalidDocumentNumber(ValidationFailed):
    code = "INVALID_DOCUMENT_NUMBER"
    title = "Invalid document number"


class DocumentExpired(ValidationFailed):
    code = "DOCUMENT_EXPIRED"
    title = "The travel document has expired"


class InvalidLoyaltyNumber(ValidationFailed):
    code = "INVALID_LOYALTY_NUMBER"
    title = "Invalid loyalty number"


class UnknownAirline(ValidationFailed):
    code = "UNKNOWN_AIRLINE"
    title = "Unknown airline"


class InvalidKnownTravellerNumber(ValidationFailed):
    code = "INVALID_KNOWN_TRAVELLER_NUMBER"
    title = "Invalid known-traveller number"


# Seats (core.booking.seats). ``seats`` lists the seats concerned, for programs.


class SeatTaken(CoreError):
    """Somebody sits there already (another booking, or a race just lost)."""

    code = "SEAT_TAKEN"
    status = 409
    title = "The seat is taken"


class SeatRequiresPayment(CoreError):
    """A seat with a fee (extra legroom): not sold through seat choice yet."""

    code = "SEAT_REQUIRES_PAYMENT"
    status = 409
    title = "The seat has a fee"


class UnknownSeat(ValidationFailed):
    code = "UNKNOWN_SEAT"
    title = "No such seat on the aircraft"


class SeatNotInCabin(ValidationFailed):
    code = "SEAT_NOT_IN_CABIN"
    title = "The seat is in another cabin"


class PassengerNotOnSegment(ValidationFailed):
    code = "PASSENGER_NOT_ON_SEGMENT"
    title = "The passenger does not fly on that segment"


# Check-in and boarding passes (core.checkin). None ever repeats a document number.


class CheckinNotOpen(CoreError):
    """Before the window opens (``opens_at`` says when)."""

    code = "CHECKIN_NOT_OPEN"
    status = 409
    title = "Check-in for this flight is not open yet"


class CheckinClosed(CoreError):
    code = "CHECKIN_CLOSED"
    status = 409
    title = "Check-in for this flight has closed"


class BookingNotConfirmed(CoreError):
    """Check-in needs a confirmed, paid booking (not held, cancelled, disrupted…)."""

    code = "BOOKING_NOT_CONFIRMED"
    status = 409
    title = "Only a confirmed booking can be checked in"


class DocumentsRequired(CoreError):
    """An international flight needs a passport valid on the travel date for every
    passenger checked in; ``missing`` names who (never a number)."""

    code = "DOCUMENTS_REQUIRED"
    status = 422
    title = "A valid passport is needed for every passenger on this flight"


class BoardingPassVoid(CoreError):
    """The pass was issued, but its booking was cancelled or its flight changed since."""

    code = "BOARDING_PASS_VOID"
    status = 410
    title = "This boarding pass is no longer valid"


class BoardingPassSuperseded(BoardingPassVoid):
    """A seat change issued the pass again: ``superseded_by`` names the pass to use."""

    code = "BOARDING_PASS_SUPERSEDED"
    title = "This boarding pass was replaced by a new one"
