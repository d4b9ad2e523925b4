"""agenda item version, so that two people saving the same notes get a conflict

Revision ID: e3b8f0a61d42
Revises: c4d19e5a7b21
Create Date: 2026-12-02 00:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3b8f0a61d42'
down_revision = 'c4d19e5a7b21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('version', sa.Integer(), nullable=False, server_default='1')
        )


def downgrade():
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_column('version')
