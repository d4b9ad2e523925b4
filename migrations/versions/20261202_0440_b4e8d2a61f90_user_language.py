"""user account: the interface language

Revision ID: b4e8d2a61f90
Revises: f2c9a4e1b7d3
Create Date: 2026-12-02 04:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4e8d2a61f90'
down_revision = 'f2c9a4e1b7d3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('language')
