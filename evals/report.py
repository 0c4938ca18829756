"""Reports of a run: JSONL (one line per trial), a markdown summary, an HTML page.

The HTML is self-contained (inline CSS and SVG, no CDN): it opens from a CI
artefact or a laptop without a network.
"""

from __future__ import annotations

import html
import json
import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Any

from evals.runner import RunResult

THRESHOLDS_FILE = Path(__file__).parent / "thresholds.toml"


def threshold_for(model: str, path: Path = THRESHOLDS_FILE) -> float | None:
    """The pass^1 floor recorded for a model (``[models."<name>"]``, else ``[default]``)."""
    if not path.exists():
        return None
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    entry = data.get("models", {}).get(model) or data.get("default") or {}
    value = entry.get("pass_1")
    return None if value is None else float(value)


def summarize(result: RunResult) -> dict[str, Any]:
    k = result.config.k
    graded = result.graded()
    tags = sorted({t for s in result.scenarios for t in s.tags})
    by_tag = {}
    for tag in tags:
        ids = [s.id for s in result.scenarios if tag in s.tags and s.id in graded]
        if ids:
            by_tag[tag] = {
                "scenarios": len(ids),
                **{f"pass^{i}": result.pass_hat(i, ids) for i in range(1, k + 1)},
            }
    check_totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    named: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for sid, trials in graded.items():
        for trial in trials:
            for check in trial.checks:
                check_totals[check.kind][0] += check.passed
                check_totals[check.kind][1] += 1
                key = f"{sid} · {check.kind}: {check.name}"
                named[key][0] += check.passed
                named[key][1] += 1
    scenarios = []
    for scenario in result.scenarios:
        trials = result.by_scenario()[scenario.id]
        failing: dict[str, int] = defaultdict(int)
        for trial in trials:
            for check in trial.checks:
                if not check.passed:
                    failing[f"{check.kind}: {check.name}"] += 1
            if trial.error:
                failing[f"error: {trial.error}"] += 1
        n = len(trials)
        scenarios.append(
            {
                "id": scenario.id,
                "title": scenario.title,
                "tags": scenario.tags,
                "status": "skipped" if scenario.id not in graded else "graded",
                "trials": n,
                "passed": sum(t.passed for t in trials),
                "tokens": (
                    sum(t.tokens["prompt_tokens"] + t.tokens["completion_tokens"] for t in trials)
                    // n
                )
                if n
                else 0,
                "seconds": (sum(t.seconds for t in trials) / n) if n else 0.0,
                "failing": dict(failing),
                "reason": next((t.reason for t in trials if t.reason), None),
            }
        )
    return {
        "run_id": result.run_id,
        "model": result.config.model,
        "via": result.config.via,
        "k": k,
        "started_at": result.started_at.isoformat(),
        "seconds": round(result.seconds, 1),
        "scenarios": len(result.scenarios),
        "graded": len(graded),
        "skipped": result.skipped(),
        "trials": len(result.trials),
        "overall": {f"pass^{i}": result.pass_hat(i) for i in range(1, k + 1)},
        "by_tag": by_tag,
        "checks": {
            kind: {"passed": p, "total": t, "rate": p / t if t else None}
            for kind, (p, t) in sorted(check_totals.items())
        },
        "failing_checks": {
            name: {"passed": p, "total": t, "rate": p / t}
            for name, (p, t) in sorted(named.items(), key=lambda kv: kv[1][0] / kv[1][1])
            if p < t
        },
        "per_scenario": scenarios,
        "tokens_total": sum(
            t.tokens["prompt_tokens"] + t.tokens["completion_tokens"] for t in result.trials
        ),
    }


def _cell(text: str) -> str:
    """Text safe inside a markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def markdown(summary: dict[str, Any], threshold: float | None) -> str:
    k = summary["k"]
    heads = [f"pass^{i}" for i in range(1, k + 1)]
    lines = [
        f"# Evaluation run {summary['run_id']}",
        "",
        f"Model `{summary['model']}` via {summary['via']} · k={k} · {summary['graded']} scenarios graded, "
        f"{len(summary['skipped'])} skipped · {summary['trials']} trials · {summary['seconds']} s · "
        f"{summary['tokens_total']:,} tokens",
        "",
        "| " + " | ".join(heads) + " | threshold (pass^1) |",
        "|" + "---|" * (k + 1),
        "| " + " | ".join(_pct(summary["overall"][h]) for h in heads) + f" | {_pct(threshold)} |",
        "",
        "## By tag",
        "",
        "| tag | scenarios | " + " | ".join(heads) + " |",
        "|---|---|" + "---|" * k,
    ]
    for tag, row in summary["by_tag"].items():
        lines.append(
            f"| {tag} | {row['scenarios']} | " + " | ".join(_pct(row[h]) for h in heads) + " |"
        )
    lines += ["", "## Checks", "", "| check | passed | rate |", "|---|---|---|"]
    for kind, row in summary["checks"].items():
        lines.append(f"| {kind} | {row['passed']}/{row['total']} | {_pct(row['rate'])} |")
    if summary["failing_checks"]:
        lines += ["", "### Checks that failed at least once", "", "| scenario · check | passed |"]
        lines.append("|---|---|")
        for name, row in summary["failing_checks"].items():
            lines.append(f"| {_cell(name)} | {row['passed']}/{row['total']} |")
    lines += [
        "",
        "## Scenarios",
        "",
        "| scenario | tags | passed | tokens/trial | s/trial | failing checks |",
        "|---|---|---|---|---|---|",
    ]
    for row in summary["per_scenario"]:
        if row["status"] == "skipped":
            lines.append(
                f"| {row['id']} | {', '.join(row['tags'])} | skipped | | | {row['reason']} |"
            )
            continue
        failing = "<br>".join(f"{_cell(name)} (×{n})" for name, n in row["failing"].items())
        lines.append(
            f"| {row['id']} | {', '.join(row['tags'])} | {row['passed']}/{row['trials']} | "
            f"{row['tokens']:,} | {row['seconds']:.2f} | {failing} |"
        )
    return "\n".join(lines) + "\n"


def _bar_chart(rows: list[tuple[str, float | None]], width: int = 640) -> str:
    bar_h, gap, label_w = 18, 6, 180
    height = len(rows) * (bar_h + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">'
    ]
    scale = width - label_w - 60
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        v = value or 0.0
        color = "#2e7d32" if v >= 0.9 else "#f9a825" if v >= 0.6 else "#c62828"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" font-size="12">{html.escape(label)}</text>'
        )
        parts.append(f'<rect x="{label_w}" y="{y}" width="{scale}" height="{bar_h}" fill="#eee"/>')
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{scale * v:.1f}" height="{bar_h}" fill="{color}"/>'
        )
        parts.append(
            f'<text x="{label_w + scale + 6}" y="{y + 13}" font-size="12">{_pct(value)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def html_report(summary: dict[str, Any], threshold: float | None) -> str:
    k = summary["k"]
    overall = [(f"pass^{i}", summary["overall"][f"pass^{i}"]) for i in range(1, k + 1)]
    tags = [(tag, row["pass^1"]) for tag, row in summary["by_tag"].items()]
    rows = []
    for row in summary["per_scenario"]:
        failing = "<br>".join(f"{html.escape(n)} (×{c})" for n, c in row["failing"].items())
        verdict = "skipped" if row["status"] == "skipped" else f"{row['passed']}/{row['trials']}"
        cls = (
            "skip"
            if row["status"] == "skipped"
            else "ok"
            if row["passed"] == row["trials"]
            else "bad"
        )
        rows.append(
            f"<tr class={cls}><td>{html.escape(row['id'])}</td><td>{html.escape(', '.join(row['tags']))}</td>"
            f"<td>{verdict}</td><td>{row['tokens']:,}</td><td>{row['seconds']:.2f}</td>"
            f"<td>{failing or html.escape(row['reason'] or '')}</td></tr>"
        )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Evaluation {html.escape(summary["run_id"])}</title>
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #222; }}
table {{ border-collapse: collapse; margin: 1rem 0; }} td, th {{ border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }}
tr.bad td:nth-child(3) {{ color: #c62828; font-weight: bold; }} tr.ok td:nth-child(3) {{ color: #2e7d32; }} tr.skip {{ color: #888; }}
</style></head><body>
<h1>Evaluation {html.escape(summary["run_id"])}</h1>
<p>Model <code>{html.escape(summary["model"])}</code> via {html.escape(summary["via"])} · k={k} ·
{summary["graded"]} scenarios graded, {len(summary["skipped"])} skipped · {summary["trials"]} trials ·
{summary["seconds"]} s · threshold pass^1 {_pct(threshold)}</p>
<h2>Overall</h2>{_bar_chart(overall)}
<h2>pass^1 by tag</h2>{_bar_chart(tags)}
<h2>Scenarios</h2>
<table><tr><th>scenario</th><th>tags</th><th>passed</th><th>tokens/trial</th><th>s/trial</th><th>failing checks</th></tr>
{"".join(rows)}</table>
</body></html>
"""


def write_reports(result: RunResult, threshold: float | None) -> dict[str, Any]:
    """results.jsonl, summary.json, summary.md and report.html in the run's directory."""
    out = result.out_dir
    with (out / "results.jsonl").open("w", encoding="utf-8") as fh:
        for trial in result.trials:
            fh.write(json.dumps(trial.to_json(), default=str) + "\n")
    summary = summarize(result)
    summary["threshold_pass_1"] = threshold
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str), encoding="utf-8")
    (out / "summary.md").write_text(markdown(summary, threshold), encoding="utf-8")
    (out / "report.html").write_text(html_report(summary, threshold), encoding="utf-8")
    return summary
