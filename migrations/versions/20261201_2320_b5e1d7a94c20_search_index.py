"""full-text search index: search_document with FTS5 (SQLite) or a tsvector column (PostgreSQL)

Revision ID: b5e1d7a94c20
Revises: c4a7d2e9f160
Create Date: 2026-12-01 23:20:00

"""
from alembic import op
import sqlalchemy as sa

from tracker.models.search import POSTGRESQL_CREATE, SQLITE_CREATE, SQLITE_DROP


# revision identifiers, used by Alembic.
revision = 'b5e1d7a94c20'
down_revision = 'c4a7d2e9f160'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'search_document',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('ref_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('members_only', sa.Boolean(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.Column('deliverable_id', sa.Integer(), nullable=True),
        sa.Column('series_id', sa.Integer(), nullable=True),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('on_date', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ['deliverable_id'], ['deliverable.id'],
            name=op.f('fk_search_document_deliverable_id_deliverable'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['meeting_id'], ['meeting.id'],
            name=op.f('fk_search_document_meeting_id_meeting'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_document')),
        sa.UniqueConstraint('kind', 'ref_id', name='uq_search_document_kind_ref_id'),
    )
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        for column in ('deliverable_id', 'kind', 'meeting_id', 'on_date', 'organisation_id', 'series_id'):
            batch_op.create_index(batch_op.f(f'ix_search_document_{column}'), [column], unique=False)
    bind = op.get_bind()
    statements = {'sqlite': SQLITE_CREATE, 'postgresql': POSTGRESQL_CREATE}
    for statement in statements.get(bind.dialect.name, []):
        op.execute(statement)
    # Index what is already there, so search works right after the upgrade.
    from tracker.search.indexing import rebuild

    rebuild(bind)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for statement in SQLITE_DROP:
            op.execute(statement)
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        for column in ('series_id', 'organisation_id', 'on_date', 'meeting_id', 'kind', 'deliverable_id'):
            batch_op.drop_index(batch_op.f(f'ix_search_document_{column}'))
    op.drop_table('search_document')
