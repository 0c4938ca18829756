"""Collected only by tests/test_backends_only.py (the name is not ``test_*.py``): a module
with both kinds of test ``tests.conftest.uses_backends`` tells apart, and nothing heavy to
import, so collecting it in a subprocess is cheap."""

from __future__ import annotations

import pytest

from core.config import Settings
from core.db import Database
from core.runtime import Runtime


@pytest.fixture
def world(runtime: Runtime) -> Runtime:
    return runtime


@pytest.mark.parametrize("n", [1, 2])
def test_pure(n: int) -> None:  # no service: left out of the second pass
    assert n


def test_on_the_settings(settings: Settings) -> None:  # they name the service URLs
    assert settings.database_url


async def test_on_the_database(database: Database) -> None:
    assert database.url


async def test_on_a_fixture_on_the_runtime(world: Runtime) -> None:
    assert world.db
