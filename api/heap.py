"""Short full garbage collections in a serving process: long-lived objects frozen.

A serving process holds ~0.4-0.5 M long-lived objects (modules, the airports table,
the agent's graph, compiled patterns, the ORM's caches). CPython's full collection
scans every one of them, with the event loop stopped: at 40 chat users on one process
that was 200-500 ms each time, several times a run, and every stream waiting on the
loop — ``start`` included — waited that long (issue 15, measured with a ``gc.callbacks``
timer). ``gc.freeze()`` moves what exists now into a permanent generation the collector
no longer scans; reference counting still frees those objects, only a cycle among them
is never collected (what is frozen is long-lived by construction).

:func:`freeze_at_startup` runs in the lifespan of a process that serves (after one full
collection, before the first request). What loads lazily (the agent on the first turn,
the tables a planner first reads, caches that fill) is frozen by :class:`HeapFreezer`
after the 1st, 2nd, 4th, … 512th turn of the process: ``gc.freeze()`` is a constant-time
list splice, and ten of them in a process's life freeze at most the cyclic garbage of
those ten moments.
"""

from __future__ import annotations

import gc

#: The process's turn counts after which what exists is frozen.
FREEZE_AFTER_TURNS = frozenset(2**k for k in range(10))


def freeze_at_startup() -> None:
    gc.collect()
    gc.freeze()


class HeapFreezer:
    """Counts a process's finished turns and freezes the heap at ``FREEZE_AFTER_TURNS``."""

    def __init__(self) -> None:
        self.turns = 0

    def turn_finished(self) -> None:
        self.turns += 1
        if self.turns in FREEZE_AFTER_TURNS:
            gc.freeze()
