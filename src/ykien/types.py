"""Value types shared by schemas of every domain (no web imports)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

# the databases' INTEGER: a larger id is refused at validation (422), not by the database
MAX_ID = 2_147_483_647
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
