"""`concierge eval` end to end: reports on disk, threshold exit status, HTTP mode."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()

FAILING = """
id: impossible
title: Expects a booking nobody asked for
tags: [demo]
script:
  - say: "what's the hotel cap in London?"
expect:
  state:
    bookings: [{traveler: ava, status: confirmed}]
"""


def only_run(out: Path) -> Path:
    (run_dir,) = [p for p in out.iterdir() if p.is_dir() and p.name != "cache"]
    return run_dir


def test_eval_writes_jsonl_markdown_and_html(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "eval",
            "--scenario",
            "search-only",
            "--k",
            "2",
            "--concurrency",
            "1",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    run_dir = only_run(tmp_path)
    lines = [json.loads(line) for line in (run_dir / "results.jsonl").read_text().splitlines()]
    assert [(r["scenario"], r["trial"], r["status"]) for r in lines] == [
        ("search-only", 0, "passed"),
        ("search-only", 1, "passed"),
    ]
    first = lines[0]
    assert first["transcript"][0]["sent"] == {
        "message": "What flights are there from New York to London on Dec 18?"
    }
    assert first["tool_calls"][0]["name"] == "search_flights"
    assert first["tokens"]["prompt_tokens"] > 0
    assert first["latency_ms"]
    summary = (run_dir / "summary.md").read_text()
    assert "pass^1" in summary
    assert "pass^2" in summary
    assert "| search |" in summary
    page = (run_dir / "report.html").read_text()
    assert "<svg" in page
    assert "http" not in page.split("<body>")[1].replace("http://www.w3.org/2000/svg", "")


def test_eval_exits_non_zero_under_the_threshold(tmp_path: Path) -> None:
    scenario = tmp_path / "failing.yaml"
    scenario.write_text(FAILING)
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "eval",
            "--scenarios",
            str(scenario),
            "--k",
            "1",
            "--concurrency",
            "1",
            "--threshold",
            "0.5",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 1, result.output
    assert "under the threshold" in result.output
    data = json.loads((only_run(out) / "summary.json").read_text())
    assert data["overall"]["pass^1"] == 0.0
    assert data["checks"]["state"]["rate"] == 0.0
    assert [name.split(" · ")[0] for name in data["failing_checks"]] == ["impossible"]
    assert "Checks that failed at least once" in (only_run(out) / "summary.md").read_text()


def test_instruction_only_scenarios_are_skipped_offline_not_passed(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["eval", "--tags", "simulated", "--k", "1", "--concurrency", "1", "--out", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    data = json.loads((only_run(tmp_path) / "summary.json").read_text())
    assert data["graded"] == 0
    assert len(data["skipped"]) >= 3
    assert data["overall"]["pass^1"] is None
    statuses = {
        json.loads(line)["status"]
        for line in (only_run(tmp_path) / "results.jsonl").read_text().splitlines()
    }
    assert statuses == {"skipped"}


def test_eval_over_http_in_worker_processes(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "eval",
            "--scenario",
            "book-flight-direct",
            "--scenario",
            "other-org-booking-details",
            "--k",
            "1",
            "--via",
            "http",
            "--concurrency",
            "2",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = [
        json.loads(line) for line in (only_run(tmp_path) / "results.jsonl").read_text().splitlines()
    ]
    assert {r["scenario"]: r["status"] for r in lines} == {
        "book-flight-direct": "passed",
        "other-org-booking-details": "passed",
    }
    booked = next(r for r in lines if r["scenario"] == "book-flight-direct")
    # Over the wire the confirmation is a data-confirmation part answered with {confirm}.
    assert booked["transcript"][2]["sent"] == {"confirm": True}
    assert booked["final_state"]["bookings"][0]["status"] == "confirmed"
