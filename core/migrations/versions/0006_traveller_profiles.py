"""traveller profiles: personal details, loyalty memberships, travel documents

Numbers are stored as ciphertext tokens with their mask beside them (see
core/travellers/crypto.py); no column holds one in clear. The seat preference moves
out of ``users.preferences`` (``{"seat": "aisle"}``) into ``traveller_details``.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEATS = ('aisle', 'window')

users = sa.table(
    'users',
    sa.column('id', sa.String),
    sa.column('org_id', sa.String),
    sa.column('preferences', sa.JSON),
)
details = sa.table(
    'traveller_details',
    sa.column('user_id', sa.String),
    sa.column('org_id', sa.String),
    sa.column('seat_preference', sa.String),
    sa.column('updated_at', sa.DateTime(timezone=True)),
    sa.column('updated_by', sa.String),
)


def upgrade() -> None:
    op.create_table('loyalty_memberships',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.String(length=40), nullable=False),
    sa.Column('airline', sa.String(length=3), nullable=False),
    sa.Column('number_token', sa.String(length=255), nullable=False),
    sa.Column('number_masked', sa.String(length=16), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_loyalty_memberships_org_id_organizations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_loyalty_memberships_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loyalty_memberships')),
    sa.UniqueConstraint('user_id', 'airline', name='user_airline')
    )
    op.create_index(op.f('ix_loyalty_memberships_user_id'), 'loyalty_memberships', ['user_id'], unique=False)
    op.create_table('travel_documents',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('number_token', sa.String(length=255), nullable=False),
    sa.Column('number_masked', sa.String(length=16), nullable=False),
    sa.Column('issuing_country', sa.String(length=2), nullable=False),
    sa.Column('nationality', sa.String(length=2), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_travel_documents_org_id_organizations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_travel_documents_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_travel_documents')),
    sa.UniqueConstraint('user_id', 'kind', 'issuing_country', name='user_kind_country')
    )
    op.create_index(op.f('ix_travel_documents_user_id'), 'travel_documents', ['user_id'], unique=False)
    op.create_table('traveller_details',
    sa.Column('user_id', sa.String(length=40), nullable=False),
    sa.Column('org_id', sa.String(length=40), nullable=False),
    sa.Column('given_name', sa.String(length=50), nullable=True),
    sa.Column('family_name', sa.String(length=50), nullable=True),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('seat_preference', sa.String(length=10), nullable=False),
    sa.Column('known_traveller_token', sa.String(length=255), nullable=True),
    sa.Column('known_traveller_masked', sa.String(length=16), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=40), nullable=False),
    sa.CheckConstraint("seat_preference IN ('aisle', 'window', 'none')", name=op.f('ck_traveller_details_seat_preference')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_traveller_details_org_id_organizations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_traveller_details_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_traveller_details'))
    )
    op.create_index(op.f('ix_traveller_details_org_id'), 'traveller_details', ['org_id'], unique=False)

    # The seat preference had lived in users.preferences: move it, once, to its column.
    bind = op.get_bind()
    now = datetime.now(UTC)
    for user_id, org_id, prefs in bind.execute(sa.select(users.c.id, users.c.org_id, users.c.preferences)).all():
        if not isinstance(prefs, dict) or 'seat' not in prefs:
            continue
        seat = prefs['seat'] if prefs['seat'] in SEATS else 'none'
        bind.execute(details.insert().values(
            user_id=user_id, org_id=org_id, seat_preference=seat, updated_at=now, updated_by='migration'
        ))
        rest = {k: v for k, v in prefs.items() if k != 'seat'}
        bind.execute(users.update().where(users.c.id == user_id).values(preferences=rest))


def downgrade() -> None:
    bind = op.get_bind()
    seats = bind.execute(
        sa.select(details.c.user_id, details.c.seat_preference).where(details.c.seat_preference.in_(SEATS))
    ).all()
    for user_id, seat in seats:
        prefs = bind.execute(sa.select(users.c.preferences).where(users.c.id == user_id)).scalar()
        merged = {**(prefs if isinstance(prefs, dict) else {}), 'seat': seat}
        bind.execute(users.update().where(users.c.id == user_id).values(preferences=merged))
    op.drop_index(op.f('ix_traveller_details_org_id'), table_name='traveller_details')
    op.drop_table('traveller_details')
    op.drop_index(op.f('ix_travel_documents_user_id'), table_name='travel_documents')
    op.drop_table('travel_documents')
    op.drop_index(op.f('ix_loyalty_memberships_user_id'), table_name='loyalty_memberships')
    op.drop_table('loyalty_memberships')
