from __future__ import annotations

import asyncio
import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from core.errors import NotFound, PolicyBlocked, ValidationFailed
from core.models import PolicyDocument
from core.policy.engine import (
    PolicyStatus,
    Verdict,
    evaluate,
    evaluate_offer,
)
from core.policy.items import FlightItem, HotelItem, PolicyItem
from core.policy.render import answer_facts, render_policy
from core.policy.rules import HotelCaps, PolicyRules, Vendor, acme_default, default_rules
from core.policy.service import (
    clear_cache,
    ensure_not_blocked,
    get_rules,
    get_rules_version,
    set_rules,
)
from tests.conftest import NOW
from tests.factories import make_org

ACME = acme_default()


def usd(major: float) -> int:
    return round(major * 100)


def flight(
    *,
    cabin: str = "economy",
    minutes: int = 60,
    carriers: tuple[str, ...] = ("UA",),
    days_ahead: float = 14,
    amount: int = usd(300),
    currency: str = "USD",
) -> FlightItem:
    return FlightItem(
        carriers=carriers,
        cabin=cabin,
        flying_minutes=minutes,
        longest_leg_minutes=minutes,
        depart_at=NOW + timedelta(days=days_ahead),
        origin="JFK",
        destination="BOS",
        amount_minor=amount,
        currency=currency,
    )


def hotel(
    *,
    city: str = "London",
    rate: int = usd(200),
    chain: str = "Grand",
    days_ahead: int = 14,
    nights: int = 1,
    amount: int | None = None,
) -> HotelItem:
    check_in = NOW.date() + timedelta(days=days_ahead)
    return HotelItem(
        hotel_id="HTL-1",
        chain=chain,
        city=city,
        check_in=check_in,
        check_out=check_in + timedelta(days=nights),
        nightly_rate_minor=rate,
        rooms=1,
        amount_minor=rate * nights if amount is None else amount,
        currency="USD",
    )


def judge(*items: PolicyItem, rules: PolicyRules = ACME, now: datetime = NOW) -> Verdict:
    return evaluate(rules, items, now=now)


def codes(verdict: Verdict) -> list[str]:
    return [v.code for v in verdict.violations]


# -- cabins ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cabin", "minutes", "status"),
    [
        ("economy", 60, "green"),
        ("business", 120, "amber"),
        ("business", 7 * 60, "green"),
        ("premium", 180, "amber"),
        ("premium", 6 * 60, "green"),  # the boundary belongs to the longer rule
        ("business", 6 * 60 - 1, "amber"),
        ("first", 60, "red"),
        ("first", 14 * 60, "red"),
    ],
)
def test_cabin_by_flying_time(cabin: str, minutes: int, status: str) -> None:
    verdict = judge(flight(cabin=cabin, minutes=minutes))
    assert verdict.status == status
    if status == "green":
        assert verdict.violations == ()
        assert verdict.approvals_required == ()


def test_cabin_message_names_cabin_duration_and_rule() -> None:
    verdict = judge(flight(cabin="business", minutes=75))
    (violation,) = verdict.violations
    assert violation.code == "CABIN_NOT_ALLOWED"
    assert violation.severity == "amber"
    assert violation.item == 0
    assert violation.message == (
        "Business class on a 1h15 flight: economy is the rule under 6 h of flying"
    )


def test_first_class_is_red_and_not_also_amber() -> None:
    verdict = judge(flight(cabin="first", minutes=60))
    assert codes(verdict) == ["CABIN_FORBIDDEN"]
    assert verdict.violations[0].severity == "red"
    assert "First class" in verdict.violations[0].message


def test_cabin_judged_on_flying_time_not_longest_leg() -> None:
    # Two 3h30 legs: 7 h of flying, so business is within Acme's policy.
    item = FlightItem(
        carriers=("BA", "BA"),
        cabin="business",
        flying_minutes=420,
        longest_leg_minutes=210,
        depart_at=NOW + timedelta(days=20),
        origin="BOS",
        destination="ZRH",
        amount_minor=usd(3000),
        currency="USD",
    )
    assert judge(item).status == "green"
    by_leg = ACME.model_copy(update={"cabin_basis": "longest_leg_minutes"})
    assert judge(item, rules=by_leg).status == "amber"


# -- advance purchase ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_ahead", "status"),
    [(3, "amber"), (0.25, "amber"), (6.99, "amber"), (7, "green"), (10, "green")],
)
def test_advance_purchase(days_ahead: float, status: str) -> None:
    assert judge(flight(days_ahead=days_ahead)).status == status


def test_advance_purchase_message_and_measured_to_first_departure() -> None:
    outbound = flight(days_ahead=3)
    back = flight(days_ahead=12)
    verdict = judge(back, outbound)
    assert codes(verdict) == ["ADVANCE_PURCHASE"]
    assert verdict.violations[0].message == "Booked 3 days ahead; policy asks for 7 days"
    assert verdict.violations[0].item == 1
    one_day = judge(flight(days_ahead=1.5))
    assert one_day.violations[0].message == "Booked 1 day ahead; policy asks for 7 days"


def test_hotel_only_trip_measures_to_check_in_date() -> None:
    assert judge(hotel(days_ahead=3)).status == "amber"
    assert codes(judge(hotel(days_ahead=3))) == ["ADVANCE_PURCHASE"]
    # Check-in is a date: 7 calendar days ahead is enough whatever the hour now.
    late_evening = NOW.replace(hour=23, minute=30)
    assert judge(hotel(days_ahead=7), now=late_evening).status == "green"


def test_flight_and_hotel_trip_measures_to_the_flight() -> None:
    verdict = judge(hotel(days_ahead=3), flight(days_ahead=10))
    assert verdict.status == "green"


# -- hotels ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("city", "rate_usd", "status"),
    [
        ("London", 350, "green"),  # exactly the cap is within it
        ("London", 350.01, "amber"),
        ("New York", 320, "green"),
        ("New York", 330, "amber"),
        ("NYC", 330, "amber"),
        ("Zürich", 340, "green"),
        ("Tokyo", 301, "amber"),
        ("San Francisco", 299, "green"),
        ("Paris", 300, "green"),
        ("Sydney", 280, "amber"),
        ("Denver", 250, "green"),  # default cap
        ("Denver", 251, "amber"),
        ("london", 340, "green"),  # city names are case-insensitive
    ],
)
def test_hotel_caps(city: str, rate_usd: float, status: str) -> None:
    assert judge(hotel(city=city, rate=usd(rate_usd))).status == status


def test_hotel_over_cap_messages() -> None:
    london = judge(hotel(city="London", rate=usd(412)))
    assert london.violations[0].message == (
        "Hotel at 412.00 USD/night is over the London cap of 350.00 USD"
    )
    denver = judge(hotel(city="Denver", rate=usd(260)))
    assert denver.violations[0].message == (
        "Hotel at 260.00 USD/night is over the default cap for Denver of 250.00 USD"
    )


def test_other_org_has_its_own_caps() -> None:
    globex = default_rules()
    assert judge(hotel(city="London", rate=usd(340)), rules=globex).status == "amber"
    assert judge(hotel(city="Denver", rate=usd(240)), rules=globex).status == "amber"
    assert judge(hotel(city="London", rate=usd(340))).status == "green"


# -- vendors ---------------------------------------------------------------------------


@pytest.mark.parametrize("carriers", [("FR",), ("BA", "FR"), ("FR", "BA"), ("NK", "NK")])
def test_blocked_carrier_on_any_leg_is_red(carriers: tuple[str, ...]) -> None:
    verdict = judge(flight(carriers=carriers))
    assert verdict.status == "red"
    assert codes(verdict).count("BLOCKED_AIRLINE") == 1  # once per airline, not per leg


def test_blocked_airline_message() -> None:
    verdict = judge(flight(carriers=("BA", "FR")))
    assert [v.message for v in verdict.violations] == ["Ryanair (FR) is a blocked airline"]


def test_blocked_hotel_chain_is_red_by_code_or_name() -> None:
    rules = ACME.model_copy(
        update={"blocked_hotel_chains": (Vendor(code="CHEAPO", name="Cheapo Inns"),)}
    )
    for chain in ("Cheapo Inns", "cheapo"):
        verdict = judge(hotel(chain=chain), rules=rules)
        assert verdict.status == "red"
        assert verdict.violations[0].message == "Cheapo Inns (CHEAPO) is a blocked hotel chain"


def test_preferred_vendor_is_a_note_never_a_violation() -> None:
    verdict = judge(flight(carriers=("BA",)), hotel(chain="Marriott"))
    assert verdict.status == "green"
    assert verdict.violations == ()
    assert [(n.code, n.message, n.item) for n in verdict.notes] == [
        ("PREFERRED_VENDOR", "British Airways (BA) is a preferred airline", 0),
        ("PREFERRED_VENDOR", "Marriott is a preferred hotel chain", 1),
    ]


# -- approvals -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total_usd", "approvals"),
    [
        (4_000, ()),
        (5_000, ()),
        (5_000.01, ("manager",)),
        (10_000, ("manager",)),
        (12_000, ("manager", "vp_finance")),
        (15_000, ("manager", "vp_finance")),
        (16_000, ("manager", "vp_finance", "executive")),
    ],
)
def test_approval_thresholds_are_strictly_over(
    total_usd: float, approvals: tuple[str, ...]
) -> None:
    verdict = judge(flight(cabin="business", minutes=8 * 60, amount=usd(total_usd)))
    assert verdict.status == "green"
    assert verdict.total_minor == usd(total_usd)
    assert verdict.approvals_required == approvals


def test_thresholds_apply_to_the_trip_total() -> None:
    trip = (flight(amount=usd(3_000)), hotel(rate=usd(250), nights=10))
    assert judge(*trip).approvals_required == ("manager",)
    # Each offer on its own is under the threshold.
    assert evaluate_offer(ACME, trip[0], now=NOW).approvals_required == ()
    assert evaluate_offer(ACME, trip[1], now=NOW).approvals_required == ()


def test_amber_needs_the_manager_even_when_cheap() -> None:
    verdict = judge(flight(cabin="business", minutes=90, amount=usd(1_000)))
    assert verdict.status == "amber"
    assert verdict.approvals_required == ("manager",)


def test_approvals_deduplicated_and_in_chain_order() -> None:
    # Amber and over 16,000: the manager appears once, first.
    verdict = judge(flight(cabin="business", minutes=90, days_ahead=2, amount=usd(16_000)))
    assert verdict.approvals_required == ("manager", "vp_finance", "executive")


# -- verdict as a whole ----------------------------------------------------------------


def test_status_is_the_worst_violation() -> None:
    amber_and_red = judge(
        flight(cabin="business", minutes=60, carriers=("FR",), days_ahead=2),
        hotel(city="London", rate=usd(500)),
    )
    assert amber_and_red.status == "red"
    assert {v.severity for v in amber_and_red.violations} == {"amber", "red"}
    assert sorted(codes(amber_and_red)) == sorted(
        ["CABIN_NOT_ALLOWED", "BLOCKED_AIRLINE", "HOTEL_OVER_CAP", "ADVANCE_PURCHASE"]
    )
    only_amber = judge(flight(days_ahead=2), hotel(city="Tokyo", rate=usd(310)))
    assert only_amber.status == "amber"


def test_violation_items_point_at_the_offending_item() -> None:
    verdict = judge(flight(), hotel(city="Paris", rate=usd(450)))
    assert [(v.code, v.item) for v in verdict.violations] == [("HOTEL_OVER_CAP", 1)]


def test_verdict_round_trips_through_json() -> None:
    verdict = judge(flight(cabin="business", minutes=60, carriers=("BA",)), hotel(rate=usd(400)))
    data = json.loads(json.dumps(verdict.to_dict()))
    assert data["status"] == "amber"
    assert data["approvals_required"] == ["manager"]
    assert {"code", "severity", "message", "item"} <= set(data["violations"][0])
    assert Verdict.from_dict(data) == verdict


def test_empty_trip_is_green() -> None:
    verdict = judge()
    assert verdict.status == PolicyStatus.GREEN
    assert verdict.approvals_required == ()


def test_item_in_another_currency_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="EUR"):
        judge(flight(currency="EUR"))


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        judge(flight(), now=NOW.replace(tzinfo=None))


def test_ensure_not_blocked() -> None:
    ensure_not_blocked(judge(flight(cabin="business", minutes=60)))  # amber is allowed
    with pytest.raises(PolicyBlocked) as caught:
        ensure_not_blocked(judge(flight(cabin="first", carriers=("NK",))))
    assert caught.value.status == 403
    assert "First class" in str(caught.value)
    assert "Spirit Airlines (NK) is a blocked airline" in str(caught.value)


# -- rules validation ------------------------------------------------------------------


def test_rules_round_trip_through_their_document() -> None:
    document = json.loads(json.dumps(ACME.to_document()))
    assert PolicyRules.model_validate(document) == ACME


@pytest.mark.parametrize(
    "change",
    [
        {"cabin_rules": [{"min_minutes": 60, "max_minutes": None, "allowed_cabins": ["economy"]}]},
        {
            "cabin_rules": [
                {"min_minutes": 0, "max_minutes": 300, "allowed_cabins": ["economy"]},
                {"min_minutes": 360, "max_minutes": None, "allowed_cabins": ["economy"]},
            ]
        },
        {"cabin_rules": [{"min_minutes": 0, "max_minutes": 300, "allowed_cabins": ["economy"]}]},
        {"amber_requires": "ceo"},
        {"approval_thresholds": [{"over_minor": 100, "role": "ceo"}]},
        {"red_cabins": ["steerage"]},
    ],
)
def test_inconsistent_rules_are_rejected(change: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="validation error"):
        PolicyRules.model_validate({**ACME.to_document(), **change})


def test_duplicate_city_caps_rejected() -> None:
    caps = {
        "default_nightly_cap_minor": 100,
        "cities": [
            {"city": "London", "nightly_cap_minor": 200},
            {"city": "london", "nightly_cap_minor": 300},
        ],
    }
    with pytest.raises(ValueError, match="listed twice"):
        PolicyRules.model_validate({**ACME.to_document(), "hotel_caps": caps})
    assert HotelCaps.model_validate(caps).default_nightly_cap_minor == 100


# -- rendering -------------------------------------------------------------------------


def test_render_mentions_caps_blocked_carriers_and_chain() -> None:
    text = render_policy(ACME)
    for fact in (
        "| London | 350.00 USD |",
        "| New York | 325.00 USD |",
        "| Anywhere else | 250.00 USD |",
        "Ryanair (FR)",
        "Spirit Airlines (NK)",
        "First class is **red**",
        "Under 6 h of flying: economy only",
        "7 days",
        "over 5,000.00 USD need the traveller's manager",
        "over 15,000.00 USD also need an executive",
        "British Airways (BA)",
    ):
        assert fact in text, fact


def test_answer_facts() -> None:
    facts = answer_facts(ACME)
    assert facts["hotel_caps"]["London"] == {"minor": 35000, "display": "350.00 USD"}
    assert facts["hotel_default_cap"]["minor"] == 25000
    assert facts["blocked_airlines"] == ["Spirit Airlines (NK)", "Ryanair (FR)"]
    assert facts["red_cabins"] == ["first"]
    assert facts["advance_purchase_days"] == 7
    assert [t["role"] for t in facts["approval_thresholds"]] == [
        "manager",
        "vp_finance",
        "executive",
    ]
    json.dumps(facts)


# -- service (database) ----------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_policy_cache() -> None:
    clear_cache()


async def test_org_without_document_gets_default_rules(database) -> None:
    async with database.uow() as session:
        await make_org(session, id="globex", name="Globex")
    async with database.uow(write=False) as session:
        assert await get_rules(session, "globex") == default_rules()
        assert await get_rules_version(session, "globex") == 0


async def test_set_and_get_rules_round_trip_with_versions(database) -> None:
    async with database.uow() as session:
        await make_org(session)
        assert await set_rules(session, "acme", ACME, NOW) == 1
    async with database.uow(write=False) as session:
        assert await get_rules(session, "acme") == ACME
        assert await get_rules_version(session, "acme") == 1

    stricter = ACME.model_copy(update={"advance_purchase_days": 14})
    later = NOW + timedelta(hours=1)
    async with database.uow() as session:
        assert await set_rules(session, "acme", stricter, later) == 2
        # Visible in the same transaction, not a cached older version.
        assert (await get_rules(session, "acme")).advance_purchase_days == 14
    async with database.uow(write=False) as session:
        doc = (await session.scalars(select(PolicyDocument))).one()
        assert (doc.version, doc.updated_at) == (2, later)
        assert doc.rules["advance_purchase_days"] == 14
        rules = await get_rules(session, "acme")
        assert rules.advance_purchase_days == 14
        assert judge(flight(days_ahead=10), rules=rules).status == "amber"


async def test_rolled_back_write_does_not_poison_the_cache(database) -> None:
    async with database.uow() as session:
        await make_org(session)
        await set_rules(session, "acme", ACME, NOW)

    async def draft_then_abort() -> None:
        async with database.uow() as session:
            await set_rules(session, "acme", ACME.model_copy(update={"name": "Draft"}), NOW)
            assert (await get_rules(session, "acme")).name == "Draft"  # cached as version 2
            raise RuntimeError("abort")

    with pytest.raises(RuntimeError, match="abort"):
        await draft_then_abort()
    # The next write reuses version 2 with different content.
    async with database.uow() as session:
        await set_rules(session, "acme", ACME.model_copy(update={"name": "Final"}), NOW)
    async with database.uow(write=False) as session:
        assert (await get_rules(session, "acme")).name == "Final"


async def test_set_rules_validates_raw_documents_and_org(database) -> None:
    async with database.uow() as session:
        await make_org(session)
        with pytest.raises(ValidationFailed):
            await set_rules(session, "acme", {"currency": "USD"}, NOW)
        with pytest.raises(NotFound):
            await set_rules(session, "nope", ACME, NOW)
        version = await set_rules(session, "acme", ACME.to_document(), NOW)
        assert version == 1


async def test_set_rules_refreshes_a_loaded_document(database) -> None:
    async with database.uow() as session:
        await make_org(session)
        await set_rules(session, "acme", ACME, NOW)
    async with database.uow() as session:
        loaded = await session.get(PolicyDocument, "acme")
        assert loaded is not None
        assert loaded.version == 1
        await set_rules(session, "acme", ACME, NOW + timedelta(minutes=5))
        assert loaded.version == 2
        assert loaded.updated_at == NOW + timedelta(minutes=5)


def test_hotel_judged_on_its_highest_night() -> None:
    # nightly_rate_minor is "the highest night": a trip is over the cap if any night is.
    item = HotelItem(
        hotel_id="HTL-2",
        chain="Grand",
        city="Paris",
        check_in=date(2026, 12, 20),
        check_out=date(2026, 12, 23),
        nightly_rate_minor=usd(320),
        rooms=2,
        amount_minor=usd(1_700),
        currency="USD",
    )
    assert judge(item).status == "amber"


async def test_concurrent_first_writes_get_distinct_versions(database) -> None:
    async with database.uow() as session:
        await make_org(session)

    async def write(name: str) -> int:
        async with database.uow() as session:
            return await set_rules(session, "acme", ACME.model_copy(update={"name": name}), NOW)

    versions = await asyncio.gather(write("A"), write("B"), write("C"))
    assert sorted(versions) == [1, 2, 3]
    async with database.uow(write=False) as session:
        assert await get_rules_version(session, "acme") == 3
