"""Background jobs: the ``job`` table on every engine, and procrastinate's queue on PostgreSQL;
a plan's live progress is kept with it (any process shows it).

procrastinate's own tables and functions go into a schema of their own, ``procrastinate``
(its connection searches there first), so that they never mix with the product's tables and
a downgrade drops them whole. Its SQL is the one of the pinned procrastinate release.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy.util import await_only


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.Text(), nullable=True),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('started_at', advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('finished_at', advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_job_organisation_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_job_staff_id_staff'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job'))
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_staff_id'), ['staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_subject_id'), ['subject_id'], unique=False)
    with op.batch_alter_table('campaign_plan') as batch:
        batch.add_column(sa.Column('progress', sa.JSON(), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        _create_procrastinate_schema()


def _create_procrastinate_schema() -> None:
    from procrastinate.schema import SchemaManager

    bind = op.get_bind()
    searched = bind.exec_driver_sql('SHOW search_path').scalar_one()
    bind.exec_driver_sql('CREATE SCHEMA procrastinate')
    bind.exec_driver_sql("SELECT set_config('search_path', 'procrastinate', true)")
    # several statements with function bodies: asyncpg's simple query protocol runs them
    driver = bind.connection.driver_connection
    assert driver is not None
    await_only(driver.execute(SchemaManager.get_schema()))
    bind.exec_driver_sql(f"SELECT set_config('search_path', '{searched}', true)")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP SCHEMA procrastinate CASCADE')
    with op.batch_alter_table('campaign_plan') as batch:
        batch.drop_column('progress')
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_subject_id'))
        batch_op.drop_index(batch_op.f('ix_job_status'))
        batch_op.drop_index(batch_op.f('ix_job_staff_id'))
    op.drop_table('job')
