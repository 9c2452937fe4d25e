"""Registrations to sessions: the ``registration`` table, and on each session whether it takes
registrations and how many places are taken (kept with the session: updating it serialises
registrations, on SQLite as on PostgreSQL).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 10:06:58
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('first_name', sa.String(length=60), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('needs', sa.Text(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('offered_until', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('confirmed_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('cancelled_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('reminded_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('told_revision', sa.Integer(), server_default='0', nullable=False),
    sa.Column('attendance', sa.String(length=16), nullable=True),
    sa.Column('erased_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['outreach_session.id'], name=op.f('fk_registration_session_id_outreach_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration')),
    sa.UniqueConstraint('secret', name=op.f('uq_registration_secret'))
    )
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index('ix_registration_session_id_status', ['session_id', 'status'], unique=False)

    with op.batch_alter_table('outreach_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('takes_registrations', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('places_taken', sa.Integer(), server_default='0', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('outreach_session', schema=None) as batch_op:
        batch_op.drop_column('places_taken')
        batch_op.drop_column('takes_registrations')

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_session_id_status')

    op.drop_table('registration')
