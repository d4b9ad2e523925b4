"""user account linked to a person, with a home time zone

Revision ID: 7a1e0c2d9b10
Revises: 5ed8cb6f20ae
Create Date: 2026-12-01 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a1e0c2d9b10'
down_revision = '5ed8cb6f20ae'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_user_account_person_id'), ['person_id'])
        batch_op.create_foreign_key(
            batch_op.f('fk_user_account_person_id_person'), 'person', ['person_id'], ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_account_person_id_person'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_user_account_person_id'), type_='unique')
        batch_op.drop_column('timezone')
        batch_op.drop_column('person_id')
