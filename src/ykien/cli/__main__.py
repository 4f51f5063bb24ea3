"""`python -m ykien.cli ...`: the `ykien` command."""

import os

from ykien.cli import main

if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUTF8", "1")
    main()
