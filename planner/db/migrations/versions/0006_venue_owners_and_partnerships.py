"""Venue owners and partnerships between organisations.

Each venue gets an owning organisation (``NULL``: a shared venue, stewarded by the admins). An
existing venue is owned by the organisation of the staff member who created it, according to
the audit log's ``create`` entry; a venue created from the command line (no actor) or without
an entry stays shared.

On SQLite the column and its foreign key are added with a plain ``ALTER TABLE … ADD COLUMN``
rather than batch mode: batch mode copies and drops the table, and with foreign keys on, that
drop would cascade to the QPVs each venue serves and clear the organisations' home venues.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OWNERS_FROM_AUDIT = """
UPDATE venue SET organisation_id = (
    SELECT staff.organisation_id
    FROM audit_entry JOIN staff ON staff.id = audit_entry.actor_id
    WHERE audit_entry.entity = 'venue' AND audit_entry.action = 'create'
      AND audit_entry.entity_id = venue.id
    ORDER BY audit_entry.id
    LIMIT 1
)
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(
            'ALTER TABLE venue ADD COLUMN organisation_id INTEGER '
            'CONSTRAINT fk_venue_organisation_id_organisation REFERENCES organisation (id)'
        )
    else:
        op.add_column('venue', sa.Column('organisation_id', sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f('fk_venue_organisation_id_organisation'), 'venue', 'organisation',
            ['organisation_id'], ['id'],
        )
    op.create_index(op.f('ix_venue_organisation_id'), 'venue', ['organisation_id'], unique=False)
    op.execute(OWNERS_FROM_AUDIT)

    op.create_table('partnership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_id', sa.Integer(), nullable=False),
    sa.Column('second_id', sa.Integer(), nullable=False),
    sa.Column('first_agreed_by_id', sa.Integer(), nullable=True),
    sa.Column('first_agreed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('second_agreed_by_id', sa.Integer(), nullable=True),
    sa.Column('second_agreed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('first_id < second_id', name=op.f('ck_partnership_ordered_pair')),
    sa.ForeignKeyConstraint(['first_agreed_by_id'], ['staff.id'], name=op.f('fk_partnership_first_agreed_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['first_id'], ['organisation.id'], name=op.f('fk_partnership_first_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['staff.id'], name=op.f('fk_partnership_revoked_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['second_agreed_by_id'], ['staff.id'], name=op.f('fk_partnership_second_agreed_by_id_staff'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['second_id'], ['organisation.id'], name=op.f('fk_partnership_second_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by_id'], ['staff.id'], name=op.f('fk_partnership_set_by_id_staff'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership')),
    sa.UniqueConstraint('first_id', 'second_id', name=op.f('uq_partnership_first_id'))
    )
    op.create_index(op.f('ix_partnership_first_id'), 'partnership', ['first_id'], unique=False)
    op.create_index(op.f('ix_partnership_second_id'), 'partnership', ['second_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_partnership_second_id'), table_name='partnership')
    op.drop_index(op.f('ix_partnership_first_id'), table_name='partnership')
    op.drop_table('partnership')
    op.drop_index(op.f('ix_venue_organisation_id'), table_name='venue')
    if op.get_bind().dialect.name == 'sqlite':
        # Batch mode copies the table; as in earlier downgrades, it suits a database whose
        # venues no session, QPV or organisation refers to yet.
        with op.batch_alter_table('venue', schema=None) as batch_op:
            batch_op.drop_column('organisation_id')
    else:
        op.drop_constraint(
            op.f('fk_venue_organisation_id_organisation'), 'venue', type_='foreignkey'
        )
        op.drop_column('venue', 'organisation_id')
