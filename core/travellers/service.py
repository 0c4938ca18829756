"""Traveller profiles: session services (they never commit).

Who may see what: the traveller and their organization's admins see the whole
profile (numbers masked); whoever may see the person's trips (their managers up the
chart, finance) sees their names only; anyone else — and anyone in another
organization — gets ``NotFound``. Only the traveller and admins change a profile.

A change is a merge patch (:class:`ProfileChanges`): a field left at ``KEEP`` is not
touched, ``None`` clears it; ``loyalty`` merges per airline (``None`` drops one);
``documents`` is the complete list, each passport named by its issuing country, so
sending the same change twice leaves the same profile. Everything is validated
before anything is written. Numbers are encrypted with the runtime's
:class:`~core.travellers.crypto.PiiCipher` and stored with their mask; reads never
decrypt — :func:`clear_document_number` is the one way back, for the airline.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum, StrEnum

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit, outbox
from core.errors import (
    DocumentExpired,
    Forbidden,
    InvalidDocument,
    InvalidEmail,
    InvalidLoyaltyNumber,
    NotFound,
    UnknownAirline,
)
from core.identity import Caller
from core.ids import random_code
from core.models import (
    Carrier,
    DocumentType,
    LoyaltyMembership,
    SeatPreference,
    TravelDocument,
    TravellerDetails,
    User,
)
from core.orgchart import visible_traveler_ids
from core.travellers import validate
from core.travellers.crypto import PiiCipher, mask
from core.travellers.views import DocumentView, PersonalProfile, TravellerNames

MAX_DOCUMENTS = 5
MAX_LOYALTY = 20


class Keep(Enum):
    """A field a change leaves alone (distinct from ``None``, which clears it)."""

    KEEP = "keep"


KEEP = Keep.KEEP


class ProfileAccess(StrEnum):
    FULL = "full"
    NAMES = "names"


# --------------------------------------------------------------------------- changes


@dataclass(frozen=True)
class DocumentChange:
    """One document of the complete list. For a passport already on file (same
    issuing country) a field left ``None`` keeps what is stored; a new one needs all."""

    issuing_country: str
    type: str = DocumentType.PASSPORT
    number: str | None = None
    nationality: str | None = None
    expires_on: str | None = None


@dataclass(frozen=True)
class ProfileChanges:
    given_name: str | Keep | None = KEEP
    family_name: str | Keep | None = KEEP
    date_of_birth: str | Keep | None = KEEP
    email: str | Keep | None = KEEP
    phone: str | Keep | None = KEEP
    seat_preference: str | Keep | None = KEEP
    auto_check_in: bool | Keep = KEEP
    known_traveller_number: str | Keep | None = KEEP
    #: ``None`` drops every loyalty number; a ``None`` number drops that airline's.
    loyalty: Mapping[str, str | None] | Keep | None = KEEP
    #: The complete list; ``None`` is the empty list.
    documents: Sequence[DocumentChange] | Keep | None = KEEP


@dataclass(frozen=True)
class _Document:
    """A validated document; ``None`` keeps what is stored (only for one on file)."""

    issuing_country: str
    number: str | None
    nationality: str | None
    expires_on: date | None


@dataclass(frozen=True)
class _Clean:
    """A validated change: the same fields, typed."""

    given_name: str | Keep | None
    family_name: str | Keep | None
    date_of_birth: date | Keep | None
    email: str | Keep
    phone: str | Keep | None
    seat_preference: SeatPreference | Keep
    known_traveller_number: str | Keep | None
    loyalty: dict[str, str | None] | Keep
    documents: list[_Document] | Keep


# ----------------------------------------------------------------------- encryption


def known_traveller_context(user_id: str) -> str:
    return f"user:{user_id}|known_traveller_number"


def loyalty_context(user_id: str, airline: str) -> str:
    return f"user:{user_id}|loyalty:{airline}"


def document_context(user_id: str, kind: str, issuing_country: str) -> str:
    return f"user:{user_id}|{kind}:{issuing_country}"


# ---------------------------------------------------------------------------- reads


async def profile_access(session: AsyncSession, caller: Caller, user_id: str) -> tuple[User, ProfileAccess]:
    """The person and how much of their profile ``caller`` may see (or ``NotFound``)."""
    user = await session.get(User, user_id)
    if user is None or user.org_id != caller.org_id:
        raise NotFound("No such person in your organization")
    if user.id == caller.user_id or caller.is_admin:
        return user, ProfileAccess.FULL
    visible = await visible_traveler_ids(session, caller)
    if visible is None or user.id in visible:
        return user, ProfileAccess.NAMES
    raise NotFound("No such person in your organization")


async def personal_profile(session: AsyncSession, user: User) -> PersonalProfile:
    details = await session.get(TravellerDetails, user.id)
    memberships = await session.scalars(
        select(LoyaltyMembership)
        .where(LoyaltyMembership.user_id == user.id, LoyaltyMembership.org_id == user.org_id)
        .order_by(LoyaltyMembership.airline)
    )
    documents = await session.scalars(
        select(TravelDocument)
        .where(TravelDocument.user_id == user.id, TravelDocument.org_id == user.org_id)
        .order_by(TravelDocument.kind, TravelDocument.issuing_country)
    )
    return PersonalProfile(
        user_id=user.id,
        name=user.name,
        given_name=details.given_name if details else None,
        family_name=details.family_name if details else None,
        date_of_birth=details.date_of_birth if details else None,
        email=user.email,
        phone=details.phone if details else None,
        seat_preference=SeatPreference(details.seat_preference) if details else SeatPreference.NONE,
        auto_check_in=bool(details.auto_check_in) if details else False,
        known_traveller_number=details.known_traveller_masked if details else None,
        loyalty={m.airline: m.number_masked for m in memberships},
        documents=tuple(
            DocumentView(
                type=d.kind, number=d.number_masked, issuing_country=d.issuing_country,
                nationality=d.nationality, expires_on=d.expires_on,
            )
            for d in documents
        ),
        updated_at=details.updated_at if details else None,
    )


async def traveller_names(session: AsyncSession, user: User) -> TravellerNames:
    details = await session.get(TravellerDetails, user.id)
    return TravellerNames(
        user_id=user.id,
        name=user.name,
        given_name=details.given_name if details else None,
        family_name=details.family_name if details else None,
    )


async def read_profile(
    session: AsyncSession, caller: Caller, user_id: str
) -> PersonalProfile | TravellerNames:
    """What ``caller`` may see of ``user_id``'s profile."""
    user, access = await profile_access(session, caller, user_id)
    if access is ProfileAccess.FULL:
        return await personal_profile(session, user)
    return await traveller_names(session, user)


async def clear_document_number(
    session: AsyncSession, cipher: PiiCipher, user: User, issuing_country: str,
    kind: str = DocumentType.PASSPORT,
) -> str | None:
    """The passport number in clear, for the airline (APIS, check-in) and nothing else:
    never log it, show it, or hand it to the model."""
    row = await session.scalar(
        select(TravelDocument).where(
            TravelDocument.user_id == user.id,
            TravelDocument.org_id == user.org_id,
            TravelDocument.kind == kind,
            TravelDocument.issuing_country == issuing_country,
        )
    )
    if row is None:
        return None
    return cipher.decrypt(row.number_token, context=document_context(user.id, kind, issuing_country))


async def clear_airline_numbers(
    session: AsyncSession, cipher: PiiCipher, user_id: str, airline: str
) -> tuple[str | None, str | None]:
    """The frequent-flyer number with ``airline`` and the known-traveller number, in
    clear, for that airline's ticketing (``SSR FQTV`` / ``SSR DOCO``) and nothing else:
    never log them, show them, or hand them to the model."""
    pair = (user_id, airline)
    return (await clear_airline_numbers_of(session, cipher, [pair]))[pair]


async def clear_airline_numbers_of(
    session: AsyncSession,
    cipher: PiiCipher,
    pairs: Collection[tuple[str, str]],
    *,
    memberships: Mapping[tuple[str, str], LoyaltyMembership] | None = None,
) -> dict[tuple[str, str], tuple[str | None, str | None]]:
    """:func:`clear_airline_numbers` for several ``(user_id, airline)`` pairs: their
    memberships in one read (issue 15: one read a segment's passenger before), the
    details from the session when it has them. The same rules: the airline's
    ticketing only, never logged, shown or handed to the model. ``memberships``: every
    membership of those users, read already in this transaction (none is read here)."""
    if not pairs:
        return {}
    if memberships is None:
        users = sorted({user_id for user_id, _ in pairs})
        airlines = sorted({airline for _, airline in pairs})
        memberships = {
            (m.user_id, m.airline): m
            for m in (
                await session.scalars(
                    select(LoyaltyMembership).where(
                        LoyaltyMembership.user_id.in_(users),
                        LoyaltyMembership.airline.in_(airlines),
                    )
                )
            ).all()
        }
    out: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    for user_id, airline in pairs:
        membership = memberships.get((user_id, airline))
        details = await session.get(TravellerDetails, user_id)
        out[(user_id, airline)] = (
            cipher.decrypt(membership.number_token, context=loyalty_context(user_id, airline))
            if membership is not None
            else None,
            cipher.decrypt(details.known_traveller_token, context=known_traveller_context(user_id))
            if details is not None and details.known_traveller_token is not None
            else None,
        )
    return out


# --------------------------------------------------------------------------- writes


async def lock_traveller(session: AsyncSession, user: User) -> None:
    """Serialize changes to one person's profile: a change reads what is on file (the
    documents it replaces, whether a details row exists) and then writes, so two at
    once would both insert the details row or leave the union of two document lists.
    ``FOR NO KEY UPDATE``: bookings referencing the user (a key share) are not blocked.
    SQLite writers are already serialized by ``BEGIN IMMEDIATE``."""
    await session.execute(
        select(User.id).where(User.id == user.id).with_for_update(key_share=True)
    )


async def update_profile(
    session: AsyncSession,
    cipher: PiiCipher,
    caller: Caller,
    user_id: str,
    changes: ProfileChanges,
    *,
    now: datetime,
) -> PersonalProfile:
    """Change ``user_id``'s profile as ``caller``: audited, and the traveller is told
    (an outbox event naming the fields, never their values)."""
    user, access = await profile_access(session, caller, user_id)
    if access is not ProfileAccess.FULL:
        raise Forbidden("Only the traveller and their organization's admins may change a profile")
    await lock_traveller(session, user)
    changed = await apply_changes(session, cipher, user, changes, now=now, actor_id=caller.user_id)
    if changed:
        audit.record(
            session, org_id=user.org_id, actor_id=caller.user_id, action="profile.updated",
            entity="traveller", entity_id=user.id, at=now, fields=changed,
        )
        what = ", ".join(_LABELS[f] for f in changed)
        by = "" if caller.user_id == user.id else f" by {caller.name or caller.user_id}"
        outbox.emit(
            session, org_id=user.org_id, topic="profile.updated",
            key=f"profile:{user.id}:updated:{now.isoformat()}:{random_code(8)}",
            payload={
                "user_id": user.id, "fields": changed, "by": caller.user_id, "notify": [user.id],
                "subject": "Your travel profile was changed",
                "message": f"Your travel profile was changed{by}: {what}. "
                "If this was not you, tell your travel administrator.",
            },
            at=now,
        )
    return await personal_profile(session, user)


_LABELS = {
    "given_name": "given name",
    "family_name": "family name",
    "date_of_birth": "date of birth",
    "email": "e-mail",
    "phone": "phone",
    "seat_preference": "seat preference",
    "auto_check_in": "automatic check-in",
    "known_traveller_number": "known-traveller number",
    "loyalty": "loyalty numbers",
    "documents": "travel documents",
}


async def apply_changes(
    session: AsyncSession,
    cipher: PiiCipher,
    user: User,
    changes: ProfileChanges,
    *,
    now: datetime,
    actor_id: str,
) -> list[str]:
    """Validate all of ``changes``, then write them; answers the fields that changed.
    The caller holds :func:`lock_traveller` (or is the seeder, alone)."""
    details = await session.get(TravellerDetails, user.id)
    passports = {
        d.issuing_country: d
        for d in await session.scalars(
            select(TravelDocument).where(
                TravelDocument.user_id == user.id, TravelDocument.kind == DocumentType.PASSPORT
            )
        )
    }
    memberships = {
        m.airline: m
        for m in await session.scalars(
            select(LoyaltyMembership).where(LoyaltyMembership.user_id == user.id)
        )
    }
    clean = await _validate(
        session, changes, today=now.date(),
        passports_on_file={c: d.expires_on for c, d in passports.items()},
        airlines_on_file=memberships.keys(),
    )

    if details is None:
        details = TravellerDetails(
            user_id=user.id, org_id=user.org_id, seat_preference=SeatPreference.NONE,
            updated_at=now, updated_by=actor_id,
        )
        session.add(details)
    changed: list[str] = []

    def put(field: str, value: object) -> None:
        if getattr(details, field) != value:
            setattr(details, field, value)
            changed.append(field)

    if not isinstance(clean.given_name, Keep):
        put("given_name", clean.given_name)
    if not isinstance(clean.family_name, Keep):
        put("family_name", clean.family_name)
    if not isinstance(clean.date_of_birth, Keep):
        put("date_of_birth", clean.date_of_birth)
    if not isinstance(clean.email, Keep) and user.email != clean.email:
        user.email = clean.email
        changed.append("email")
    if not isinstance(clean.phone, Keep):
        put("phone", clean.phone)
    if not isinstance(clean.seat_preference, Keep):
        put("seat_preference", str(clean.seat_preference))
    if not isinstance(changes.auto_check_in, Keep):
        put("auto_check_in", bool(changes.auto_check_in))
    if not isinstance(clean.known_traveller_number, Keep):
        number = clean.known_traveller_number
        if number is None:
            if details.known_traveller_token is not None:
                changed.append("known_traveller_number")
            details.known_traveller_token = details.known_traveller_masked = None
        else:
            details.known_traveller_token = cipher.encrypt(
                number, context=known_traveller_context(user.id)
            )
            details.known_traveller_masked = mask(number)
            changed.append("known_traveller_number")
    if not isinstance(clean.loyalty, Keep) and await _write_loyalty(
        session, cipher, user, clean.loyalty, memberships, now=now
    ):
        changed.append("loyalty")
    if not isinstance(clean.documents, Keep) and await _write_documents(
        session, cipher, user, clean.documents, passports, now=now
    ):
        changed.append("documents")
    if changed:
        details.updated_at = now
        details.updated_by = actor_id
    await session.flush()
    return changed


async def _write_loyalty(
    session: AsyncSession, cipher: PiiCipher, user: User, numbers: Mapping[str, str | None],
    rows: Mapping[str, LoyaltyMembership], *, now: datetime,
) -> bool:
    changed = False
    for airline, number in sorted(numbers.items()):
        row = rows.get(airline)
        if number is None:
            if row is not None:
                await session.delete(row)
                changed = True
            continue
        token = cipher.encrypt(number, context=loyalty_context(user.id, airline))
        if row is None:
            session.add(
                LoyaltyMembership(
                    org_id=user.org_id, user_id=user.id, airline=airline, number_token=token,
                    number_masked=mask(number), updated_at=now,
                )
            )
        else:
            row.number_token, row.number_masked, row.updated_at = token, mask(number), now
        changed = True
    return changed


async def _write_documents(
    session: AsyncSession, cipher: PiiCipher, user: User, documents: Sequence[_Document],
    on_file: Mapping[str, TravelDocument], *, now: datetime,
) -> bool:
    kind = DocumentType.PASSPORT
    wanted = {d.issuing_country for d in documents}
    gone = sorted(country for country in on_file if country not in wanted)
    if gone:
        await session.execute(
            delete(TravelDocument).where(
                TravelDocument.user_id == user.id,
                TravelDocument.kind == kind,
                TravelDocument.issuing_country.in_(gone),
            )
        )
    changed = bool(gone)
    for doc in documents:
        row = on_file.get(doc.issuing_country)
        if row is None:
            row = TravelDocument(
                org_id=user.org_id, user_id=user.id, kind=kind, issuing_country=doc.issuing_country
            )
            session.add(row)
        touched = row not in on_file.values()
        if doc.number is not None:
            row.number_token = cipher.encrypt(
                doc.number, context=document_context(user.id, kind, doc.issuing_country)
            )
            row.number_masked = mask(doc.number)
            touched = True
        if doc.nationality is not None and row.nationality != doc.nationality:
            row.nationality, touched = doc.nationality, True
        if doc.expires_on is not None and row.expires_on != doc.expires_on:
            row.expires_on, touched = doc.expires_on, True
        if touched:
            row.updated_at = now
            changed = True
    return changed


# ----------------------------------------------------------------------- validation


def _name(value: str | Keep | None, field: str) -> str | Keep | None:
    if isinstance(value, Keep) or value is None:
        return value
    return validate.legal_name(value, field=field)


async def _validate(
    session: AsyncSession, changes: ProfileChanges, *, today: date,
    passports_on_file: Mapping[str, date], airlines_on_file: Collection[str],
) -> _Clean:
    dob: date | Keep | None = (
        validate.birth_date(changes.date_of_birth, today=today)
        if isinstance(changes.date_of_birth, str)
        else changes.date_of_birth
    )
    email: str | Keep = KEEP
    if changes.email is None:
        raise InvalidEmail("email cannot be removed", field="email")
    if isinstance(changes.email, str):
        email = validate.email(changes.email)
    phone: str | Keep | None = changes.phone
    if isinstance(changes.phone, str):
        phone = validate.phone(changes.phone)
    seat: SeatPreference | Keep = KEEP
    if not isinstance(changes.seat_preference, Keep):
        seat = validate.seat_preference(changes.seat_preference)
    ktn: str | Keep | None = changes.known_traveller_number
    if isinstance(changes.known_traveller_number, str):
        ktn = validate.known_traveller_number(changes.known_traveller_number)
    loyalty: dict[str, str | None] | Keep = KEEP
    if changes.loyalty is None:
        loyalty = dict.fromkeys(airlines_on_file)
    elif not isinstance(changes.loyalty, Keep):
        loyalty = await _validate_loyalty(session, changes.loyalty, on_file=airlines_on_file)
    documents: list[_Document] | Keep = KEEP
    if not isinstance(changes.documents, Keep):
        documents = _validate_documents(
            changes.documents or (), today=today, on_file=passports_on_file
        )
    return _Clean(
        given_name=_name(changes.given_name, "given_name"),
        family_name=_name(changes.family_name, "family_name"),
        date_of_birth=dob,
        email=email,
        phone=phone,
        seat_preference=seat,
        known_traveller_number=ktn,
        loyalty=loyalty,
        documents=documents,
    )


async def _validate_loyalty(
    session: AsyncSession, numbers: Mapping[str, str | None], *, on_file: Collection[str]
) -> dict[str, str | None]:
    clean: dict[str, str | None] = {}
    for raw_airline, raw_number in numbers.items():
        airline = validate.airline_code(raw_airline, field="loyalty")
        field = f"loyalty.{airline}"
        clean[airline] = (
            None if raw_number is None else validate.loyalty_number(raw_number, field=field)
        )
    joining = sorted(a for a, n in clean.items() if n is not None)
    if joining:
        known = set(await session.scalars(select(Carrier.code).where(Carrier.code.in_(joining))))
        unknown = [a for a in joining if a not in known]
        if unknown:
            raise UnknownAirline(
                f"No airline {unknown[0]} flies in our catalogue", field=f"loyalty.{unknown[0]}"
            )
    kept = {a for a in on_file if clean.get(a, a) is not None}
    if len(kept | set(joining)) > MAX_LOYALTY:
        raise InvalidLoyaltyNumber(f"At most {MAX_LOYALTY} loyalty numbers", field="loyalty")
    return clean


def _validate_documents(
    documents: Sequence[DocumentChange], *, today: date, on_file: Mapping[str, date]
) -> list[_Document]:
    """Every listed passport must be valid today, the ones kept as they are included."""
    if len(documents) > MAX_DOCUMENTS:
        raise InvalidDocument(f"At most {MAX_DOCUMENTS} documents", field="documents")
    clean: list[_Document] = []
    for i, doc in enumerate(documents):
        at = f"documents.{i}"
        if doc.type != DocumentType.PASSPORT:
            raise InvalidDocument("Only passports are kept on file", field=f"{at}.type")
        country = validate.country(doc.issuing_country, field=f"{at}.issuing_country")
        if any(c.issuing_country == country for c in clean):
            raise InvalidDocument(
                f"Two passports issued by {country}: list the valid one only",
                field=f"{at}.issuing_country",
            )
        if country not in on_file:
            for name in ("number", "nationality", "expires_on"):
                if getattr(doc, name) is None:
                    raise InvalidDocument(f"A new passport needs its {name}", field=f"{at}.{name}")
        number = nationality = expires = None
        if doc.number is not None:
            number = validate.document_number(doc.number, field=f"{at}.number")
        if doc.nationality is not None:
            nationality = validate.country(doc.nationality, field=f"{at}.nationality")
        if doc.expires_on is not None:
            expires = validate.iso_date(doc.expires_on, field=f"{at}.expires_on")
        until = expires or on_file[country]
        if until < today:
            raise DocumentExpired(
                f"The {country} passport expired on {until.isoformat()}",
                field=f"{at}.expires_on",
            )
        clean.append(_Document(country, number, nationality, expires))
    return clean
