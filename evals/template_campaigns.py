"""Spun-template campaigns: pairwise F1 of ykien beside today's method and datasketch.

Data: evals.templates (32 templates, vi + en, 200-2,000 copies each, alternatives at every
phrase) mixed with 5,000 real comments from ../shared/data; and evals.campaigns' light spinning
(synonyms, typos, removed diacritics, reordered sentences; 20,000). Methods in the same run:
- "word pairs (before)": exact keys + MinHash on word pairs, Jaccard 0.6, no claim check;
- "+ claim check": the same, pairs whose differing words change the claim kept apart;
- "+ templates (shipped)": and the spun-template stage (ykien.analysis.templates);
- "datasketch": MinHash + MinHashLSH on the same word pairs (the baseline).
Run: `python -m evals.template_campaigns [--no-baseline]`.
"""

from __future__ import annotations

import argparse
import time

from evals import dedupe as ev
from evals import templates
from ykien.analysis import dedupe

Items = list[tuple[int, str]]


def _ours(*, meaning: bool, with_templates: bool) -> ev.Grouper:
    def run(items: Items) -> list[list[int]]:
        found = dedupe.find_duplicates(items, meaning=meaning, with_templates=with_templates)
        return [list(g.member_ids) for g in found]

    return run


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    groupers: dict[str, ev.Grouper] = {
        "word pairs (before)": _ours(meaning=False, with_templates=False),
        "+ claim check": _ours(meaning=True, with_templates=False),
        "+ templates (shipped)": _ours(meaning=True, with_templates=True),
    }
    if not args.no_baseline:
        groupers["datasketch"] = ev.datasketch_groups
    items, gold, built = templates.generate(seed=args.seed)
    copies = sum(1 for label in gold.values() if str(label).startswith("template-"))
    print(f"spun templates: {len(built)} templates, {copies:,} copies, "
          f"{len(items) - copies:,} real comments")  # fmt: skip
    print(f"{'set':<16} {'method':<22} {'P':>6} {'R':>6} {'F1':>6} {'groups':>7} {'seconds':>8}")
    for name, data in (("spun templates", (items, gold)), ("light spinning", ev.generated())):
        for label, grouper in groupers.items():
            started = time.perf_counter()
            groups = grouper(data[0])
            elapsed = time.perf_counter() - started
            precision, recall, f1 = ev.pairwise_scores(groups, data[1])
            print(f"{name:<16} {label:<22} {precision:6.3f} {recall:6.3f} {f1:6.3f} "
                  f"{len(groups):>7} {elapsed:8.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
