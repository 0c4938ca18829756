"""conversation threads and token usage

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('threads',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('org_id', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.String(length=40), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('external_key', sa.String(length=200), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('turn_id', sa.String(length=40), nullable=True),
    sa.Column('turn_lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_threads_org_id_organizations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_threads_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_threads')),
    sa.UniqueConstraint('org_id', 'channel', 'external_key', name='org_channel_key')
    )
    op.create_index('ix_threads_org_user', 'threads', ['org_id', 'user_id', 'updated_at'], unique=False)
    op.create_table('turn_usage',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.String(length=40), nullable=False),
    sa.Column('thread_id', sa.String(length=40), nullable=False),
    sa.Column('turn_id', sa.String(length=40), nullable=False),
    sa.Column('model', sa.String(length=100), nullable=False),
    sa.Column('model_calls', sa.Integer(), nullable=False),
    sa.Column('prompt_tokens', sa.Integer(), nullable=False),
    sa.Column('completion_tokens', sa.Integer(), nullable=False),
    sa.Column('counted_prompt_tokens', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_turn_usage_org_id_organizations')),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_turn_usage_thread_id_threads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_turn_usage')),
    sa.UniqueConstraint('turn_id', name=op.f('uq_turn_usage_turn_id'))
    )
    op.create_index(op.f('ix_turn_usage_thread_id'), 'turn_usage', ['thread_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_turn_usage_thread_id'), table_name='turn_usage')
    op.drop_table('turn_usage')
    op.drop_index('ix_threads_org_user', table_name='threads')
    op.drop_table('threads')
