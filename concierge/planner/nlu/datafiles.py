"""The planner's phrase tables: the YAML files of ``concierge/planner/nlu/data``."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load(name: str) -> dict[str, Any]:
    """``data/<name>.yaml``, parsed once per process (callers must not change it)."""
    raw: dict[str, Any] = yaml.safe_load(
        resources.files("concierge.planner.nlu")
        .joinpath("data")
        .joinpath(f"{name}.yaml")
        .read_text("utf-8")
    )
    return raw
