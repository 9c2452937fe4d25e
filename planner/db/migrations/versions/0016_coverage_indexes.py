"""Indexes for coverage at scale: a session's staff organisations read from an index alone, and
a kind's sessions of a period (the forums coverage sums) read as one range; the index on
``kind`` alone gives way to the one on (``kind``, ``start_at``), which serves it too.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op


revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_session_staff_session_id_organisation_id', 'session_staff', ['session_id', 'organisation_id'], unique=False)
    op.create_index('ix_outreach_session_kind_start_at', 'outreach_session', ['kind', 'start_at'], unique=False)
    op.drop_index('ix_outreach_session_kind', table_name='outreach_session')


def downgrade() -> None:
    op.create_index('ix_outreach_session_kind', 'outreach_session', ['kind'], unique=False)
    op.drop_index('ix_outreach_session_kind_start_at', table_name='outreach_session')
    op.drop_index('ix_session_staff_session_id_organisation_id', table_name='session_staff')
