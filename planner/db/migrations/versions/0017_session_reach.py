"""Coverage's reading of each session: the ``session_reach`` table (see ``planner.db.reach``),
filled from the sessions already there.

The fill is written out here, as the table is at this revision, rather than imported from the
service that keeps it, which may change with the table.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 19:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILL = """
INSERT INTO session_reach (session_id, kind, status, organisation_id, start_at, hours,
    staff_hours, people_met, new_contacts, job_offers, immersions, qpv_codes, organisations)
SELECT s.id, s.kind, s.status, s.organisation_id, s.start_at, {hours},
    {hours} * (SELECT count(*) FROM session_staff st WHERE st.session_id = s.id),
    coalesce(o.people_met, 0), coalesce(o.new_contacts, 0), coalesce(o.job_offers, 0),
    coalesce(o.immersions, 0),
    (SELECT {qpvs} FROM session_qpv q WHERE q.session_id = s.id),
    (SELECT {organisations} FROM (
        SELECT organisation_id AS org FROM session_staff
        WHERE session_id = s.id AND organisation_id <> s.organisation_id
        UNION
        SELECT organisation_id FROM session_partner
        WHERE session_id = s.id AND organisation_id <> s.organisation_id) others)
FROM outreach_session s LEFT OUTER JOIN session_outcome o ON o.session_id = s.id
"""
POSTGRESQL = {
    "hours": "date_part('epoch', s.end_at - s.start_at) / 3600.0",
    "qpvs": "coalesce(array_agg(q.qpv_code), '{}'::varchar(16)[])",
    "organisations": "coalesce(array_agg(others.org), '{}'::integer[])",
}
SQLITE = {
    "hours": "(julianday(s.end_at) - julianday(s.start_at)) * 24.0",
    "qpvs": "json_group_array(q.qpv_code)",
    "organisations": "json_group_array(others.org)",
}


def upgrade() -> None:
    op.create_table('session_reach',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('start_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.Column('staff_hours', sa.Float(), nullable=False),
    sa.Column('people_met', sa.Integer(), nullable=False),
    sa.Column('new_contacts', sa.Integer(), nullable=False),
    sa.Column('job_offers', sa.Integer(), nullable=False),
    sa.Column('immersions', sa.Integer(), nullable=False),
    sa.Column('qpv_codes', sa.JSON().with_variant(postgresql.ARRAY(sa.String(length=16)), 'postgresql'), nullable=False),
    sa.Column('organisations', sa.JSON().with_variant(postgresql.ARRAY(sa.Integer()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['outreach_session.id'], name=op.f('fk_session_reach_session_id_outreach_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_session_reach'))
    )
    op.create_index(op.f('ix_session_reach_start_at'), 'session_reach', ['start_at'], unique=False)
    dialect = op.get_bind().dialect.name
    op.execute(FILL.format(**(POSTGRESQL if dialect == "postgresql" else SQLITE)))


def downgrade() -> None:
    op.drop_index(op.f('ix_session_reach_start_at'), table_name='session_reach')
    op.drop_table('session_reach')
