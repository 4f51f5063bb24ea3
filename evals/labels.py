"""Theme labels on real English deliberations: fragments and stop words in the key phrases.

For every English polis conversation in ../shared/data, themes are found as shipped (k chosen
automatically) and every key phrase is checked: a phrase with a contraction fragment ("t", "s",
"don", "doesn", "isn", ...) or a single letter is a bad phrase. Prints the labels of each
conversation and the share of bad phrases. Run: `python -m evals.labels`.
"""

from __future__ import annotations

import csv

from evals.data import DATA
from ykien.analysis.themes import find_themes

FRAGMENTS = frozenset(
    "t s don doesn isn aren wasn weren didn couldn shouldn wouldn ve ll re".split()  # noqa: SIM905
)


def main() -> None:
    phrases = bad = 0
    for path in sorted((DATA / "polis").glob("*/comments.csv")):
        if "austria" in path.parent.name:
            continue
        with path.open(encoding="utf-8") as handle:
            rows = [r for r in csv.DictReader(handle) if r["moderated"] != "-1"]
        items = [(n, row["comment-body"]) for n, row in enumerate(rows)]
        result, _ = find_themes(items, seed=0)
        print(f"\n{path.parent.name}: {len(items)} comments, {result.chosen_k} themes")
        for theme in result.themes:
            phrases += len(theme.key_phrases)
            bad += sum(
                1
                for p in theme.key_phrases
                if FRAGMENTS & set(p.split()) or min(map(len, p.split())) < 2
            )
            print(f"  {len(theme.member_ids):>4}  {theme.label}")
    print(f"\nkey phrases {phrases}, with a contraction fragment or a single letter: {bad} "
          f"({bad / max(phrases, 1):.1%})")  # fmt: skip


if __name__ == "__main__":
    main()
