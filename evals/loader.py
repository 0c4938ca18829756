"""Load scenarios from YAML and resolve their clock-relative dates."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from evals.schema import DEFAULT_CLOCK, Scenario

SCENARIO_DIR = Path(__file__).parent / "scenarios"

_DATE = re.compile(r"\{d(?P<offset>[+-]\d+)?(?::(?P<fmt>[^}]*))?\}")


class ScenarioError(ValueError):
    """A scenario file that does not load; the message names the file and the field."""


def format_day(day: date, fmt: str | None) -> str:
    if not fmt:
        return day.isoformat()
    # "%-d" (no leading zero) is not portable; spell it out ourselves.
    return day.strftime(fmt.replace("%-d", str(day.day)))


def render_dates(value: Any, today: date) -> Any:
    """Replace ``{d+N}`` / ``{d+N:fmt}`` in every string of ``value`` (recursively)."""
    if isinstance(value, str):
        return _DATE.sub(
            lambda m: format_day(today + timedelta(days=int(m["offset"] or 0)), m["fmt"]), value
        )
    if isinstance(value, list):
        return [render_dates(v, today) for v in value]
    if isinstance(value, dict):
        return {k: render_dates(v, today) for k, v in value.items()}
    return value


def _clock_of(raw: dict[str, Any]) -> datetime:
    clock = raw.get("clock")
    if clock is None:
        return DEFAULT_CLOCK
    if isinstance(clock, datetime):
        return clock
    return datetime.fromisoformat(str(clock).replace("Z", "+00:00"))


def parse_scenario(raw: Any, *, source: str = "<scenario>", today: date | None = None) -> Scenario:
    """Validate one scenario. ``today`` replaces its clock's date for the relative
    dates (a running server keeps its own clock)."""
    if not isinstance(raw, dict):
        raise ScenarioError(f"{source}: a scenario is a mapping, got {type(raw).__name__}")
    try:
        today = today or _clock_of(raw).date()
        return Scenario.model_validate(render_dates(raw, today))
    except (ValidationError, ValueError) as exc:
        raise ScenarioError(f"{source}: {exc}") from exc


def load_file(path: Path, *, today: date | None = None) -> list[Scenario]:
    """A file holds one scenario, or several as a YAML stream (``---``) or a list."""
    try:
        documents = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML: {exc}") from exc
    raws = [raw for doc in documents for raw in (doc if isinstance(doc, list) else [doc])]
    out: list[Scenario] = []
    for i, raw in enumerate(raws):
        name = raw.get("id") if isinstance(raw, dict) else None
        out.append(
            parse_scenario(raw, source=f"{path.name} #{i + 1} ({name or 'no id'})", today=today)
        )
    return out


def load_scenarios(
    paths: Iterable[Path] | None = None,
    *,
    tags: Iterable[str] | None = None,
    ids: Iterable[str] | None = None,
    today: date | None = None,
) -> list[Scenario]:
    """Every scenario under ``paths`` (default: ``evals/scenarios``), filtered.

    ``tags``: keep scenarios with any of them; ``ids``: keep these ids (prefix match).
    Duplicate ids are an error: results are keyed by id.
    """
    files: list[Path] = []
    for p in paths or [SCENARIO_DIR]:
        files.extend(sorted(p.rglob("*.yaml")) if p.is_dir() else [p])
    scenarios: list[Scenario] = []
    seen: dict[str, Path] = {}
    for file in files:
        for scenario in load_file(file, today=today):
            if scenario.id in seen:
                raise ScenarioError(
                    f"{file.name}: duplicate scenario id {scenario.id!r} (also in {seen[scenario.id].name})"
                )
            seen[scenario.id] = file
            scenarios.append(scenario)
    wanted_tags = set(tags or [])
    if wanted_tags:
        scenarios = [s for s in scenarios if wanted_tags & set(s.tags)]
    wanted_ids = list(ids or [])
    if wanted_ids:
        scenarios = [s for s in scenarios if any(s.id.startswith(w) for w in wanted_ids)]
    return scenarios
