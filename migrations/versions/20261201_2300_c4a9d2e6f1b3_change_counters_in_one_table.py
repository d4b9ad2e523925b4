"""change counters in one table keyed by name

Revision ID: c4a9d2e6f1b3
Revises: 7a1e0c2d9b10
Create Date: 2026-12-01 23:00:00

The page cache's counter (data_state) becomes the row "data" and the feeds' counter
(calendar_state) the row "feeds". The feeds keep their epoch and count, so ETags given out
before stay valid; their last change is kept as Unix time in whole seconds.
"""
from datetime import UTC, datetime
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4a9d2e6f1b3'
down_revision = '7a1e0c2d9b10'
branch_labels = None
depends_on = None


def as_utc(value):
    """A stored instant (text on SQLite, naive or aware elsewhere) as an aware UTC datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def upgrade():
    counters = op.create_table('change_counter',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('counter', sa.BigInteger(), nullable=False),
    sa.Column('changed_second', sa.BigInteger(), nullable=False),
    sa.Column('epoch', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_change_counter'))
    )
    connection = op.get_bind()
    now = int(datetime.now(UTC).timestamp())
    data = connection.execute(sa.text('SELECT counter FROM data_state WHERE id = 1')).first()
    feeds = connection.execute(
        sa.text('SELECT counter, changed_at, epoch FROM calendar_state WHERE id = 1')
    ).first()
    rows = [{
        'name': 'data', 'counter': data[0] if data else 0, 'changed_second': now,
        'epoch': secrets.token_hex(16),
    }]
    if feeds is not None:
        rows.append({
            'name': 'feeds', 'counter': feeds[0],
            'changed_second': int(as_utc(feeds[1]).timestamp()), 'epoch': feeds[2],
        })
    else:
        rows.append({
            'name': 'feeds', 'counter': 0, 'changed_second': now, 'epoch': secrets.token_hex(16)
        })
    op.bulk_insert(counters, rows)
    op.drop_table('data_state')
    op.drop_table('calendar_state')


def downgrade():
    data_state = op.create_table('data_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('counter', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_state'))
    )
    calendar_state = op.create_table('calendar_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('counter', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('epoch', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_state'))
    )
    connection = op.get_bind()
    rows = {
        name: (counter, second, epoch)
        for name, counter, second, epoch in connection.execute(
            sa.text('SELECT name, counter, changed_second, epoch FROM change_counter')
        )
    }
    data = rows.get('data')
    op.bulk_insert(data_state, [{'id': 1, 'counter': data[0] if data else 0}])
    feeds = rows.get('feeds')
    if feeds is not None:
        changed_at = datetime.fromtimestamp(feeds[1], UTC)
        op.bulk_insert(calendar_state, [
            {'id': 1, 'counter': feeds[0], 'changed_at': changed_at, 'epoch': feeds[2]}
        ])
    else:
        op.bulk_insert(calendar_state, [{
            'id': 1, 'counter': 0, 'changed_at': datetime.now(UTC),
            'epoch': secrets.token_hex(16),
        }])
    op.drop_table('change_counter')
