"""webhooks, notifications, reconciliation and analytics

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('stripe_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.String(length=255), nullable=False),
    sa.Column('type', sa.String(length=100), nullable=False),
    sa.Column('livemode', sa.Boolean(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('org_id', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stripe_events')),
    sa.UniqueConstraint('event_id', name=op.f('uq_stripe_events_event_id'))
    )
    op.create_index('ix_stripe_events_pending', 'stripe_events', ['status', 'id'], unique=False)

    op.create_table('notification_deliveries',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.String(length=40), nullable=False),
    sa.Column('notifier', sa.String(length=40), nullable=False),
    sa.Column('recipient_id', sa.String(length=40), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['outbox.id'], name=op.f('fk_notification_deliveries_event_id_outbox')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_deliveries')),
    sa.UniqueConstraint('event_id', 'notifier', 'recipient_id', name='event_notifier_recipient')
    )
    op.create_index(op.f('ix_notification_deliveries_org_id'), 'notification_deliveries', ['org_id'], unique=False)

    op.create_table('invoice_lines',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.String(length=40), nullable=False),
    sa.Column('booking_id', sa.String(length=12), nullable=False),
    sa.Column('segment_id', sa.String(length=16), nullable=False),
    sa.Column('payment_id', sa.String(length=40), nullable=True),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('supplier', sa.String(length=40), nullable=True),
    sa.Column('locator', sa.String(length=12), nullable=True),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('finalized_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_invoice_lines_booking_id_bookings')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_invoice_lines_org_id_organizations')),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], name=op.f('fk_invoice_lines_segment_id_segments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_lines')),
    sa.UniqueConstraint('segment_id', name=op.f('uq_invoice_lines_segment_id'))
    )
    op.create_index(op.f('ix_invoice_lines_booking_id'), 'invoice_lines', ['booking_id'], unique=False)
    op.create_index('ix_invoice_lines_org_finalized', 'invoice_lines', ['org_id', 'finalized_at'], unique=False)

    op.create_table('reconciliation_exceptions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('org_id', sa.String(length=40), nullable=True),
    sa.Column('booking_id', sa.String(length=40), nullable=True),
    sa.Column('segment_id', sa.String(length=16), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('expected_minor', sa.Integer(), nullable=True),
    sa.Column('actual_minor', sa.Integer(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reconciliation_exceptions')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_reconciliation_exceptions_dedupe_key'))
    )
    op.create_index(op.f('ix_reconciliation_exceptions_booking_id'), 'reconciliation_exceptions', ['booking_id'], unique=False)
    op.create_index('ix_recon_exc_org_open', 'reconciliation_exceptions', ['org_id', 'resolved_at', 'created_at'], unique=False)

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('abandoned_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('abandoned_at')

    op.drop_index('ix_recon_exc_org_open', table_name='reconciliation_exceptions')
    op.drop_index(op.f('ix_reconciliation_exceptions_booking_id'), table_name='reconciliation_exceptions')
    op.drop_table('reconciliation_exceptions')
    op.drop_index('ix_invoice_lines_org_finalized', table_name='invoice_lines')
    op.drop_index(op.f('ix_invoice_lines_booking_id'), table_name='invoice_lines')
    op.drop_table('invoice_lines')
    op.drop_index(op.f('ix_notification_deliveries_org_id'), table_name='notification_deliveries')
    op.drop_table('notification_deliveries')
    op.drop_index('ix_stripe_events_pending', table_name='stripe_events')
    op.drop_table('stripe_events')
