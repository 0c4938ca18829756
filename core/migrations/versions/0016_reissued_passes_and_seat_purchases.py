"""re-issued boarding passes and seats bought on confirmed bookings

``boarding_passes.superseded_at`` / ``superseded_by``: a pass re-issued after a seat
change is kept as printed and points at its successor. The unique constraint on
``segment_passenger_id`` becomes a partial unique index over the current passes only
(``superseded_at IS NULL``), on SQLite and PostgreSQL alike.
``booking_changes.seats``: a seat purchase's assignments (kind ``seats``).

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-04 18:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CURRENT = sa.text("superseded_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("boarding_passes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("superseded_by", sa.String(length=16), nullable=True))
        batch_op.drop_constraint("boarding_pass_segment_passenger", type_="unique")
    op.create_index(
        "boarding_pass_current",
        "boarding_passes",
        ["segment_passenger_id"],
        unique=True,
        sqlite_where=_CURRENT,
        postgresql_where=_CURRENT,
    )
    with op.batch_alter_table("booking_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seats", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("booking_changes", schema=None) as batch_op:
        batch_op.drop_column("seats")
    op.drop_index("boarding_pass_current", table_name="boarding_passes")
    op.execute("DELETE FROM boarding_passes WHERE superseded_at IS NOT NULL")
    with op.batch_alter_table("boarding_passes", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "boarding_pass_segment_passenger", ["segment_passenger_id"]
        )
        batch_op.drop_column("superseded_by")
        batch_op.drop_column("superseded_at")
