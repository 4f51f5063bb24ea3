"""parent consultations (a lower level's collection on a higher level's draft) and the synthesis
items forwarded to the owning level's subcommittees

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-03 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TABLE = "forwarded_items"


def _fk(column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{TABLE}_{column}_{target}")
    )


def upgrade() -> None:
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_consultations_parent_id_consultations"),
            "consultations",
            ["parent_id"],
            ["id"],
        )
        batch_op.create_index(batch_op.f("ix_consultations_parent_id"), ["parent_id"])
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("synthesis_id", sa.Integer(), nullable=False),
        sa.Column("synthesis_item_id", sa.Integer(), nullable=False),
        sa.Column("from_consultation_id", sa.Integer(), nullable=False),
        sa.Column("from_organisation_id", sa.Integer(), nullable=False),
        sa.Column("to_consultation_id", sa.Integer(), nullable=False),
        sa.Column("to_subcommittee_id", sa.Integer(), nullable=False),
        sa.Column("forwarded_by_person_id", sa.Integer(), nullable=True),
        sa.Column("forwarded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        _fk("synthesis_id", "syntheses"),
        _fk("synthesis_item_id", "synthesis_items"),
        _fk("from_consultation_id", "consultations"),
        _fk("from_organisation_id", "organisations"),
        _fk("to_consultation_id", "consultations"),
        _fk("to_subcommittee_id", "subcommittees"),
        _fk("forwarded_by_person_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{TABLE}_synthesis_id"), ["synthesis_id"])
        batch_op.create_index(batch_op.f(f"ix_{TABLE}_synthesis_item_id"), ["synthesis_item_id"])
        batch_op.create_index("ix_forwarded_items_to", ["to_consultation_id", "to_subcommittee_id"])
        batch_op.create_index(
            "ix_forwarded_items_from", ["from_consultation_id", "from_organisation_id"]
        )


def downgrade() -> None:
    op.drop_table(TABLE)
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultations_parent_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_consultations_parent_id_consultations"), type_="foreignkey"
        )
        batch_op.drop_column("parent_id")
