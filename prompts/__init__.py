"""Prompt texts as markdown files, loaded by name. No logic lives here.

Placeholders are ``$name`` (``string.Template``), so JSON braces and markdown in a
prompt need no escaping.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from string import Template
from typing import Any


@lru_cache(maxsize=32)
def load(name: str) -> str:
    """The text of ``prompts/<name>.md``."""
    resource = resources.files(__name__).joinpath(f"{name}.md")
    if not resource.is_file():
        raise KeyError(f"no prompt named {name!r}")
    return resource.read_text(encoding="utf-8")


def render(name: str, **values: Any) -> str:
    """``load(name)`` with ``$placeholders`` filled; a missing value is an error."""
    return Template(load(name)).substitute({k: str(v) for k, v in values.items()})
