"""A campaign's territory is any set of departments and EPCIs: ``campaign.departments`` and
``campaign.epcis`` (JSON lists) replace the single ``department`` or ``epci``, whose values
they keep.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 13:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("campaign") as batch:
        batch.add_column(sa.Column("departments", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("epcis", sa.JSON(), nullable=True))
    campaign = sa.table(
        "campaign",
        sa.column("id", sa.Integer),
        sa.column("department", sa.String),
        sa.column("epci", sa.String),
        sa.column("departments", sa.JSON),
        sa.column("epcis", sa.JSON),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(campaign.c.id, campaign.c.department, campaign.c.epci))
    for campaign_id, department, epci in rows.all():
        connection.execute(
            campaign.update()
            .where(campaign.c.id == campaign_id)
            .values(
                departments=[department] if department else [],
                epcis=[epci] if epci else [],
            )
        )
    with op.batch_alter_table("campaign") as batch:
        batch.alter_column("departments", existing_type=sa.JSON(), nullable=False)
        batch.alter_column("epcis", existing_type=sa.JSON(), nullable=False)
        batch.drop_column("department")
        batch.drop_column("epci")


def downgrade() -> None:
    with op.batch_alter_table("campaign") as batch:
        batch.add_column(sa.Column("department", sa.String(length=3), nullable=True))
        batch.add_column(sa.Column("epci", sa.String(length=9), nullable=True))
    campaign = sa.table(
        "campaign",
        sa.column("id", sa.Integer),
        sa.column("department", sa.String),
        sa.column("epci", sa.String),
        sa.column("departments", sa.JSON),
        sa.column("epcis", sa.JSON),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(campaign.c.id, campaign.c.departments, campaign.c.epcis))
    for campaign_id, departments, epcis in rows.all():
        connection.execute(
            campaign.update()
            .where(campaign.c.id == campaign_id)
            .values(
                department=(departments or [None])[0] if not epcis else None,
                epci=(epcis or [None])[0] if not departments else None,
            )
        )
    with op.batch_alter_table("campaign") as batch:
        batch.drop_column("departments")
        batch.drop_column("epcis")
