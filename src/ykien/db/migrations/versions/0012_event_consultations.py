"""an event collects opinions for several consultations; report items choose their draft and
the organisation they are credited to; a consultation's counting rule for spoken opinions

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-03 08:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_consultations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_event_consultations_consultation_id_consultations"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_consultations_event_id_events")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_consultations")),
        sa.UniqueConstraint(
            "event_id",
            "consultation_id",
            name=op.f("uq_event_consultations_event_id_consultation_id"),
        ),
    )
    with op.batch_alter_table("event_consultations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_consultations_consultation_id"), ["consultation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_event_consultations_event_id"), ["event_id"], unique=False
        )
    # every existing event collects for its own consultation
    op.execute(
        "INSERT INTO event_consultations (event_id, consultation_id) "
        "SELECT id, consultation_id FROM events"
    )
    with op.batch_alter_table("event_report_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consultation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("credited_organisation_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_event_report_items_consultation_id_consultations"),
            "consultations",
            ["consultation_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_event_report_items_credited_organisation_id_organisations"),
            "organisations",
            ["credited_organisation_id"],
            ["id"],
        )
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("count_spoken_only", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_column("count_spoken_only")
    with op.batch_alter_table("event_report_items", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_event_report_items_credited_organisation_id_organisations"),
            type_="foreignkey",
        )
        batch_op.drop_constraint(
            batch_op.f("fk_event_report_items_consultation_id_consultations"), type_="foreignkey"
        )
        batch_op.drop_column("credited_organisation_id")
        batch_op.drop_column("consultation_id")
    with op.batch_alter_table("event_consultations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_consultations_event_id"))
        batch_op.drop_index(batch_op.f("ix_event_consultations_consultation_id"))
    op.drop_table("event_consultations")
