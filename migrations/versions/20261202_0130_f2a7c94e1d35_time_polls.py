"""time polls: candidate slots for a meeting and members' answers

Revision ID: f2a7c94e1d35
Revises: a9c2e4f71b30
Create Date: 2026-12-02 01:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f2a7c94e1d35'
down_revision = 'a9c2e4f71b30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'time_poll',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['user_account.id'],
            name=op.f('fk_time_poll_created_by_id_user_account'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['meeting_id'], ['meeting.id'], name=op.f('fk_time_poll_meeting_id_meeting')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_time_poll')),
        sa.UniqueConstraint('meeting_id', name=op.f('uq_time_poll_meeting_id')),
    )
    op.create_table(
        'poll_slot',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('poll_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('chosen', sa.Boolean(), nullable=False),
        sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_poll_slot_ends_after_starts')),
        sa.ForeignKeyConstraint(
            ['poll_id'], ['time_poll.id'], name=op.f('fk_poll_slot_poll_id_time_poll')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_slot')),
        sa.UniqueConstraint(
            'poll_id', 'starts_at', 'ends_at', name='uq_poll_slot_poll_id_times'
        ),
    )
    with op.batch_alter_table('poll_slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poll_slot_poll_id'), ['poll_id'], unique=False)
    op.create_table(
        'poll_vote',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slot_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column(
            'answer',
            sa.Enum('yes', 'if_need_be', 'no', name='pollanswer', native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['slot_id'], ['poll_slot.id'],
            name=op.f('fk_poll_vote_slot_id_poll_slot'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user_account.id'],
            name=op.f('fk_poll_vote_user_id_user_account'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_vote')),
        sa.UniqueConstraint('slot_id', 'user_id', name='uq_poll_vote_slot_id_user_id'),
    )
    with op.batch_alter_table('poll_vote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poll_vote_slot_id'), ['slot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_poll_vote_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('poll_vote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poll_vote_user_id'))
        batch_op.drop_index(batch_op.f('ix_poll_vote_slot_id'))
    op.drop_table('poll_vote')
    with op.batch_alter_table('poll_slot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poll_slot_poll_id'))
    op.drop_table('poll_slot')
    op.drop_table('time_poll')
