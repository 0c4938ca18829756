"""Which model adapter a deployment runs (``CONCIERGE_MODEL``)."""

from __future__ import annotations

from concierge.models.base import ChatModel
from concierge.models.openai_model import OpenAIChatModel
from concierge.planner import OfflinePlanner
from core.config import Settings


def build_model(settings: Settings) -> ChatModel:
    """``CONCIERGE_MODEL=local`` → the deterministic offline planner; anything else is
    a model name on the OpenAI-compatible endpoint (``CONCIERGE_OPENAI_BASE_URL``)."""
    if settings.model == "local":
        planner: ChatModel = OfflinePlanner()
        return planner
    return OpenAIChatModel.from_settings(settings)
