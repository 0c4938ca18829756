"""How search tools list options: bookable first, renumbered, one recommendation."""

from __future__ import annotations

from pydantic import BaseModel

from tools.views import PolicyOut, compliant_first, recommend


class Opt(BaseModel):
    option: int
    policy: PolicyOut
    price: int
    stops: int = 0


def opts(*rows: tuple[str, int, int]) -> list[Opt]:
    return [
        Opt(option=n, policy=PolicyOut(status=status), price=price, stops=stops)
        for n, (status, price, stops) in enumerate(rows, start=1)
    ]


def best(options: list[Opt]) -> int | None:
    return recommend(options, price=lambda o: o.price, stops=lambda o: o.stops)


def test_compliant_first_keeps_the_search_order_within_each_colour_and_renumbers() -> None:
    listed = compliant_first(
        opts(
            ("red", 100, 0),
            ("amber", 200, 0),
            ("green", 300, 1),
            ("red", 150, 0),
            ("green", 400, 0),
        )
    )
    assert [(o.policy.status, o.price) for o in listed] == [
        ("green", 300),
        ("green", 400),
        ("amber", 200),
        ("red", 100),
        ("red", 150),
    ]
    assert [o.option for o in listed] == [1, 2, 3, 4, 5]


def test_recommendation_is_the_cheapest_bookable_never_a_red_one() -> None:
    listed = compliant_first(opts(("red", 100, 0), ("green", 300, 0), ("green", 250, 0)))
    assert best(listed) == 2  # the 250 green one, listed second after the 300
    assert listed[1].price == 250


def test_recommendation_prefers_a_direct_flight_that_costs_a_little_more() -> None:
    assert best(compliant_first(opts(("green", 500, 1), ("green", 560, 0)))) == 2
    # ... but not one that costs much more.
    assert best(compliant_first(opts(("green", 500, 1), ("green", 700, 0)))) == 1


def test_recommendation_falls_back_to_amber_then_to_none() -> None:
    assert best(compliant_first(opts(("red", 100, 0), ("amber", 300, 0)))) == 1
    assert best(compliant_first(opts(("red", 100, 0), ("red", 300, 0)))) is None
    assert best([]) is None
