"""One template SQLite file per world, seeded once per session; each case copies it."""

from __future__ import annotations

import pytest

from tests.concierge.heldout.harness import World, all_batches, build_worlds, load_batch


@pytest.fixture(scope="session")
def heldout_worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, World]:
    names = {c.world for p in all_batches() for c in load_batch(p)}
    return build_worlds(tmp_path_factory.mktemp("heldout-worlds"), names)
