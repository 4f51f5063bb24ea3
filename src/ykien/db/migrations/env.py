"""Alembic environment: the connection is handed in by ykien.db.migrate."""

from alembic import context

from ykien.db.migrate import described_by_models
from ykien.db.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `ykien db upgrade`")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_object=described_by_models,
)
with context.begin_transaction():
    context.run_migrations()
