"""Periodic jobs: the scheduler (:class:`JobRunner`, runner.py), the standard jobs
(builtin.py), and hooks for running them inside the API process (inprocess.py).
"""

from core.jobs.builtin import default_jobs
from core.jobs.inprocess import start_in_process, stop_in_process
from core.jobs.runner import Job, JobRunner, TickOutcome, claim_tick, default_owner

__all__ = [
    "Job",
    "JobRunner",
    "TickOutcome",
    "claim_tick",
    "default_jobs",
    "default_owner",
    "start_in_process",
    "stop_in_process",
]
