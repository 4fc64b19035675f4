"""Uploaded CSVs wait for confirmation in the database, not on one app server's disk.

Revision ID: 0003_pending_imports
Revises: 0002_report_cache_and_indexes
Create Date: 2026-11-27 18:25:49.865384

"""

import sqlalchemy as sa
from alembic import op

import academy.extensions

# revision identifiers, used by Alembic.
revision = "0003_pending_imports"
down_revision = "0002_report_cache_and_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pending_imports",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("encoding", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", academy.extensions.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_pending_imports_cohort_id_cohorts")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_pending_imports_user_id_users")
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_pending_imports")),
    )
    with op.batch_alter_table("pending_imports") as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_imports_cohort_id"), ["cohort_id"])
        batch_op.create_index(batch_op.f("ix_pending_imports_created_at"), ["created_at"])
        batch_op.create_index(batch_op.f("ix_pending_imports_user_id"), ["user_id"])


def downgrade():
    op.drop_table("pending_imports")
