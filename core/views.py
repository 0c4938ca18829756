"""What every typed view of the core is made of.

A view is what the core answers about its rows: a pydantic model the API returns as
JSON (``model_dump(mode="json")``), the tools trim for a prompt and the core's own
flows read by attribute. Its JSON is the HTTP contract (DESIGN §6), so two rules hold
for every view:

* times are UTC and read ``2026-12-18T09:00:00Z`` in JSON (:data:`UtcTime`; the
  finance answers keep ``+00:00``, :data:`OffsetTime`), dates ``2026-12-18``, money
  :class:`core.money.Money`; a time on a place's own clock (a departure at its airport)
  is a :data:`LocalTime`, ``2026-12-18T08:05:00-05:00``, always next to its UTC instant;
* a field the contract shows only when it applies (``approval_id``, ``refund``…) is
  declared with :func:`shown_when_set` and left out of the JSON while it is empty.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from core.clock import utc


def iso_z(moment: datetime) -> str:
    """``2026-12-18T09:00:00Z``: a UTC instant as every JSON answer writes it."""
    return utc(moment).isoformat().replace("+00:00", "Z")


#: A UTC instant; a ``datetime`` in Python, ``…Z`` in JSON.
UtcTime = Annotated[datetime, PlainSerializer(iso_z, return_type=str, when_used="json")]

#: A UTC instant written with its offset (``…+00:00``): the finance answers' form,
#: older than the ``Z`` of the rest and kept so that their JSON does not change.
OffsetTime = Annotated[
    datetime, PlainSerializer(datetime.isoformat, return_type=str, when_used="json")
]


def iso_local(moment: datetime) -> str:
    """``2026-12-18T08:05:00-05:00``: a wall-clock time with its UTC offset."""
    if moment.tzinfo is None:
        raise ValueError("a local time needs its zone")
    return moment.isoformat()


#: A time on a place's clock (an airport's, a hotel's), with the UTC offset it had then.
LocalTime = Annotated[datetime, PlainSerializer(iso_local, return_type=str, when_used="json")]


def _is_none(value: Any) -> bool:
    return value is None


def _is_empty(value: Any) -> bool:
    return not value


def shown_when_set(*, default_factory: Any = None) -> Any:
    """A field that appears in the JSON only when it has a value: not None or, for a
    collection with a ``default_factory`` (``list``), not empty."""
    if default_factory is not None:
        return Field(default_factory=default_factory, exclude_if=_is_empty)
    return Field(default=None, exclude_if=_is_none)


class View(BaseModel):
    """Base of the core's views: built by the core, read-only afterwards."""

    model_config = ConfigDict(frozen=True)
