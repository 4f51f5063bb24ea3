"""The house rules that a script can check (scripts/architecture.py): modules under 800 lines
(pure parsers aside), functions under 80, no commit() in route modules, no ykien.web imports
from services, models or schemas, no import cycles between domains or between CLI modules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "architecture.py"


def test_the_checked_house_rules_hold() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--strict"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout
