"""search: agenda notes, outcomes and actions of unapproved meetings are members-only drafts

Revision ID: f2c9a4e1b7d3
Revises: f2a9c4e1b7d3
Create Date: 2026-12-02 01:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f2c9a4e1b7d3'
down_revision = 'f2a9c4e1b7d3'
branch_labels = None
depends_on = None

# Data only: the documents already in the index get the visibility the indexer now gives them.
RECORD = "search_document.kind IN ('agenda', 'outcome', 'action')"
UNAPPROVED = (
    "NOT EXISTS (SELECT 1 FROM minutes_approval "
    "WHERE minutes_approval.meeting_id = search_document.meeting_id)"
)


def upgrade():
    op.execute(
        f"UPDATE search_document SET members_only = ({UNAPPROVED}) WHERE {RECORD}"
    )


def downgrade():
    op.execute(f"UPDATE search_document SET members_only = false WHERE {RECORD}")
