"""series repeat rule, and each planned meeting's occurrence

Revision ID: a7c3e91d5f20
Revises: d8f3a61c2b47
Create Date: 2026-12-02 01:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e91d5f20'
down_revision = 'd8f3a61c2b47'
branch_labels = None
depends_on = None

# SQLite cannot add a unique constraint to an existing table, so there meeting is copied
# (batch mode) with foreign-key checks off for the copy: other tables refer to meeting.


def foreign_keys(on):
    """Switch SQLite's foreign-key checks (outside a transaction); nothing elsewhere."""
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def upgrade():
    op.create_table(
        'series_rule',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('series_id', sa.Integer(), nullable=False),
        sa.Column(
            'frequency',
            sa.Enum('weekly', 'monthly_day', 'monthly_weekday', name='frequency',
                    native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column('interval', sa.Integer(), nullable=False),
        sa.Column('first_day', sa.Date(), nullable=False),
        sa.Column('month_day', sa.Integer(), nullable=True),
        sa.Column('weekday', sa.Integer(), nullable=True),
        sa.Column('position', sa.Integer(), nullable=True),
        sa.Column('start_time', sa.Time(), nullable=False),
        sa.Column('length_minutes', sa.Integer(), nullable=False),
        sa.Column('timezone', sa.String(length=64), nullable=False),
        sa.Column('until', sa.Date(), nullable=True),
        sa.Column('count', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('interval >= 1', name=op.f('ck_series_rule_interval_positive')),
        sa.CheckConstraint('length_minutes >= 1', name=op.f('ck_series_rule_length_positive')),
        sa.CheckConstraint(
            'count IS NULL OR count >= 1', name=op.f('ck_series_rule_count_positive')
        ),
        sa.ForeignKeyConstraint(
            ['series_id'], ['series.id'], name=op.f('fk_series_rule_series_id_series')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_series_rule')),
        sa.UniqueConstraint('series_id', name=op.f('uq_series_rule_series_id')),
    )
    foreign_keys(False)
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('occurrence', sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint(
            'uq_meeting_series_id_occurrence', ['series_id', 'occurrence']
        )
    foreign_keys(True)


def downgrade():
    foreign_keys(False)
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_constraint('uq_meeting_series_id_occurrence', type_='unique')
        batch_op.drop_column('occurrence')
    foreign_keys(True)
    op.drop_table('series_rule')
