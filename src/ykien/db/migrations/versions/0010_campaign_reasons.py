"""why each opinion joined its campaign; whether a campaign is a spun template

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 17:50:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("duplicate_members", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reason", sa.String(length=200), nullable=False, server_default="")
        )
    with op.batch_alter_table("duplicate_groups", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("template", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("duplicate_groups", schema=None) as batch_op:
        batch_op.drop_column("template")
    with op.batch_alter_table("duplicate_members", schema=None) as batch_op:
        batch_op.drop_column("reason")
