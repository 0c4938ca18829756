"""Bearer authentication: 401 problems with WWW-Authenticate; the caller comes from the token."""

from __future__ import annotations

import httpx
import pytest

from tests.api.conftest import World
from tests.api.test_problems import assert_problem


async def test_missing_token_is_401(api_client: httpx.AsyncClient, seeded: World) -> None:
    response = await api_client.get("/v1/bookings")
    assert_problem(response, 401, "UNAUTHORIZED")
    assert response.headers["www-authenticate"] == 'Bearer realm="concierge"'


@pytest.mark.parametrize(
    "header",
    ["Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 600, "tok-ava"],
)
async def test_bad_credentials_are_401(
    api_client: httpx.AsyncClient, seeded: World, header: str
) -> None:
    response = await api_client.get("/v1/bookings", headers={"Authorization": header})
    assert_problem(response, 401, "UNAUTHORIZED")
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_valid_token_reaches_the_route(api_client: httpx.AsyncClient, seeded: World) -> None:
    response = await api_client.get("/v1/bookings", headers=seeded.auth("ava"))
    assert response.status_code == 200
    assert response.json() == {"bookings": [], "next_cursor": None}


async def test_search_and_bookings_require_auth(
    api_client: httpx.AsyncClient, seeded: World
) -> None:
    for method, path in [
        ("GET", f"/v1/flights/search?origin=JFK&destination=LHR&date={seeded.flight_date}"),
        ("GET", "/v1/hotels/search?city=London&check_in=2026-12-18&check_out=2026-12-20"),
        ("GET", "/v1/bookings/BK-AAAAAA"),
        ("POST", "/v1/bookings/BK-AAAAAA/confirm"),
    ]:
        response = await api_client.request(method, path)
        assert_problem(response, 401, "UNAUTHORIZED")
