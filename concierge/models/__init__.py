"""Model adapters behind one seam (:mod:`concierge.models.base`); which one runs is
:func:`concierge.models.factory.build_model`'s choice."""

from __future__ import annotations

from concierge.models.base import ChatModel, ModelRequest, ModelResult, TextSink
from concierge.models.factory import build_model

__all__ = ["ChatModel", "ModelRequest", "ModelResult", "TextSink", "build_model"]
