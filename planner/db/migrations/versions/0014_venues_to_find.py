"""``venue.to_find``: a stand-in a campaign plan books for a QPV with no venue ("lieu à
trouver dans le quartier"); its sessions cannot be published until a real venue is set.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 13:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("venue") as batch:
        batch.add_column(
            sa.Column("to_find", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("venue") as batch:
        batch.drop_column("to_find")
