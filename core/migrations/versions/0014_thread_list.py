"""thread list: soft delete and the activity index

``threads.deleted_at``: a conversation its owner deleted (soft: the checkpoint and the
usage rows stay). The index on (org_id, user_id, updated_at) gains ``id`` so that
``GET /v1/threads`` pages by (last activity, id) on the index alone.

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-04 15:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("threads", sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    op.drop_index("ix_threads_org_user", table_name="threads")
    op.create_index(
        "ix_threads_org_user_activity",
        "threads",
        ["org_id", "user_id", "updated_at", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_threads_org_user_activity", table_name="threads")
    op.create_index(
        "ix_threads_org_user", "threads", ["org_id", "user_id", "updated_at"], unique=False
    )
    op.drop_column("threads", "deleted_at")
