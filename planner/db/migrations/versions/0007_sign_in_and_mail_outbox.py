"""Sign-in (passwords, one-time links, failed attempts, browser sessions) and the mail outbox.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when() -> advanced_alchemy.types.DateTimeUTC:
    return advanced_alchemy.types.DateTimeUTC(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table('staff') as batch:
        batch.add_column(sa.Column('password_hash', sa.String(length=200), nullable=True))
        batch.add_column(
            sa.Column('auth_epoch', sa.String(length=32), server_default='0', nullable=False)
        )
    op.create_table('sign_in_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', _when(), nullable=False),
    sa.Column('expires_at', _when(), nullable=False),
    sa.Column('used_at', _when(), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_sign_in_link_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_link')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_sign_in_link_secret_hash'))
    )
    op.create_index(op.f('ix_sign_in_link_staff_id'), 'sign_in_link', ['staff_id'], unique=False)
    op.create_table('sign_in_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', _when(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_failure'))
    )
    op.create_index(op.f('ix_sign_in_failure_email'), 'sign_in_failure', ['email'], unique=False)
    op.create_index(op.f('ix_sign_in_failure_address'), 'sign_in_failure', ['address'], unique=False)
    op.create_index(op.f('ix_sign_in_failure_at'), 'sign_in_failure', ['at'], unique=False)
    op.create_table('outbox_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', _when(), nullable=False),
    sa.Column('next_attempt_at', _when(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('sent_at', _when(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_mail'))
    )
    op.create_index(op.f('ix_outbox_mail_next_attempt_at'), 'outbox_mail', ['next_attempt_at'], unique=False)
    op.create_index(op.f('ix_outbox_mail_sent_at'), 'outbox_mail', ['sent_at'], unique=False)
    op.create_table('web_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.String(length=255), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('expires_at', _when(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_session')),
    sa.UniqueConstraint('session_id', name=op.f('uq_web_session_session_id'))
    )
    op.create_index(op.f('ix_web_session_expires_at'), 'web_session', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_web_session_expires_at'), table_name='web_session')
    op.drop_table('web_session')
    op.drop_index(op.f('ix_outbox_mail_sent_at'), table_name='outbox_mail')
    op.drop_index(op.f('ix_outbox_mail_next_attempt_at'), table_name='outbox_mail')
    op.drop_table('outbox_mail')
    op.drop_index(op.f('ix_sign_in_failure_at'), table_name='sign_in_failure')
    op.drop_index(op.f('ix_sign_in_failure_address'), table_name='sign_in_failure')
    op.drop_index(op.f('ix_sign_in_failure_email'), table_name='sign_in_failure')
    op.drop_table('sign_in_failure')
    op.drop_index(op.f('ix_sign_in_link_staff_id'), table_name='sign_in_link')
    op.drop_table('sign_in_link')
    with op.batch_alter_table('staff') as batch:
        batch.drop_column('auth_epoch')
        batch.drop_column('password_hash')
