"""The simulated user (tau-bench rules) on a stub chat endpoint: what it is told,
how roles are flipped, the stop token, and a whole instruction-only trial."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from core.config import Settings
from evals.simuser import STOP, SimulatedUser
from tests.evals.conftest import run_scenarios


class StubEndpoint:
    """Answers chat completions from a list, and records what it was sent."""

    def __init__(self, replies: list[str]) -> None:
        self.replies = list(replies)
        self.sent: list[list[dict[str, str]]] = []
        self.chat = SimpleNamespace(completions=self)
        self.closed = False

    async def create(self, *, model: str, messages: list[dict[str, str]]) -> Any:
        self.sent.append([dict(m) for m in messages])
        content = self.replies.pop(0)
        return SimpleNamespace(choices=[SimpleNamespace(message=SimpleNamespace(content=content))])

    async def close(self) -> None:
        self.closed = True


async def test_the_user_is_told_the_rules_and_stops_on_the_token() -> None:
    endpoint = StubEndpoint(["I need a flight to London.", f"Thanks, that's all. {STOP}"])
    user = SimulatedUser(endpoint, "stub", "You are Ava. Fly to London on Dec 18.")
    assert await user.next_message("") == "I need a flight to London."
    system = endpoint.sent[0][0]
    assert system["role"] == "system"
    assert "Never invent information" in system["content"]
    assert "gradually" in system["content"]
    assert "Fly to London on Dec 18." in system["content"]
    # The concierge's words reach the simulator as the "user"; its own as "assistant".
    assert await user.next_message("Which date?") is None
    assert [m["role"] for m in endpoint.sent[1]] == ["system", "user", "assistant", "user"]
    assert endpoint.sent[1][-1]["content"] == "Which date?"
    await user.aclose()
    assert endpoint.closed


async def test_an_instruction_only_scenario_runs_with_a_simulated_user(tmp_path: Path) -> None:
    replies = [
        "I need to be in London for the Dec 18–22 offsite, book me a flight and a hotel",
        "option 1",
        "hotel 1",
        "yes",
        STOP,
    ]
    endpoints: list[StubEndpoint] = []

    def user_factory(settings: Settings, instruction: str) -> SimulatedUser:
        endpoints.append(StubEndpoint(replies))
        return SimulatedUser(endpoints[-1], "stub", instruction)

    result = await run_scenarios(
        tmp_path, "sim-offsite-flight-and-hotel", user_factory=user_factory
    )
    (trial,) = result.trials
    assert trial.status == "passed", [
        c.to_json() for c in trial.checks if not c.passed
    ] or trial.error
    assert [t.sent["message"] for t in trial.turns] == replies[:-1]
    assert "cheapest direct economy flight" in endpoints[0].sent[0][0]["content"]
