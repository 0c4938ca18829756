"""Stateful local fakes of outside services, served over real HTTP for tests and dev mode."""

from tests.fakes.stripe_fake import StripeFake, stripe_fake

__all__ = ["StripeFake", "stripe_fake"]
