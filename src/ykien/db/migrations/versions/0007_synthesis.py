"""syntheses, their items and provenance

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 19:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _person(column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["people.id"], name=op.f(f"fk_syntheses_{column}_people")
    )


def upgrade() -> None:
    op.create_table(
        "syntheses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("summary_edited", sa.Boolean(), nullable=False),
        sa.Column("previous_revision_id", sa.Integer(), nullable=True),
        sa.Column("counts_json", sa.Text(), nullable=True),
        sa.Column("created_by_person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_off_by_person_id", sa.Integer(), nullable=True),
        sa.Column("signed_off_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by_person_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_to_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_syntheses_consultation_id_consultations"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_syntheses_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["previous_revision_id"],
            ["syntheses.id"],
            name=op.f("fk_syntheses_previous_revision_id_syntheses"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_to_id"],
            ["organisations.id"],
            name=op.f("fk_syntheses_submitted_to_id_organisations"),
        ),
        _person("created_by_person_id"),
        _person("signed_off_by_person_id"),
        _person("submitted_by_person_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_syntheses")),
        sa.UniqueConstraint(
            "consultation_id",
            "organisation_id",
            "revision",
            name=op.f("uq_syntheses_consultation_id_organisation_id_revision"),
        ),
    )
    with op.batch_alter_table("syntheses", schema=None) as batch_op:
        batch_op.create_index(
            "ix_syntheses_consultation_status", ["consultation_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_syntheses_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "synthesis_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("synthesis_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=True),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("quote_ids_json", sa.Text(), nullable=False),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("raw_count", sa.Integer(), nullable=True),
        sa.Column("unique_count", sa.Integer(), nullable=True),
        sa.Column("counts_json", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["section_id"], ["sections.id"], name=op.f("fk_synthesis_items_section_id_sections")
        ),
        sa.ForeignKeyConstraint(
            ["synthesis_id"],
            ["syntheses.id"],
            name=op.f("fk_synthesis_items_synthesis_id_syntheses"),
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["themes.id"], name=op.f("fk_synthesis_items_theme_id_themes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_synthesis_items")),
    )
    with op.batch_alter_table("synthesis_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_synthesis_items_synthesis_id"), ["synthesis_id"], unique=False
        )

    op.create_table(
        "synthesis_item_opinions",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("opinion_id", sa.Integer(), nullable=False),
        sa.Column("direct", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["synthesis_items.id"],
            name=op.f("fk_synthesis_item_opinions_item_id_synthesis_items"),
        ),
        sa.ForeignKeyConstraint(
            ["opinion_id"],
            ["opinions.id"],
            name=op.f("fk_synthesis_item_opinions_opinion_id_opinions"),
        ),
        sa.PrimaryKeyConstraint("item_id", "opinion_id", name=op.f("pk_synthesis_item_opinions")),
    )
    with op.batch_alter_table("synthesis_item_opinions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_synthesis_item_opinions_opinion_id"), ["opinion_id"], unique=False
        )

    op.create_table(
        "synthesis_item_sources",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("child_item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_item_id"],
            ["synthesis_items.id"],
            name=op.f("fk_synthesis_item_sources_child_item_id_synthesis_items"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["synthesis_items.id"],
            name=op.f("fk_synthesis_item_sources_item_id_synthesis_items"),
        ),
        sa.PrimaryKeyConstraint("item_id", "child_item_id", name=op.f("pk_synthesis_item_sources")),
    )
    with op.batch_alter_table("synthesis_item_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_synthesis_item_sources_child_item_id"), ["child_item_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("synthesis_item_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_synthesis_item_sources_child_item_id"))
    op.drop_table("synthesis_item_sources")
    with op.batch_alter_table("synthesis_item_opinions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_synthesis_item_opinions_opinion_id"))
    op.drop_table("synthesis_item_opinions")
    with op.batch_alter_table("synthesis_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_synthesis_items_synthesis_id"))
    op.drop_table("synthesis_items")
    with op.batch_alter_table("syntheses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_syntheses_organisation_id"))
        batch_op.drop_index("ix_syntheses_consultation_status")
    op.drop_table("syntheses")
