"""The planner's state as JSON, carried on each final reply so the next call resumes from it.

``plan`` stores ``dump(state)`` in the final ``AIMessage``'s ``additional_kwargs``
(checkpointed with the thread like every message) and, on the next call, restores
it and reads only the turns after it, instead of replaying every past turn. A
thread without it (older threads, a reply written by another model) falls back to
the replay. The encoding follows the dataclasses' own fields and type hints, so a
field added to ``State`` or ``Draft`` travels without touching this module; fields
at their default are left out. Anything that does not read back is a miss (the
caller replays), never an error.
"""

from __future__ import annotations

import dataclasses
import logging
import types
from datetime import date
from enum import Enum
from functools import cache
from typing import Any, Union, get_args, get_origin, get_type_hints

from concierge.planner.state import OPTION_LISTS, State

log = logging.getLogger(__name__)

STATE_KEY = "concierge_planner"
VERSION = 1  # bump when a field changes meaning: older snapshots are then replayed


class _Unreadable(ValueError):
    pass


# Lists shown that are a search's own options (``OPTION_LISTS``) are stored once, as a
# reference.


def dump(state: State) -> dict[str, Any] | None:
    """``state`` as a JSON-serialisable dict; None (and the next call replays) if some
    field holds what JSON can't carry."""
    try:
        return _dump(state)
    except _Unreadable as exc:
        log.warning("planner state not stored, the next call replays: %s", exc)
        return None


def _dump(state: State) -> dict[str, Any]:
    encoded = _encode(state)
    for kind in OPTION_LISTS:
        shown, output = state.shown.get(kind), getattr(state, kind)
        if shown is not None and output is not None and shown.items == output.get("options"):
            encoded["shown"][kind]["items"] = f"={kind}"
    return {"v": VERSION, "state": encoded}


def load(data: Any) -> State | None:
    """The state ``dump`` wrote, or None if ``data`` is not one this code can read."""
    if not isinstance(data, dict) or data.get("v") != VERSION:
        return None
    try:
        encoded = dict(data["state"])
        shown = {k: dict(v) for k, v in (encoded.get("shown") or {}).items()}
        for kind in OPTION_LISTS:
            if kind in shown and shown[kind].get("items") == f"={kind}":
                shown[kind]["items"] = list((encoded.get(kind) or {})["options"])
        if shown:
            encoded["shown"] = shown
        state = _decode(State, encoded)
    except (_Unreadable, TypeError, ValueError, KeyError) as exc:
        log.debug("planner snapshot not readable (%s): replaying", exc)
        return None
    return state if isinstance(state, State) else None


#: Leaves JSON carries as they are (exact types: an enum of str or int is not one). Tested
#: first: nearly every value in a state is one of these, inside a search's options.
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _encode(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    # A plain leaf is kept without a call of its own: a search's options are thousands.
    if kind is dict:
        return {
            k if type(k) is str else str(k): v if type(v) in _PLAIN else _encode(v)
            for k, v in value.items()
        }
    if kind is list:
        return [v if type(v) in _PLAIN else _encode(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if item != _default(type(value), f.name):
                out[f.name] = _encode(item)
        return out
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, set | frozenset):
        return [_encode(v) for v in sorted(value, key=repr)]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise _Unreadable(f"cannot store a {type(value).__name__}")


_MISSING = object()


def _default(cls: type, name: str) -> Any:
    return _defaults(cls).get(name, _MISSING)


@cache
def _defaults(cls: type) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            out[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            out[f.name] = f.default_factory()
    return out


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _decode(tp: Any, value: Any) -> Any:
    if tp is Any:
        return value
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in get_args(tp):
            return None
        for arg in get_args(tp):
            if arg is type(None):
                continue
            try:
                return _decode(arg, value)
            except (_Unreadable, TypeError, ValueError, KeyError):
                continue
        raise _Unreadable(f"{value!r} is none of {tp}")
    if origin is dict:
        if not isinstance(value, dict):
            raise _Unreadable("not an object")
        _, item = get_args(tp) or (str, Any)
        return {k: _decode(item, v) for k, v in value.items()}
    if origin in (list, tuple, set, frozenset):
        if not isinstance(value, list):
            raise _Unreadable("not a list")
        args = get_args(tp)
        item = args[0] if args else Any
        decoded = [_decode(item, v) for v in value]
        return decoded if origin is list else origin(decoded)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise _Unreadable(f"not a {tp.__name__}")
        hints = _hints(tp)
        known = {f.name for f in dataclasses.fields(tp) if f.init}
        return tp(**{k: _decode(hints[k], v) for k, v in value.items() if k in known})
    if tp is date:
        if not isinstance(value, str):
            raise _Unreadable("not a date")
        return date.fromisoformat(value)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(value)
    if tp is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if tp in (str, int, bool) and type(value) is tp:
        return value
    raise _Unreadable(f"{value!r} is not a {tp}")
