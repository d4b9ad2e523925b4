"""calendar feed state and tokens

Revision ID: 57376cd49e35
Revises: e043d80ccdcb
Create Date: 2026-11-28 16:04:42.073697

"""
import secrets
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '57376cd49e35'
down_revision = "e043d80ccdcb"
branch_labels = None
depends_on = None


def upgrade():
    state = op.create_table('calendar_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('counter', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('epoch', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_state'))
    )
    op.create_table('calendar_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_calendar_token_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_token_token_hash')),
    sa.UniqueConstraint('user_id', name=op.f('uq_calendar_token_user_id'))
    )
    # The single change-counter row the feeds read; the session hook also creates it if missing.
    op.bulk_insert(state, [
        {'id': 1, 'counter': 0, 'changed_at': datetime.now(UTC), 'epoch': secrets.token_hex(16)}
    ])


def downgrade():
    op.drop_table('calendar_token')
    op.drop_table('calendar_state')
