"""SEQUENCE of deadline events: deliverables, milestones and action items

Revision ID: c4a7d2e9f160
Revises: c4a9d2e6f1b3
Create Date: 2026-12-01 23:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4a7d2e9f160'
down_revision = 'c4a9d2e6f1b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('deliverable', schema=None, recreate='never') as batch_op:
        batch_op.add_column(
            sa.Column('deadline_sequence', sa.Integer(), server_default='0', nullable=False)
        )
    with op.batch_alter_table('milestone', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('action_item', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default='0', nullable=False))


# recreate='never': these tables are referenced by others, and SQLite (3.35 and later) adds
# and drops a plain column in place, where copying the table would break those references.


def downgrade():
    with op.batch_alter_table('action_item', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('sequence')
    with op.batch_alter_table('milestone', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('sequence')
    with op.batch_alter_table('deliverable', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('deadline_sequence')
