"""Feeds kept in the database: what each session shows has a version, its rendered fragments
are stored with it, and each feed's last change is remembered.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outreach_session') as batch:
        batch.add_column(
            sa.Column('shown_version', sa.Integer(), server_default='0', nullable=False)
        )
    op.create_table('session_fragment',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('private', sa.Boolean(), nullable=False),
    sa.Column('shown_version', sa.Integer(), nullable=False),
    sa.Column('render_key', sa.String(length=64), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['outreach_session.id'], name=op.f('fk_session_fragment_session_id_outreach_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'private', name=op.f('pk_session_fragment'))
    )
    op.create_table('feed_state',
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('revision', sa.String(length=200), nullable=False),
    sa.Column('last_modified', advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('address', name=op.f('pk_feed_state'))
    )


def downgrade() -> None:
    op.drop_table('feed_state')
    op.drop_table('session_fragment')
    with op.batch_alter_table('outreach_session') as batch:
        batch.drop_column('shown_version')
