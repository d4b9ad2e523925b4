"""data change counter for the page cache

Revision ID: 5ed8cb6f20ae
Revises: 1486b88c1c89
Create Date: 2026-11-28 17:49:27.318234

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5ed8cb6f20ae'
down_revision = '1486b88c1c89'
branch_labels = None
depends_on = None


def upgrade():
    data_state = op.create_table('data_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('counter', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_state'))
    )
    # The single row the page cache reads; every write raises its counter.
    op.bulk_insert(data_state, [{'id': 1, 'counter': 0}])


def downgrade():
    op.drop_table('data_state')
