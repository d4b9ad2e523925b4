"""user account: the last and previous visit of "My work", for "changed since my last visit"

Revision ID: f2a9c4e1b7d3
Revises: f2a7c94e1d35
Create Date: 2026-12-02 01:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f2a9c4e1b7d3'
down_revision = 'f2a7c94e1d35'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_visit_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column('previous_visit_at', sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('previous_visit_at')
        batch_op.drop_column('last_visit_at')
