"""What follows an employer forum: the ``immersion`` (PMSMP) and ``hire`` tables, each linked
to its forum and, when known, to the participant's registration.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 10:36:49
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('hire',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('contract', sa.String(length=16), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('emplois_francs', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['employer_id'], ['organisation.id'], name=op.f('fk_hire_employer_id_organisation'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff.id'], name=op.f('fk_hire_recorded_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_hire_registration_id_registration'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['outreach_session.id'], name=op.f('fk_hire_session_id_outreach_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hire'))
    )
    with op.batch_alter_table('hire', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hire_session_id'), ['session_id'], unique=False)

    op.create_table('immersion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['employer_id'], ['organisation.id'], name=op.f('fk_immersion_employer_id_organisation'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff.id'], name=op.f('fk_immersion_recorded_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_immersion_registration_id_registration'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['outreach_session.id'], name=op.f('fk_immersion_session_id_outreach_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_immersion'))
    )
    with op.batch_alter_table('immersion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_immersion_session_id'), ['session_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('immersion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_immersion_session_id'))

    op.drop_table('immersion')
    with op.batch_alter_table('hire', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hire_session_id'))

    op.drop_table('hire')
