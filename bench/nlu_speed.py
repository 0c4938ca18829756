"""Time per ``understand()`` call of the offline planner's language readers.

Runs every phrasing of the NLU test batches (``tests/concierge/test_nlu_heldout.py``
and ``tests/concierge/test_planner_nlu.py``) through ``understand`` with its cache
cleared, in a child process per checkout, and prints ms per call and the ratio::

    python bench/nlu_speed.py                         # this checkout only
    python bench/nlu_speed.py --baseline /work/main   # this checkout vs another one

The phrasings come from THIS checkout, so both sides read the same texts.
"""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent

_CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from datetime import UTC, datetime
import importlib, pkgutil
import concierge.planner.nlu as nlu_pkg
from concierge.planner.nlu import intents
from core.catalogue import places as catalogue_places
mods = [importlib.import_module(f"concierge.planner.nlu.{m.name}") for m in pkgutil.iter_modules(nlu_pkg.__path__)]
caches = [f for mod in mods + [catalogue_places] for f in vars(mod).values() if hasattr(f, "cache_clear")]
texts = json.load(sys.stdin)
now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
for t in texts[:5]:  # warm imports and lazy tables
    intents.understand(t, now)
best = None
for _ in range(int(sys.argv[2])):
    for f in caches:  # every reader's memo, so each pass reads cold
        if f.__name__ not in {"_aliases", "_world_cities"}:  # built once per process
            f.cache_clear()
    start = time.perf_counter()
    for t in texts:
        intents.understand(t, now, month_first=True)
        intents.understand(t, now, month_first=False)
    took = (time.perf_counter() - start) / (2 * len(texts))
    best = took if best is None else min(best, took)
print(json.dumps({"ms": best * 1000, "n": len(texts)}))
"""


def _texts() -> list[str]:
    """Every string literal that starts a test row in the two NLU test files."""
    out: list[str] = []
    for name in ("test_nlu_heldout.py", "test_planner_nlu.py"):
        tree = ast.parse((HERE / "tests" / "concierge" / name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Tuple) and node.elts:
                first = node.elts[0]
                if (
                    isinstance(first, ast.Constant)
                    and isinstance(first.value, str)
                    and len(node.elts) >= 2
                ):
                    out.append(first.value)
    return list(dict.fromkeys(out))


def _run(repo: Path, texts: list[str], repeat: int) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(repo), str(repeat)],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        cwd=repo,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline", type=Path, help="another checkout to compare against")
    parser.add_argument("--repeat", type=int, default=3, help="best of N passes (default 3)")
    args = parser.parse_args()
    texts = _texts()
    ours = _run(HERE, texts, args.repeat)
    print(
        f"this checkout: {ours['ms']:.2f} ms per understand() over {ours['n']} phrasings x 2 date orders"
    )
    if args.baseline:
        base = _run(args.baseline.resolve(), texts, args.repeat)
        print(f"baseline {args.baseline}: {base['ms']:.2f} ms per call")
        print(f"ratio (this / baseline): {ours['ms'] / base['ms']:.2f}x")


if __name__ == "__main__":
    main()
