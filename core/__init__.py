"""Transactional booking core: the only place that decides.

Nothing here imports FastAPI, LangGraph, Slack or OpenAI (import-linter checks it).
"""
