"""A renamed lesson keeps the slugs it had, so links to them still find it.

Revision ID: 0008_lesson_former_slugs
Revises: 0007_lesson_progress_done
Create Date: 2026-12-05 02:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008_lesson_former_slugs"
down_revision = "0007_lesson_progress_done"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("lessons") as batch_op:
        batch_op.add_column(sa.Column("former_slugs", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("lessons") as batch_op:
        batch_op.drop_column("former_slugs")
