"""opinion tallies: counts per consultation and facet kept by triggers (see ykien.analysis.tallies)

Creates opinion_tallies, the triggers on opinions, theme_members, duplicate_members and
duplicate_groups that keep it, and counts the existing opinions once.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from ykien.analysis import tallies

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "opinion_tallies",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("facet", sa.String(length=24), nullable=False),
        sa.Column("scope_id", sa.BigInteger(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("raw", sa.BigInteger(), nullable=False),
        sa.Column("merged", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("consultation_id", "facet", "scope_id", "key"),
    )
    connection = op.get_bind()
    for statement in tallies.create_triggers_ddl(connection.dialect.name):
        connection.exec_driver_sql(statement)
    tallies.rebuild(session=Session(bind=connection))


def downgrade() -> None:
    connection = op.get_bind()
    for statement in tallies.drop_triggers_ddl(connection.dialect.name):
        connection.exec_driver_sql(statement)
    op.drop_table("opinion_tallies")
