"""deliverable progress

Revision ID: e043d80ccdcb
Revises: 453f96300b3c
Create Date: 2026-11-28 16:04:47.002545

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e043d80ccdcb'
down_revision = '453f96300b3c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('deliverable_status_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deliverable_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.Enum('planned', 'drafting', 'in_review', 'published', 'dropped', name='deliverablestatus', native_enum=False, length=20), nullable=False),
    sa.Column('to_status', sa.Enum('planned', 'drafting', 'in_review', 'published', 'dropped', name='deliverablestatus', native_enum=False, length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['deliverable_id'], ['deliverable.id'], name=op.f('fk_deliverable_status_change_deliverable_id_deliverable')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_deliverable_status_change_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliverable_status_change'))
    )
    with op.batch_alter_table('deliverable_status_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliverable_status_change_at'), ['at'], unique=False)
        batch_op.create_index('ix_deliverable_status_change_deliverable_at', ['deliverable_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliverable_status_change_user_id'), ['user_id'], unique=False)

    op.create_table('deliverable_tracking',
    sa.Column('deliverable_id', sa.Integer(), nullable=False),
    sa.Column('follow_milestones', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['deliverable_id'], ['deliverable.id'], name=op.f('fk_deliverable_tracking_deliverable_id_deliverable')),
    sa.PrimaryKeyConstraint('deliverable_id', name=op.f('pk_deliverable_tracking'))
    )
    op.create_table('milestone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deliverable_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['deliverable_id'], ['deliverable.id'], name=op.f('fk_milestone_deliverable_id_deliverable')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestone'))
    )
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestone_deliverable_id'), ['deliverable_id'], unique=False)

    op.create_table('progress_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deliverable_id', sa.Integer(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('previous_percent', sa.Integer(), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('percent >= 0 AND percent <= 100', name=op.f('ck_progress_update_percent_range')),
    sa.CheckConstraint('previous_percent >= 0 AND previous_percent <= 100', name=op.f('ck_progress_update_previous_percent_range')),
    sa.ForeignKeyConstraint(['deliverable_id'], ['deliverable.id'], name=op.f('fk_progress_update_deliverable_id_deliverable')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_progress_update_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_update'))
    )
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_update_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_progress_update_deliverable_created', ['deliverable_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_progress_update_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_update_user_id'))
        batch_op.drop_index('ix_progress_update_deliverable_created')
        batch_op.drop_index(batch_op.f('ix_progress_update_created_at'))

    op.drop_table('progress_update')
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestone_deliverable_id'))

    op.drop_table('milestone')
    op.drop_table('deliverable_tracking')
    with op.batch_alter_table('deliverable_status_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliverable_status_change_user_id'))
        batch_op.drop_index('ix_deliverable_status_change_deliverable_at')
        batch_op.drop_index(batch_op.f('ix_deliverable_status_change_at'))

    op.drop_table('deliverable_status_change')
