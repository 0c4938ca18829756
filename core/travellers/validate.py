"""Reading what a person typed into a profile: pure functions, no I/O.

Each reader takes the raw text, answers the clean value or raises the named error
for its field. No message repeats the refused value: it may be a document or
loyalty number, and errors end up in logs, chat transcripts and problem bodies.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from core.errors import (
    InvalidCountry,
    InvalidDate,
    InvalidDocumentNumber,
    InvalidEmail,
    InvalidKnownTravellerNumber,
    InvalidLoyaltyNumber,
    InvalidName,
    InvalidPhone,
    InvalidSeatPreference,
    UnknownAirline,
)
from core.models import SeatPreference
from core.travellers.countries import COUNTRY_CODES

NAME_MAX = 50
EMAIL_MAX = 200
OLDEST_AGE_YEARS = 130
_NAME_PUNCTUATION = frozenset(" -'’.")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+[1-9]\d{6,14}")
_PHONE_SEPARATORS = re.compile(r"[\s\-.()]")
_NUMBER_SEPARATORS = re.compile(r"[\s\-]")
_AIRLINE = re.compile(r"[A-Z0-9]{2}")
_DOCUMENT_NUMBER = re.compile(r"[A-Z0-9]{5,20}")
_LOYALTY_NUMBER = re.compile(r"[A-Z0-9]{5,20}")
_KNOWN_TRAVELLER_NUMBER = re.compile(r"[A-Z0-9]{7,15}")


def legal_name(raw: str, *, field: str) -> str:
    """Letters (any script), spaces, hyphens, apostrophes and dots; 1 to 50 characters."""
    name = " ".join(unicodedata.normalize("NFC", raw).split())
    if not name:
        raise InvalidName(f"{field} is empty", field=field)
    if len(name) > NAME_MAX:
        raise InvalidName(f"{field} is longer than {NAME_MAX} characters", field=field)
    if not name[0].isalpha() or not all(c.isalpha() or c in _NAME_PUNCTUATION for c in name):
        raise InvalidName(
            f"{field} may hold letters, spaces, hyphens, apostrophes and dots only "
            "(no digits or symbols), as printed in the passport",
            field=field,
        )
    return name


def iso_date(raw: str, *, field: str) -> date:
    text = raw.strip()
    if not _ISO_DATE.fullmatch(text):
        raise InvalidDate(f"{field} must be a date written YYYY-MM-DD", field=field)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidDate(f"{field} is not a calendar date", field=field) from None


def birth_date(raw: str, *, today: date, field: str = "date_of_birth") -> date:
    born = iso_date(raw, field=field)
    if born > today:
        raise InvalidDate(f"{field} is in the future", field=field)
    if today.year - born.year > OLDEST_AGE_YEARS:
        raise InvalidDate(f"{field} is more than {OLDEST_AGE_YEARS} years ago", field=field)
    return born


def seat_preference(raw: str | None, *, field: str = "seat_preference") -> SeatPreference:
    """``aisle``, ``window`` or ``none`` (null means none)."""
    if raw is None:
        return SeatPreference.NONE
    try:
        return SeatPreference(raw.strip().lower())
    except ValueError:
        choices = ", ".join(s.value for s in SeatPreference)
        raise InvalidSeatPreference(f"{field} must be one of {choices}", field=field) from None


def email(raw: str, *, field: str = "email") -> str:
    text = raw.strip()
    if len(text) > EMAIL_MAX or not _EMAIL.fullmatch(text):
        raise InvalidEmail(f"{field} is not an e-mail address", field=field)
    return text


def phone(raw: str, *, field: str = "phone") -> str:
    """International format; spaces, dots, dashes and brackets are dropped: ``+12125550142``."""
    text = _PHONE_SEPARATORS.sub("", raw)
    if not _PHONE.fullmatch(text):
        raise InvalidPhone(
            f"{field} must be an international number starting with + and the country code",
            field=field,
        )
    return text


def country(raw: str, *, field: str) -> str:
    code = raw.strip().upper()
    if code not in COUNTRY_CODES:
        raise InvalidCountry(f"{field} must be an ISO 3166 two-letter country code", field=field)
    return code


def airline_code(raw: str, *, field: str) -> str:
    code = raw.strip().upper()
    if not _AIRLINE.fullmatch(code):
        raise UnknownAirline(f"{field}: airlines are named by their two-character code", field=field)
    return code


def _number(raw: str) -> str:
    return _NUMBER_SEPARATORS.sub("", raw).upper()


def document_number(raw: str, *, field: str) -> str:
    number = _number(raw)
    if not _DOCUMENT_NUMBER.fullmatch(number):
        raise InvalidDocumentNumber(
            f"{field} must be 5 to 20 letters or digits", field=field
        )
    return number


def loyalty_number(raw: str, *, field: str) -> str:
    number = _number(raw)
    if not _LOYALTY_NUMBER.fullmatch(number):
        raise InvalidLoyaltyNumber(f"{field} must be 5 to 20 letters or digits", field=field)
    return number


def known_traveller_number(raw: str, *, field: str = "known_traveller_number") -> str:
    number = _number(raw)
    if not _KNOWN_TRAVELLER_NUMBER.fullmatch(number):
        raise InvalidKnownTravellerNumber(
            f"{field} must be 7 to 15 letters or digits", field=field
        )
    return number
