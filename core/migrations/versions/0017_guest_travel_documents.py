"""a guest passenger's passport, on the booking's passenger

A guest (a passenger named by name, not a person of the organization) has no traveller
profile, so their passport lives on their ``passengers`` row: the number encrypted
exactly as a profile's (``passport_token``, a ``pii1`` token bound to the passenger) with
its mask beside it (``passport_masked``), the issuing country, nationality, expiry and,
optionally, the date of birth. All of it or none of it (``guest_passport_complete``), and
only on a guest (``guest_passport_only``): a colleague's passports stay on their profile.

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-04 20:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COMPLETE = (
    "(passport_token IS NULL) = (passport_masked IS NULL) "
    "AND (passport_token IS NULL) = (passport_issuing_country IS NULL) "
    "AND (passport_token IS NULL) = (passport_nationality IS NULL) "
    "AND (passport_token IS NULL) = (passport_expires_on IS NULL)"
)
GUEST_ONLY = "passport_token IS NULL OR user_id IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("passengers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("passport_token", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("passport_masked", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("passport_issuing_country", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("passport_nationality", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("passport_expires_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("date_of_birth", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("document_updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(op.f("ck_passengers_guest_passport_complete"), sa.text(COMPLETE))
        batch_op.create_check_constraint(op.f("ck_passengers_guest_passport_only"), sa.text(GUEST_ONLY))


def downgrade() -> None:
    with op.batch_alter_table("passengers", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_passengers_guest_passport_only"), type_="check")
        batch_op.drop_constraint(op.f("ck_passengers_guest_passport_complete"), type_="check")
        batch_op.drop_column("document_updated_at")
        batch_op.drop_column("date_of_birth")
        batch_op.drop_column("passport_expires_on")
        batch_op.drop_column("passport_nationality")
        batch_op.drop_column("passport_issuing_country")
        batch_op.drop_column("passport_masked")
        batch_op.drop_column("passport_token")
