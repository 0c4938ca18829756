"""Spend analytics (see spend.py)."""

from core.analytics.spend import PERIODS, cached_spend_summary, period_days, spend_summary

__all__ = ["PERIODS", "cached_spend_summary", "period_days", "spend_summary"]
