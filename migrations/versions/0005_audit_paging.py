"""Audit log pages read in (at, id) order from an index for every filter; action in byte order.

The audit page sorted every event in a date range (or of one action, actor or record type) by
id to keep 100; each index those filters use now ends with (at, id), the page order. Action
prefixes are searched as ranges, so on PostgreSQL the column compares bytes ("C"), as SQLite does.

Revision ID: 0005_audit_paging
Revises: 0004_certificate_holder_name
Create Date: 2026-12-04 23:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005_audit_paging"
down_revision = "0004_certificate_holder_name"
branch_labels = None
depends_on = None

OLD = {
    "ix_audit_events_at": ["at"],
    "ix_audit_events_action": ["action"],
    "ix_audit_events_actor_id": ["actor_id"],
}
NEW = {
    "ix_audit_events_at_id": ["at", "id"],
    "ix_audit_events_action_at": ["action", "at", "id"],
    "ix_audit_events_actor_at": ["actor_id", "at", "id"],
    "ix_audit_events_type_at": ["object_type", "at", "id"],
}


def _action_collation(collation):
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "audit_events",
            "action",
            type_=sa.String(length=60, collation=collation),
            existing_type=sa.String(length=60),
            existing_nullable=False,
        )


def upgrade():
    for name in OLD:
        op.drop_index(name, table_name="audit_events")
    _action_collation("C")
    for name, columns in NEW.items():
        op.create_index(name, "audit_events", columns)


def downgrade():
    for name in NEW:
        op.drop_index(name, table_name="audit_events")
    _action_collation("default")
    for name, columns in OLD.items():
        op.create_index(name, "audit_events", columns)
