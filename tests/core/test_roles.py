"""What each role may do (issue 14, item 2; the table is in the README, "Roles").

``demo-fin`` booked for Erin, paid for it and cancelled someone else's trip, while
its profile said it could book for nobody. Now org-wide *reading* (finance) is not
acting: finance sees every trip and acts only on its own; the admin (the travel
administrator) acts for anyone; everyone else acts for themselves and the people
who report to them, at any depth. The profile's ``can_book_for`` says exactly that.
"""

from __future__ import annotations

import pytest

from core.booking.cancel import cancel_booking
from core.booking.saga import confirm_booking
from core.booking.service import ItemRequest, get_booking, hold_booking
from core.conversation.profile import traveller_profile
from core.errors import Forbidden, NotFound
from core.identity import Caller
from core.models import Role
from core.orgchart import RIGHTS
from core.runtime import Runtime
from core.search.offers import flight_offer_id
from tests.core.test_approval import build_approval_world
from tests.factories import make_user


def caller(user_id: str, role: str) -> Caller:
    return Caller(user_id=user_id, org_id="acme", role=role, name=user_id.title())


AVA = caller("ava", Role.TRAVELER)
NED = caller("ned", Role.TRAVELER)  # Ava's colleague (also reports to Mia)
MIA = caller("mia", Role.MANAGER)
VICTOR = caller("victor", Role.VP_FINANCE)
ERIN = caller("erin", Role.EXECUTIVE)
FIN = caller("fin", Role.FINANCE)
ADMIN = caller("admin", Role.ADMIN)
EVERYONE = {"ava": AVA, "ned": NED, "mia": MIA, "victor": VICTOR, "erin": ERIN, "fin": FIN,
            "admin": ADMIN}

# Whom each may book for besides themselves (Acme: Erin > Victor > Mia > Ava, Ned;
# Victor > Fin).
BOOKS_FOR = {
    "ava": [],
    "ned": [],
    "mia": ["ava", "ned"],
    "victor": ["ava", "fin", "mia", "ned"],
    "erin": ["ava", "fin", "mia", "ned", "victor"],
    "fin": [],
    "admin": ["ava", "erin", "fin", "mia", "ned", "victor"],
}
# Whose trips each may see (reading is wider than acting for finance only).
SEES = {**BOOKS_FOR, "fin": ["admin", "ava", "erin", "mia", "ned", "victor"]}


@pytest.fixture
async def world(runtime: Runtime) -> int:
    w = await build_approval_world(runtime)
    async with runtime.db.uow() as s:
        await make_user(s, id="fin", role="finance", department="Finance", manager_id="victor")
        await make_user(s, id="ned", manager_id="mia")
    return w.long_business


async def _hold(rt: Runtime, who: Caller, offer: int, traveler: str | None = None) -> str:
    async with rt.db.uow() as s:
        booking = await hold_booking(rt, s, who, [ItemRequest(flight_offer_id(offer), 1)],
                                     traveler_id=traveler)
        return booking.id


@pytest.mark.parametrize("who", sorted(EVERYONE))
async def test_each_role_books_for_exactly_its_table_row(
    runtime: Runtime, world: int, who: str
) -> None:
    me = EVERYONE[who]
    assert await _hold(runtime, me, world)  # everyone books their own trips
    for other in sorted(set(EVERYONE) - {who}):
        if other in BOOKS_FOR[who]:
            assert await _hold(runtime, me, world, traveler=other), (who, other)
        else:
            # Visible but not theirs to act on: 403; not even visible: 404.
            expected = Forbidden if other in SEES[who] else NotFound
            with pytest.raises(expected):
                await _hold(runtime, me, world, traveler=other)


@pytest.mark.parametrize("who", sorted(EVERYONE))
async def test_each_role_confirms_and_cancels_exactly_its_table_row(
    runtime: Runtime, world: int, who: str
) -> None:
    """On Ava's trips: her own two, held by herself."""
    me = EVERYONE[who]
    to_confirm = await _hold(runtime, AVA, world)
    to_cancel = await _hold(runtime, AVA, world)
    may_act = who == "ava" or "ava" in BOOKS_FOR[who]
    may_see = who == "ava" or "ava" in SEES[who]
    if may_see:
        async with runtime.db.uow(write=False) as s:
            assert (await get_booking(s, me, to_confirm)).id == to_confirm
    if may_act:
        assert (await confirm_booking(runtime, me, to_confirm)).status == "confirmed"
        assert (await cancel_booking(runtime, me, to_cancel)).status == "cancelled"
        return
    expected = Forbidden if may_see else NotFound
    with pytest.raises(expected):
        await confirm_booking(runtime, me, to_confirm)
    with pytest.raises(expected):
        await cancel_booking(runtime, me, to_cancel)
    async with runtime.db.uow(write=False) as s:
        assert (await get_booking(s, AVA, to_confirm)).status == "held"
        assert (await get_booking(s, AVA, to_cancel)).status == "held"


@pytest.mark.parametrize("who", sorted(EVERYONE))
async def test_the_profile_says_whom_the_caller_may_book_for(
    runtime: Runtime, world: int, who: str
) -> None:
    async with runtime.db.uow(write=False) as s:
        profile = await traveller_profile(s, EVERYONE[who], reports=50)
    assert sorted(p.user_id for p in profile.can_book_for) == BOOKS_FOR[who]


def test_every_role_has_a_row() -> None:
    assert set(RIGHTS) == set(Role)
    # Org-wide reading is not acting: only the admin acts for the whole organization.
    assert [r for r, rights in RIGHTS.items() if rights.acts_for == "organization"] == [Role.ADMIN]
    assert RIGHTS[Role.FINANCE].sees == "organization"
    assert RIGHTS[Role.FINANCE].acts_for == "own"


async def test_finance_still_acts_on_what_it_booked_itself(runtime: Runtime, world: int) -> None:
    mine = await _hold(runtime, FIN, world)
    assert (await confirm_booking(runtime, FIN, mine)).status == "confirmed"
