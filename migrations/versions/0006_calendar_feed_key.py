"""A calendar feed address can be replaced: a key per person, changed on request and whenever
the person is signed out everywhere (a password change, deactivation).

Revision ID: 0006_calendar_feed_key
Revises: 0005_audit_paging
Create Date: 2026-12-04 23:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006_calendar_feed_key"
down_revision = "0005_audit_paging"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("feed_key", sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("feed_key")
