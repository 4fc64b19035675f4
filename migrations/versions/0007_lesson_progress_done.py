"""Lessons done per enrolment from an index alone: the dashboard's cohort rows count them for
every cohort of the year (177,000 rows at 25,000 trainees), and read each row's done_at from
the table until now.

Revision ID: 0007_lesson_progress_done
Revises: 0006_calendar_feed_key
Create Date: 2026-12-05 02:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007_lesson_progress_done"
down_revision = "0006_calendar_feed_key"
branch_labels = None
depends_on = None

DONE = sa.text("done_at IS NOT NULL")


def upgrade():
    with op.batch_alter_table("lesson_progress") as batch_op:
        batch_op.create_index(
            "ix_lesson_progress_done",
            ["enrolment_id", "lesson_id"],
            unique=False,
            sqlite_where=DONE,
            postgresql_where=DONE,
        )


def downgrade():
    with op.batch_alter_table("lesson_progress") as batch_op:
        batch_op.drop_index("ix_lesson_progress_done", sqlite_where=DONE, postgresql_where=DONE)
