"""Territories whose open data is published: the ``open_data_territory`` table (one row per
department or EPCI, switched on and off by an admin).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 14:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('open_data_territory',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('territory', sa.String(length=9), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['staff.id'], name=op.f('fk_open_data_territory_changed_by_id_staff'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open_data_territory')),
    sa.UniqueConstraint('territory', name=op.f('uq_open_data_territory_territory'))
    )


def downgrade() -> None:
    op.drop_table('open_data_territory')
