"""The planner's phrase tables: the YAML files of ``concierge/planner/nlu/data``."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

# libyaml's safe parser where PyYAML has it (about 10x faster than the pure-Python one;
# every process, server or test worker, reads these tables at its first turn).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

@cache
def load(name: str) -> dict[str, Any]:
    """``data/<name>.yaml``, parsed once per process (callers must not change it)."""
    raw: dict[str, Any] = yaml.load(
        resources.files("concierge.planner.nlu")
        .joinpath("data")
        .joinpath(f"{name}.yaml")
        .read_text("utf-8"),
        Loader=_Loader,
    )
    return raw
