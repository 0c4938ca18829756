"""approval workflows and steps

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('approval_workflows',
    sa.Column('id', sa.String(length=16), nullable=False),
    sa.Column('org_id', sa.String(length=40), nullable=False),
    sa.Column('booking_id', sa.String(length=12), nullable=False),
    sa.Column('subject', sa.String(length=12), nullable=False),
    sa.Column('subject_id', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('traveler_id', sa.String(length=40), nullable=False),
    sa.Column('requested_by', sa.String(length=40), nullable=False),
    sa.Column('policy', sa.JSON(), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('current_step', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=40), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_approval_workflows_booking_id_bookings')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_approval_workflows_org_id_organizations')),
    sa.ForeignKeyConstraint(['traveler_id'], ['users.id'], name=op.f('fk_approval_workflows_traveler_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_workflows'))
    )
    op.create_index('ix_approval_workflows_booking', 'approval_workflows', ['booking_id'], unique=False)
    op.create_index('ix_approval_workflows_status_deadline', 'approval_workflows', ['status', 'deadline'], unique=False)
    op.create_table('approval_steps',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('workflow_id', sa.String(length=16), nullable=False),
    sa.Column('org_id', sa.String(length=40), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('approver_id', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=40), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('escalated_to', sa.String(length=40), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['approver_id'], ['users.id'], name=op.f('fk_approval_steps_approver_id_users')),
    sa.ForeignKeyConstraint(['workflow_id'], ['approval_workflows.id'], name=op.f('fk_approval_steps_workflow_id_approval_workflows')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_steps')),
    sa.UniqueConstraint('workflow_id', 'ordinal', name='workflow_ordinal')
    )
    op.create_index('ix_approval_steps_approver', 'approval_steps', ['org_id', 'approver_id', 'status'], unique=False)
    op.create_index('ix_approval_steps_status_due', 'approval_steps', ['status', 'due_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_approval_steps_status_due', table_name='approval_steps')
    op.drop_index('ix_approval_steps_approver', table_name='approval_steps')
    op.drop_table('approval_steps')
    op.drop_index('ix_approval_workflows_status_deadline', table_name='approval_workflows')
    op.drop_index('ix_approval_workflows_booking', table_name='approval_workflows')
    op.drop_table('approval_workflows')
