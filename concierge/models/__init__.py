"""Model adapters behind one seam (:mod:`concierge.models.base`); which one runs is
:func:`concierge.models.factory.build_model`'s choice
(imported from there: the factory imports the planner, which imports this package's
``base``, so re-exporting it here would make ``import concierge.planner`` circular)."""

from __future__ import annotations

from concierge.models.base import ChatModel, ModelRequest, ModelResult, TextSink

__all__ = ["ChatModel", "ModelRequest", "ModelResult", "TextSink"]
