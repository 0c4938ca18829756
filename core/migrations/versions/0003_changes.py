"""cancellations, refunds, rebooks and disruptions

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('flight_feed_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('body_hash', sa.String(length=64), nullable=False),
    sa.Column('carrier', sa.String(length=3), nullable=False),
    sa.Column('number', sa.String(length=8), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('delay_minutes', sa.Integer(), nullable=False),
    sa.Column('flight_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('affected', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['flight_id'], ['flights.id'], name=op.f('fk_flight_feed_events_flight_id_flights')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flight_feed_events')),
    sa.UniqueConstraint('body_hash', name=op.f('uq_flight_feed_events_body_hash'))
    )
    op.create_table('booking_changes',
    sa.Column('id', sa.String(length=16), nullable=False),
    sa.Column('org_id', sa.String(length=40), nullable=False),
    sa.Column('booking_id', sa.String(length=12), nullable=False),
    sa.Column('active_booking_id', sa.String(length=12), nullable=True),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('step', sa.String(length=20), nullable=False),
    sa.Column('old_segment_ids', sa.JSON(), nullable=False),
    sa.Column('new_segment_ids', sa.JSON(), nullable=False),
    sa.Column('offer_id', sa.String(length=80), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('old_amount_minor', sa.Integer(), nullable=False),
    sa.Column('new_amount_minor', sa.Integer(), nullable=False),
    sa.Column('change_fee_minor', sa.Integer(), nullable=False),
    sa.Column('charge_minor', sa.Integer(), nullable=False),
    sa.Column('refund_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('refund_rule', sa.String(length=40), nullable=True),
    sa.Column('policy', sa.JSON(), nullable=False),
    sa.Column('approval_id', sa.String(length=40), nullable=True),
    sa.Column('suggestion_id', sa.String(length=16), nullable=True),
    sa.Column('payment_id', sa.String(length=40), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('failure_reason', sa.String(length=500), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_booking_changes_booking_id_bookings')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_booking_changes_org_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_changes')),
    sa.UniqueConstraint('active_booking_id', name=op.f('uq_booking_changes_active_booking_id'))
    )
    op.create_index(op.f('ix_booking_changes_booking_id'), 'booking_changes', ['booking_id'], unique=False)
    op.create_index('ix_booking_changes_status_updated', 'booking_changes', ['status', 'updated_at'], unique=False)
    op.create_table('disruptions',
    sa.Column('id', sa.String(length=16), nullable=False),
    sa.Column('org_id', sa.String(length=40), nullable=False),
    sa.Column('booking_id', sa.String(length=12), nullable=False),
    sa.Column('flight_id', sa.Integer(), nullable=False),
    sa.Column('segment_id', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('delay_minutes', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_disruptions_booking_id_bookings')),
    sa.ForeignKeyConstraint(['flight_id'], ['flights.id'], name=op.f('fk_disruptions_flight_id_flights')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_disruptions_org_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disruptions')),
    sa.UniqueConstraint('booking_id', 'flight_id', name='booking_flight')
    )
    op.create_index(op.f('ix_disruptions_booking_id'), 'disruptions', ['booking_id'], unique=False)
    op.create_index(op.f('ix_disruptions_org_id'), 'disruptions', ['org_id'], unique=False)
    op.create_table('refunds',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('org_id', sa.String(length=40), nullable=False),
    sa.Column('booking_id', sa.String(length=12), nullable=False),
    sa.Column('change_id', sa.String(length=16), nullable=False),
    sa.Column('payment_id', sa.String(length=40), nullable=False),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('idempotency_key', sa.String(length=120), nullable=False),
    sa.Column('provider_ref', sa.String(length=80), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_refunds_booking_id_bookings')),
    sa.ForeignKeyConstraint(['change_id'], ['booking_changes.id'], name=op.f('fk_refunds_change_id_booking_changes')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_refunds_org_id_organizations')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_refunds_payment_id_payments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_refunds_idempotency_key'))
    )
    op.create_index(op.f('ix_refunds_booking_id'), 'refunds', ['booking_id'], unique=False)
    op.create_table('suggestions',
    sa.Column('id', sa.String(length=16), nullable=False),
    sa.Column('org_id', sa.String(length=40), nullable=False),
    sa.Column('disruption_id', sa.String(length=16), nullable=False),
    sa.Column('booking_id', sa.String(length=12), nullable=False),
    sa.Column('segment_id', sa.String(length=16), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.String(length=80), nullable=False),
    sa.Column('summary', sa.String(length=200), nullable=False),
    sa.Column('depart_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('arrive_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stops', sa.Integer(), nullable=False),
    sa.Column('price_minor', sa.Integer(), nullable=False),
    sa.Column('fare_difference_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('policy_status', sa.String(length=8), nullable=False),
    sa.Column('policy', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_suggestions_booking_id_bookings')),
    sa.ForeignKeyConstraint(['disruption_id'], ['disruptions.id'], name=op.f('fk_suggestions_disruption_id_disruptions')),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_suggestions_org_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestions'))
    )
    op.create_index(op.f('ix_suggestions_booking_id'), 'suggestions', ['booking_id'], unique=False)
    op.create_index('ix_suggestions_disruption_rank', 'suggestions', ['disruption_id', 'rank'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_suggestions_disruption_rank', table_name='suggestions')
    op.drop_index(op.f('ix_suggestions_booking_id'), table_name='suggestions')
    op.drop_table('suggestions')
    op.drop_index(op.f('ix_refunds_booking_id'), table_name='refunds')
    op.drop_table('refunds')
    op.drop_index(op.f('ix_disruptions_org_id'), table_name='disruptions')
    op.drop_index(op.f('ix_disruptions_booking_id'), table_name='disruptions')
    op.drop_table('disruptions')
    op.drop_index('ix_booking_changes_status_updated', table_name='booking_changes')
    op.drop_index(op.f('ix_booking_changes_booking_id'), table_name='booking_changes')
    op.drop_table('booking_changes')
    op.drop_table('flight_feed_events')
