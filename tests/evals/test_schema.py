"""Scenario format and loader: relative dates, one action per step, clear errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from evals.loader import (
    ScenarioError,
    format_day,
    load_file,
    load_scenarios,
    parse_scenario,
    render_dates,
)
from evals.schema import WRITE_TOOLS, Scenario


def test_dates_are_relative_to_the_frozen_clock() -> None:
    today = date(2026, 12, 1)
    assert render_dates("on {d+17}", today) == "on 2026-12-18"
    assert render_dates("on {d+17:%b %-d}", today) == "on Dec 18"
    assert render_dates({"a": ["{d-5:%B %-d}", "{d}"]}, today) == {
        "a": ["November 26", "2026-12-01"]
    }
    assert render_dates("{last_booking}", today) == "{last_booking}"  # filled at run time
    assert format_day(date(2027, 1, 5), "%A %-d %B") == "Tuesday 5 January"


def test_a_scenario_clock_moves_its_dates() -> None:
    s = parse_scenario(
        {
            "id": "x",
            "title": "t",
            "clock": "2026-12-10T08:00:00Z",
            "script": [{"say": "fly on {d+3:%b %-d}"}],
        }
    )
    assert s.script[0].say == "fly on Dec 13"
    assert s.clock.tzinfo is not None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"id": "x", "title": "t"}, "a script or an instruction"),
        (
            {"id": "x", "title": "t", "script": [{"say": "hi", "confirm": True}]},
            "exactly one action",
        ),
        ({"id": "x", "title": "t", "script": [{}]}, "exactly one action"),
        ({"id": "Bad Id", "title": "t", "script": [{"say": "hi"}]}, "id"),
        ({"id": "x", "title": "t", "script": [{"say": "hi"}], "expect": {"stat": {}}}, "stat"),
        (
            {"id": "x", "title": "t", "setup": [{"say": "hi"}], "script": [{"say": "hi"}]},
            "setup steps",
        ),
        (
            {"id": "x", "title": "t", "clock": "2026-12-10T08:00:00", "script": [{"say": "hi"}]},
            "timezone",
        ),
    ],
)
def test_malformed_scenarios_are_refused_with_the_reason(
    raw: dict[str, object], message: str
) -> None:
    with pytest.raises(ScenarioError, match=message):
        parse_scenario(raw, source="test.yaml")


def test_phrases_may_be_plain_strings_and_steps_take_as() -> None:
    s = parse_scenario(
        {
            "id": "x",
            "title": "t",
            "script": [
                {"as": "mia", "say": "what needs my approval?"},
                {"as": "mia", "confirm": True},
            ],
            "expect": {"say": ["Ava", {"text": "re:approved", "by": "mia"}], "not_say": ["secret"]},
        }
    )
    assert [st.as_ for st in s.script] == ["mia", "mia"]
    assert s.script[1].is_user_turn
    assert s.script[1].kind == "confirm"
    assert [p.text for p in s.expect.say] == ["Ava", "re:approved"]
    assert s.expect.say[1].by == "mia"


def test_a_file_holds_several_scenarios_and_ids_are_unique(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(
        "id: a\ntitle: A\nscript: [{say: hi}]\n---\nid: b\ntitle: B\ninstruction: be nice\n"
    )
    found = load_file(path)
    assert [s.id for s in found] == ["a", "b"]
    assert found[0].scripted
    assert not found[1].scripted
    (tmp_path / "dup.yaml").write_text("id: a\ntitle: again\nscript: [{say: hi}]\n")
    with pytest.raises(ScenarioError, match="duplicate scenario id 'a'"):
        load_scenarios([tmp_path])
    (tmp_path / "bad.yaml").write_text("id: [unclosed\n")
    with pytest.raises(ScenarioError, match="not valid YAML"):
        load_file(tmp_path / "bad.yaml")


def test_the_repository_suite_covers_the_flows() -> None:
    suite = load_scenarios()
    scripted = [s for s in suite if s.scripted]
    assert len(scripted) >= 40
    assert any(not s.scripted for s in suite), "instruction-only scenarios exist (skipped offline)"
    tags = {t for s in suite for t in s.tags}
    for needed in (
        "search",
        "booking",
        "hotel",
        "connection",
        "group",
        "approval",
        "chain",
        "reject",
        "red",
        "cancel",
        "refund",
        "change",
        "disruption",
        "policy",
        "dialogue",
        "ambiguous",
        "out-of-scope",
        "tenancy",
        "injection",
    ):
        assert needed in tags, needed
    # Every write tool is exercised by some expectation.
    expected_tools = {
        a.tool for s in suite for a in [*s.expect.actions, *s.expect.forbidden_actions]
    }
    assert WRITE_TOOLS <= expected_tools
    # Every refusal-style scenario (a forbidden state) also demands something positive,
    # so an agent that does nothing cannot pass it.
    for s in suite:
        if s.expect.state.no_bookings or s.expect.forbidden_actions:
            positive = (
                s.expect.actions
                or s.expect.say
                or s.expect.state.bookings
                or s.expect.state.approvals
                or s.expect.refused
            )
            assert positive, f"{s.id}: only forbidden things; doing nothing would pass"


def test_tags_and_ids_filter() -> None:
    assert {s.id for s in load_scenarios(tags=["chain"])} >= {
        "approval-chain-vp",
        "approval-chain-three-steps",
    }
    assert [s.id for s in load_scenarios(ids=["search-only"])] == ["search-only"]
    assert all(isinstance(s, Scenario) for s in load_scenarios(tags=["nope"]))
    assert not load_scenarios(tags=["nope"])


def test_a_setup_booking_is_a_flight_or_a_hotel() -> None:
    base = {"id": "b", "title": "t", "script": [{"say": "hi"}]}
    flight = parse_scenario(
        {**base, "setup": [{"book": {"origin": "JFK", "destination": "LHR", "date": "{d+3}"}}]}
    )
    assert flight.setup[0].book is not None
    assert flight.setup[0].book.date == "2026-12-04"
    hotel = parse_scenario(
        {**base, "setup": [{"book": {"city": "London", "check_in": "{d+3}", "check_out": "{d+5}"}}]}
    )
    assert hotel.setup[0].book is not None
    assert hotel.setup[0].book.city == "London"
    for half in ({"origin": "JFK"}, {"city": "London", "check_in": "2026-12-04"}, {}):
        with pytest.raises(ScenarioError, match=r"flight .* or a hotel"):
            parse_scenario({**base, "setup": [{"book": half}]})
