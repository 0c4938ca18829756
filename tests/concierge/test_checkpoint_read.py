"""A turn's checkpoint is read once (concierge.checkpoint.TurnRead, issue 15 perf28).

The read before `start` is kept for the graph's run; a write forgets it; the kept tuple
has its own version maps, so what the first reader (``aget_state`` with a step's pending
writes) writes into its copy is not what the run begins from.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Any

from langgraph.checkpoint.base import empty_checkpoint

from concierge.checkpoint import TurnRead, open_checkpointer, with_turn_read
from core.config import Settings


async def _saver(stack: AsyncExitStack) -> Any:
    settings = Settings(env="test", database_url="sqlite+aiosqlite:///:memory:", redis_url=None)
    return await open_checkpointer(settings, stack)


async def test_the_latest_checkpoint_is_read_once_a_turn_and_a_write_forgets_it() -> None:
    async with AsyncExitStack() as stack:
        saver = await _saver(stack)
        base = {"configurable": {"thread_id": "th_once", "checkpoint_ns": ""}}
        checkpoint = empty_checkpoint()
        checkpoint["channel_versions"] = {"messages": "1"}
        checkpoint["versions_seen"] = {"agent": {"messages": "1"}}
        await saver.aput(base, checkpoint, {"step": 0}, {"messages": "1"})

        read = TurnRead()
        config = with_turn_read(base, read)
        first = await saver.aget_tuple(config)
        assert first is not None
        assert read.reused == 0
        # aget_state's apply_writes writes into the first reader's maps ...
        first.checkpoint["versions_seen"]["agent"]["messages"] = "2"
        first.checkpoint["channel_versions"]["messages"] = "2"
        second = await saver.aget_tuple(config)
        assert read.reused == 1
        assert second is not None
        # ... not into what the run begins from.
        assert second.checkpoint["versions_seen"] == {"agent": {"messages": "1"}}
        assert second.checkpoint["channel_versions"] == {"messages": "1"}
        assert second.checkpoint["id"] == first.checkpoint["id"]

        # Taken once: the next read is the database's again, and a write drops a kept read.
        third = await saver.aget_tuple(config)
        assert read.reused == 1
        assert third is not None
        newer = empty_checkpoint()
        await saver.aput(config, newer, {"step": 1}, {})
        after = await saver.aget_tuple(config)
        assert read.reused == 1
        assert after is not None
        assert after.checkpoint["id"] == newer["id"]

        # A read of a named checkpoint, or without a TurnRead, keeps nothing.
        named = with_turn_read(
            {"configurable": {**base["configurable"], "checkpoint_id": newer["id"]}}, TurnRead()
        )
        await saver.aget_tuple(named)
        assert named["configurable"]["__concierge_turn_read"].saved is None
        assert (await saver.aget_tuple(base)) is not None
