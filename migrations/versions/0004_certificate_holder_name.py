"""Certificates keep the holder's name as issued: the account's name can change afterwards.

Revision ID: 0004_certificate_holder_name
Revises: 0003_pending_imports
Create Date: 2026-12-02 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004_certificate_holder_name"
down_revision = "0003_pending_imports"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("completion_records") as batch_op:
        batch_op.add_column(sa.Column("holder_name", sa.String(length=120), nullable=True))
    # Certificates issued before now show the name the account has today: the best there is.
    op.execute(
        "UPDATE completion_records SET holder_name ="
        " (SELECT users.name FROM users WHERE users.id = completion_records.user_id)"
    )
    with op.batch_alter_table("completion_records") as batch_op:
        batch_op.alter_column("holder_name", existing_type=sa.String(length=120), nullable=False)


def downgrade():
    with op.batch_alter_table("completion_records") as batch_op:
        batch_op.drop_column("holder_name")
