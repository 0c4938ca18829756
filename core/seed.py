"""Deterministic demo data (DESIGN §7): two organizations, their people, policies
and the catalogue. ``concierge seed --demo`` runs it; ``make run`` runs that.

Seeding is idempotent: running it again puts every demo row back to its demo
values (names, roles, managers, tokens, policy) and only adds what is missing.
Demo tokens are public knowledge, so demo mode is refused in production.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.catalogue.seed import seed_catalogue
from core.config import Settings, get_settings
from core.errors import CoreError
from core.identity import hash_token
from core.models import Organization, Role, User
from core.policy.rules import acme_default, default_rules
from core.policy.service import get_rules, get_rules_version, set_rules
from core.travellers.crypto import PiiCipher, pii_cipher
from core.travellers.service import DocumentChange, ProfileChanges, apply_changes


class DemoModeRefused(CoreError):
    code = "DEMO_MODE_REFUSED"
    status = 403
    title = "Demo data (with public tokens) is refused in production"


@dataclass(frozen=True)
class DemoOrg:
    id: str
    name: str
    domain: str
    currency: str = "USD"


@dataclass(frozen=True)
class DemoUser:
    id: str
    org_id: str
    name: str
    role: Role
    department: str
    title: str
    manager_id: str | None = None
    home_airport: str | None = None

    @property
    def token(self) -> str:
        return demo_token(self.id)

    @property
    def slack_user_id(self) -> str:
        """The demo Slack member id (``U0AVA``) the Slack bot maps to this person."""
        return f"U0{self.id.upper()}"


DEMO_ORGS: tuple[DemoOrg, ...] = (
    DemoOrg("acme", "Acme Corp", "acme.example"),
    DemoOrg("globex", "Globex", "globex.example"),
)

# Managers come before their reports: the rows reference each other.
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("erin", "acme", "Erin Walsh", Role.EXECUTIVE, "Leadership", "Chief Operating Officer",
             home_airport="JFK"),
    DemoUser("victor", "acme", "Victor Alvarez", Role.VP_FINANCE, "Finance", "VP Finance",
             manager_id="erin", home_airport="JFK"),
    DemoUser("fin", "acme", "Fin Okafor", Role.FINANCE, "Finance", "Travel & Expense Analyst",
             manager_id="victor", home_airport="JFK"),
    DemoUser("mia", "acme", "Mia Chen", Role.MANAGER, "Engineering", "Engineering Manager",
             manager_id="victor", home_airport="JFK"),
    DemoUser("ava", "acme", "Ava Patel", Role.TRAVELER, "Engineering", "Senior Software Engineer",
             manager_id="mia", home_airport="JFK"),
    DemoUser("admin", "acme", "Sam Rivera", Role.ADMIN, "IT", "Travel Administrator",
             home_airport="JFK"),
    DemoUser("gus", "globex", "Gus Novak", Role.TRAVELER, "Sales", "Account Executive",
             home_airport="ORD"),
)

DEMO_PREFERENCES: dict[str, dict[str, Any]] = {
    "ava": {"meal": "vegetarian"},
}


@dataclass(frozen=True)
class DemoPassport:
    country: str
    number: str
    years_valid: int  # from the seeding day, so a demo passport is never expired
    nationality: str | None = None


@dataclass(frozen=True)
class DemoProfile:
    """Plausible, invented travel details (555-01xx phone numbers are reserved for fiction)."""

    born: str
    phone: str
    seat: str
    passports: tuple[DemoPassport, ...]
    loyalty: tuple[tuple[str, str], ...] = ()
    known_traveller_number: str | None = None


DEMO_PROFILES: dict[str, DemoProfile] = {
    "erin": DemoProfile("1975-03-08", "+1 212 555 0101", "aisle",
                        (DemoPassport("US", "561204873", 6),), (("AA", "7XK42M9"),), "TT7K4M29Q"),
    "victor": DemoProfile("1979-11-21", "+1 212 555 0102", "aisle",
                          (DemoPassport("ES", "PAF318274", 3), DemoPassport("US", "548830216", 4)),
                          (("UA", "HP482913"),)),
    "fin": DemoProfile("1990-06-02", "+1 212 555 0103", "none",
                       (DemoPassport("GB", "533817264", 5),), (("BA", "44019283"),)),
    "mia": DemoProfile("1986-09-14", "+1 212 555 0104", "window",
                       (DemoPassport("US", "572094118", 7),),
                       (("BA", "31847720"), ("DL", "9274018356")), "98317465"),
    "ava": DemoProfile("1992-04-27", "+1 212 555 0105", "aisle",
                       (DemoPassport("US", "547819302", 8),),
                       (("AA", "8JW2M71"), ("BA", "40918263")), "TT4F2K9QX"),
    "admin": DemoProfile("1983-01-30", "+1 212 555 0106", "none",
                         (DemoPassport("US", "590028461", 2),)),
    "gus": DemoProfile("1988-07-19", "+1 312 555 0107", "aisle",
                       (DemoPassport("CZ", "41827736", 3),), (("UA", "KN730552"),)),
}


def demo_token(user_id: str) -> str:
    return f"demo-{user_id}"


def ensure_demo_allowed(settings: Settings) -> None:
    if settings.env == "production":
        raise DemoModeRefused(
            "Refusing to seed demo users: their tokens (demo-<name>) are public. "
            "Unset CONCIERGE_ENV=production to use demo mode."
        )


async def _upsert_org(session: AsyncSession, spec: DemoOrg, *, card: str, now: datetime) -> bool:
    org = await session.get(Organization, spec.id)
    created = org is None
    if org is None:
        org = Organization(id=spec.id, created_at=now)
        session.add(org)
    org.name = spec.name
    org.currency = spec.currency
    org.payment_method = card
    return created


async def _upsert_user(session: AsyncSession, spec: DemoUser, *, domain: str, now: datetime) -> bool:
    user = await session.get(User, spec.id)
    created = user is None
    if user is None:
        user = User(id=spec.id, created_at=now, preferences={})
        session.add(user)
    first, _, last = spec.name.partition(" ")
    user.org_id = spec.org_id
    user.name = spec.name
    user.email = f"{first.lower()}.{last.lower().replace(' ', '')}@{domain}"
    user.role = spec.role
    user.department = spec.department
    user.title = spec.title
    user.manager_id = spec.manager_id
    user.home_airport = spec.home_airport
    user.token_hash = hash_token(spec.token)
    user.slack_user_id = spec.slack_user_id
    user.preferences = dict(DEMO_PREFERENCES.get(spec.id, {}))
    # Flush one by one: managers must exist before their reports reference them.
    await session.flush()
    return created


async def _upsert_profile(
    session: AsyncSession, spec: DemoUser, cipher: PiiCipher, *, today: date, now: datetime
) -> None:
    """Through the same validation as every change: demo data is held to the rules too."""
    profile = DEMO_PROFILES[spec.id]
    given, _, family = spec.name.partition(" ")
    user = await session.get(User, spec.id)
    assert user is not None
    changes = ProfileChanges(
        given_name=given,
        family_name=family,
        date_of_birth=profile.born,
        phone=profile.phone,
        seat_preference=profile.seat,
        known_traveller_number=profile.known_traveller_number,
        loyalty=dict(profile.loyalty),
        documents=[
            DocumentChange(
                issuing_country=p.country,
                number=p.number,
                nationality=p.nationality or p.country,
                expires_on=today.replace(year=today.year + p.years_valid, day=min(today.day, 28)).isoformat(),
            )
            for p in profile.passports
        ],
    )
    await apply_changes(session, cipher, user, changes, now=now, actor_id="seed")


async def _ensure_policies(session: AsyncSession, now: datetime) -> dict[str, int]:
    """Acme gets its documented policy, Globex the default; rewritten only if changed."""
    versions: dict[str, int] = {}
    for org_id, rules in (("acme", acme_default()), ("globex", default_rules())):
        version = await get_rules_version(session, org_id)
        current = await get_rules(session, org_id)
        if version == 0 or current.to_document() != rules.to_document():
            version = await set_rules(session, org_id, rules, now)
        versions[org_id] = version
    return versions


async def seed_demo(
    session: AsyncSession,
    *,
    today: date,
    days_ahead: int = 90,
    hubs: Sequence[str] | None = None,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Create (or restore) the demo organizations, users, policies and catalogue.

    ``today`` anchors the catalogue window (yesterday … ``today + days_ahead``);
    ``now`` stamps new rows (default: midnight UTC of ``today``). Adds rows to
    ``session`` and flushes; the caller commits. Raises :class:`DemoModeRefused`
    when ``settings.env`` is production.
    """
    settings = settings or get_settings()
    ensure_demo_allowed(settings)
    now = now or datetime.combine(today, time(0), tzinfo=UTC)

    domains = {org.id: org.domain for org in DEMO_ORGS}
    orgs_created = 0
    for org_spec in DEMO_ORGS:
        orgs_created += await _upsert_org(session, org_spec, card=settings.company_card, now=now)
    await session.flush()
    users_created = 0
    for user_spec in DEMO_USERS:
        users_created += await _upsert_user(
            session, user_spec, domain=domains[user_spec.org_id], now=now
        )
    policy_versions = await _ensure_policies(session, now)
    catalogue = await seed_catalogue(session, today=today, days_ahead=days_ahead, hubs=hubs)
    await session.flush()
    # After the catalogue: loyalty numbers name its airlines.
    cipher = pii_cipher(settings)
    for user_spec in DEMO_USERS:
        await _upsert_profile(session, user_spec, cipher, today=today, now=now)

    return {
        "orgs": [{"id": o.id, "name": o.name, "currency": o.currency} for o in DEMO_ORGS],
        "orgs_created": orgs_created,
        "users": [
            {
                "id": u.id,
                "org_id": u.org_id,
                "name": u.name,
                "role": str(u.role),
                "manager_id": u.manager_id,
                "token": u.token,
                "slack_user_id": u.slack_user_id,
            }
            for u in DEMO_USERS
        ],
        "users_created": users_created,
        "policy_versions": policy_versions,
        "catalogue": dataclasses.asdict(catalogue),
    }


__all__ = [
    "DEMO_ORGS",
    "DEMO_PROFILES",
    "DEMO_USERS",
    "DemoModeRefused",
    "demo_token",
    "ensure_demo_allowed",
    "seed_demo",
]
