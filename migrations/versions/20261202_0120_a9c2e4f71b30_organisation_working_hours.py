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

# SQLite adds and drops these columns by copying the table (batch mode), with foreign-key
# checks switched off for the copy: other tables refer to organisation, and dropping the old
# copy of a table that has rows with checks on fails.


def foreign_keys(on):
    """Switch SQLite's foreign-key checks (outside a transaction); nothing elsewhere."""
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def upgrade():
    foreign_keys(False)
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('work_start', sa.Time(), server_default=sa.text("'09:00:00'"), nullable=False)
        )
        batch_op.add_column(
            sa.Column('work_end', sa.Time(), server_default=sa.text("'18:00:00'"), nullable=False)
        )
    foreign_keys(True)


def downgrade():
    foreign_keys(False)
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('work_end')
        batch_op.drop_column('work_start')
    foreign_keys(True)
