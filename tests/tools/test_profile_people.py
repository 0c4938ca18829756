"""get_traveler_profile's ``can_book_for`` past its first 25 people: ``named`` finds anyone
the caller may book for, wherever they stand in the whole list (issue 10: someone late in
a long list could not be booked for)."""

from __future__ import annotations

import pytest

from tests.factories import make_user
from tools.registry import get_tool

pytestmark = pytest.mark.usefixtures("world")


@pytest.fixture
async def many_reports(runtime, world) -> None:
    async with runtime.db.uow() as s:
        for n in range(30):
            await make_user(s, id=f"aaron{n:02d}", manager_id="mia")
        await make_user(s, id="zoe", manager_id="mia")
        await make_user(s, id="zed", manager_id="victor")  # not Mia's to book for


async def call(ctx, **args):
    return await get_tool("get_traveler_profile").invoke(ctx, args)


@pytest.mark.usefixtures("many_reports")
async def test_a_long_list_is_cut_and_says_so(mia):
    me = await call(mia)
    assert len(me["can_book_for"]) == 25
    assert me["can_book_for_partial"] is True
    assert "zoe" not in {p["user_id"] for p in me["can_book_for"]}


@pytest.mark.usefixtures("many_reports")
@pytest.mark.parametrize(
    ("named", "found"), [("Zoe", ["zoe"]), ("  zoe ", ["zoe"]), ("Zed", []), ("Nobody", [])]
)
async def test_someone_named_is_found_wherever_they_stand(mia, named, found):
    me = await call(mia, named=named)
    assert [p["user_id"] for p in me["can_book_for"]] == found
    assert me["can_book_for_partial"] is True
    assert me["user_id"] == "mia"  # still the caller's own profile


async def test_a_short_list_is_whole(mia):
    me = await call(mia)
    assert me["can_book_for"] == [{"user_id": "ava", "name": "Ava"}]
    assert me["can_book_for_partial"] is False


async def test_a_name_with_like_wildcards_matches_only_itself(mia):
    assert (await call(mia, named="%"))["can_book_for"] == []
    assert (await call(mia, named="a_a"))["can_book_for"] == []
