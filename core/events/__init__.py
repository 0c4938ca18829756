"""Live events: the caller's booking, approval, disruption and hold-expiry changes as
they happen (``GET /v1/events``).

The outbox is the feed: every change already writes its event row in its own
transaction, with an id that only grows, so the stream reads rows past the client's
last id (``feed.py``), never past an id a transaction may still commit (``horizon.py``),
and ``Last-Event-ID`` resumes exactly where it stopped. What
wakes a stream (``wakeups.py``) is only a hint to read now: a commit in this process
wakes its streams directly; Redis pub/sub carries the hint to every other process; with
no Redis (or while it is down) each stream reads every ``events_poll_seconds``.
"""
