"""a trip's purpose and its conversation

``bookings.purpose``: what the traveller says the trip is for; the approver sees it
with the request. ``bookings.thread_id``: the conversation the trip was confirmed (or
sent for approval) from, where the approver's decision is told.

Revision ID: 0015
Revises: 0016
Create Date: 2026-12-04 19:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.add_column(sa.Column("purpose", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("thread_id", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.drop_column("thread_id")
        batch.drop_column("purpose")
