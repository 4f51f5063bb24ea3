"""Where the third-party evaluation data is: $YKIEN_DATA, else ../shared/data beside the repo."""

from __future__ import annotations

import os
from pathlib import Path

DATA = Path(
    os.environ.get("YKIEN_DATA") or Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
)
