"""Model adapters behind one seam (:mod:`concierge.models.base`)."""

from __future__ import annotations

from concierge.models.base import ChatModel, ModelRequest, ModelResult, TextSink
from core.config import Settings


def build_model(settings: Settings) -> ChatModel:
    """``CONCIERGE_MODEL=local`` → the deterministic offline planner; anything else is
    a model name on the OpenAI-compatible endpoint (``CONCIERGE_OPENAI_BASE_URL``)."""
    if settings.model == "local":
        # Imported lazily: the planner pulls in its NLU tables, the endpoint path does not.
        from concierge.planner import OfflinePlanner

        planner: ChatModel = OfflinePlanner()
        return planner
    from concierge.models.openai_model import OpenAIChatModel

    return OpenAIChatModel.from_settings(settings)


__all__ = ["ChatModel", "ModelRequest", "ModelResult", "TextSink", "build_model"]
