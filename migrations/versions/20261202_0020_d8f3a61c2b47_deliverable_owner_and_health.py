"""deliverable owner person and a health set by the lead or an organiser

Revision ID: d8f3a61c2b47
Revises: e3b8f0a61d42
Create Date: 2026-12-02 00:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd8f3a61c2b47'
down_revision = 'e3b8f0a61d42'
branch_labels = None
depends_on = None

# SQLite cannot add a foreign key to an existing table, so there the table is copied (batch
# mode) with foreign-key checks switched off for the copy: other tables refer to deliverable,
# and dropping the old copy with checks on would fail.


def foreign_keys(on):
    """Switch SQLite's foreign-key checks (outside a transaction); nothing elsewhere."""
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def upgrade():
    foreign_keys(False)
    with op.batch_alter_table('deliverable', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_person_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column(
            'health',
            sa.Enum('on_track', 'at_risk', 'off_track', name='deliverablehealth',
                    native_enum=False, length=20),
            nullable=True,
        ))
        batch_op.add_column(
            sa.Column('health_reason', sa.String(length=300), server_default='', nullable=False)
        )
        batch_op.add_column(sa.Column('health_set_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('health_set_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_deliverable_owner_person_id'), ['owner_person_id'], unique=False
        )
        batch_op.create_foreign_key(
            'fk_deliverable_owner_person_id_person', 'person',
            ['owner_person_id'], ['id'], ondelete='SET NULL',
        )
        batch_op.create_foreign_key(
            'fk_deliverable_health_set_by_id_user_account', 'user_account',
            ['health_set_by_id'], ['id'], ondelete='SET NULL',
        )
    foreign_keys(True)


def downgrade():
    foreign_keys(False)
    with op.batch_alter_table('deliverable', schema=None) as batch_op:
        batch_op.drop_constraint(
            'fk_deliverable_health_set_by_id_user_account', type_='foreignkey'
        )
        batch_op.drop_constraint('fk_deliverable_owner_person_id_person', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_deliverable_owner_person_id'))
        batch_op.drop_column('health_set_by_id')
        batch_op.drop_column('health_set_at')
        batch_op.drop_column('health_reason')
        batch_op.drop_column('health')
        batch_op.drop_column('owner_person_id')
    foreign_keys(True)
