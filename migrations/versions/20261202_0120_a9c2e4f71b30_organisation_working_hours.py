"""organisation working hours for the scheduling helper

Revision ID: a9c2e4f71b30
Revises: a7c3e91d5f20
Create Date: 2026-12-02 01:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a9c2e4f71b30'
down_revision = 'a7c3e91d5f20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('work_start', sa.Time(), server_default=sa.text("'09:00:00'"), nullable=False)
        )
        batch_op.add_column(
            sa.Column('work_end', sa.Time(), server_default=sa.text("'18:00:00'"), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('work_end')
        batch_op.drop_column('work_start')
