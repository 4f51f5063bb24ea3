"""opinion search keys and list indexes

Adds opinions.search_fold and opinions.search_tone (see ykien.opinions.search), fills them for
existing rows in batches, then adds the indexes the opinion list filters and sorts with.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from ykien.opinions.search import document_keys

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BATCH = 5_000

_ROWS = sa.text(
    """
    SELECT o.id, o.text, COALESCE(p.full_name, o.author_name), COALESCE(b.name, a.name)
    FROM opinions o
    LEFT JOIN people p ON p.id = o.author_person_id
    LEFT JOIN organisations b ON b.id = o.on_behalf_of_id
    LEFT JOIN organisations a ON a.id = p.organisation_id
    WHERE o.id > :after
    ORDER BY o.id
    LIMIT :batch
    """
)
_UPDATE = sa.text("UPDATE opinions SET search_fold = :fold, search_tone = :tone WHERE id = :id")


def _backfill() -> None:
    connection = op.get_bind()
    after = 0
    while True:
        rows = connection.execute(_ROWS, {"after": after, "batch": BATCH}).all()
        if not rows:
            return
        updates = []
        for opinion_id, text, author, organisation in rows:
            fold, tone = document_keys(text, author, organisation)
            updates.append({"id": opinion_id, "fold": fold, "tone": tone})
        connection.execute(_UPDATE, updates)
        after = rows[-1][0]


def upgrade() -> None:
    with op.batch_alter_table("opinions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_fold", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("search_tone", sa.Text(), nullable=True))
    _backfill()
    with op.batch_alter_table("opinions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_opinions_consultation_submitted",
            ["consultation_id", "submitted_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_opinions_consultation_status_submitted",
            ["consultation_id", "status", "submitted_at", "id"],
            unique=False,
        )
        # the reader counts visible opinions per section from this index alone
        batch_op.drop_index("ix_opinions_consultation_section")
        batch_op.create_index(
            "ix_opinions_consultation_section_status",
            ["consultation_id", "section_id", "status"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("opinions", schema=None) as batch_op:
        batch_op.drop_index("ix_opinions_consultation_section_status")
        batch_op.create_index(
            "ix_opinions_consultation_section", ["consultation_id", "section_id"], unique=False
        )
        batch_op.drop_index("ix_opinions_consultation_status_submitted")
        batch_op.drop_index("ix_opinions_consultation_submitted")
        batch_op.drop_column("search_tone")
        batch_op.drop_column("search_fold")
