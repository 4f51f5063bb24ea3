"""report items: why the draft of an opinion was proposed (a draft named nearby, a section
found in one draft only, the event's own draft, or the secretary's choice)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("event_report_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("draft_reason", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("draft_evidence", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("event_report_items", schema=None) as batch_op:
        batch_op.drop_column("draft_evidence")
        batch_op.drop_column("draft_reason")
