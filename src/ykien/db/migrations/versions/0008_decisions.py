"""decisions, their publications and sections, the subcommittee queue trail

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 20:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _index(table: str, column: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "decision_publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("published_by_person_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision_count", sa.Integer(), nullable=False),
        sa.Column("notified_count", sa.Integer(), nullable=False),
        sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
        _fk("decision_publications", "consultation_id", "consultations"),
        _fk("decision_publications", "published_by_person_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_publications")),
    )
    _index("decision_publications", "consultation_id")

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("subcommittee_id", sa.Integer(), nullable=False),
        sa.Column("target_type", sa.String(length=10), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("new_wording", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("drafted_by_person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by_person_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by_person_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("publication_id", sa.Integer(), nullable=True),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        _fk("decisions", "consultation_id", "consultations"),
        _fk("decisions", "subcommittee_id", "subcommittees"),
        _fk("decisions", "supersedes_id", "decisions"),
        _fk("decisions", "drafted_by_person_id", "people"),
        _fk("decisions", "approved_by_person_id", "people"),
        _fk("decisions", "published_by_person_id", "people"),
        _fk("decisions", "publication_id", "decision_publications"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_decisions_target",
            ["consultation_id", "target_type", "target_id", "status"],
            unique=False,
        )
    _index("decisions", "subcommittee_id")
    _index("decisions", "publication_id")

    op.create_table(
        "decision_sections",
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        _fk("decision_sections", "decision_id", "decisions"),
        _fk("decision_sections", "section_id", "sections"),
        sa.PrimaryKeyConstraint("decision_id", "section_id", name=op.f("pk_decision_sections")),
    )
    _index("decision_sections", "section_id")

    op.create_table(
        "queue_forwards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("target_type", sa.String(length=10), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("from_subcommittee_id", sa.Integer(), nullable=False),
        sa.Column("to_subcommittee_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("forwarded_by_person_id", sa.Integer(), nullable=True),
        sa.Column("forwarded_at", sa.DateTime(timezone=True), nullable=False),
        _fk("queue_forwards", "consultation_id", "consultations"),
        _fk("queue_forwards", "from_subcommittee_id", "subcommittees"),
        _fk("queue_forwards", "to_subcommittee_id", "subcommittees"),
        _fk("queue_forwards", "forwarded_by_person_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_forwards")),
    )
    with op.batch_alter_table("queue_forwards", schema=None) as batch_op:
        batch_op.create_index(
            "ix_queue_forwards_target",
            ["consultation_id", "target_type", "target_id"],
            unique=False,
        )
    _index("queue_forwards", "to_subcommittee_id")


def downgrade() -> None:
    for table in ("queue_forwards", "decision_sections", "decisions", "decision_publications"):
        op.drop_table(table)
