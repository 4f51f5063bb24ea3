"""organisation tiers; subcommittee members and chairs; closing a subcommittee

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 08:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tier", sa.String(length=100), nullable=True))
    with op.batch_alter_table("subcommittees", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "subcommittee_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subcommittee_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("chair", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.ForeignKeyConstraint(["subcommittee_id"], ["subcommittees.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("subcommittee_id", "person_id"),
    )
    op.create_index(
        "ix_subcommittee_members_subcommittee_id", "subcommittee_members", ["subcommittee_id"]
    )
    op.create_index("ix_subcommittee_members_person_id", "subcommittee_members", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_subcommittee_members_person_id", table_name="subcommittee_members")
    op.drop_index("ix_subcommittee_members_subcommittee_id", table_name="subcommittee_members")
    op.drop_table("subcommittee_members")
    with op.batch_alter_table("subcommittees", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("tier")
