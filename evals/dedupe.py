"""Near-duplicate detection quality: pairwise precision, recall and F1 against gold groups.

Datasets: vn-news syndicated stories (manifest `dup_title_group`; every other article is
background), vnexpress-comments exact duplicates (gold: same normalised text), and generated
campaigns (evals.campaigns). Beside ykien's find_duplicates: datasketch MinHash + MinHashLSH on
the same shingles, same threshold, verified the same way (the baseline).
Run: `python -m evals.dedupe` (add --method canonical to cut chains at the canonical text).
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise

import numpy as np

from evals import campaigns
from evals.data import DATA
from ykien.analysis import dedupe
from ykien.analysis.textpipe import normalise
from ykien.text import fold

Items = list[tuple[int, str]]
Gold = dict[int, object]
Grouper = Callable[[Items], list[list[int]]]


def pair_count(size: int) -> int:
    return size * (size - 1) // 2


def pairwise_scores(groups: Iterable[Sequence[int]], gold: Gold) -> tuple[float, float, float]:
    """Precision, recall, F1 over item pairs put in one group, against pairs with one gold label."""
    predicted = 0
    both: Counter[tuple[int, object]] = Counter()
    for number, members in enumerate(groups):
        predicted += pair_count(len(members))
        both.update((number, gold[m]) for m in members)
    true_pairs = sum(pair_count(n) for n in both.values())
    gold_pairs = sum(pair_count(n) for n in Counter(gold.values()).values())
    precision = true_pairs / predicted if predicted else 1.0
    recall = true_pairs / gold_pairs if gold_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def bigram_tokens(key: str) -> list[bytes]:
    """The baseline's shingles: adjacent folded word pairs, like ykien's."""
    words = fold(key).split()
    if len(words) < 2:
        return [w.encode() for w in words]
    return [f"{a} {b}".encode() for a, b in pairwise(words)]


def datasketch_groups(
    items: Items, *, threshold: float = dedupe.THRESHOLD, num_perm: int = dedupe.NUM_PERM
) -> list[list[int]]:
    """Groups by datasketch: MinHash per text, MinHashLSH, verified pairs, connected components."""
    from datasketch import MinHash, MinHashLSH

    ids = [item_id for item_id, _ in items]
    keys = dedupe.analysis_keys(text for _, text in items)
    sketches = MinHash.bulk([bigram_tokens(k) for k in keys], num_perm=num_perm)
    index = MinHashLSH(threshold=threshold, num_perm=num_perm)
    with index.insertion_session() as session:
        for position, sketch in enumerate(sketches):
            session.insert(position, sketch)
    parent = list(range(len(ids)))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for position, sketch in enumerate(sketches):
        for other in index.query(sketch):
            if other != position and sketch.jaccard(sketches[other]) >= threshold:
                parent[root(position)] = root(other)
    members: defaultdict[int, list[int]] = defaultdict(list)
    for position, item_id in enumerate(ids):
        members[root(position)].append(item_id)
    return [m for m in members.values() if len(m) > 1]


def ykien_grouper(method: dedupe.Method, threshold: float) -> Grouper:
    def run(items: Items) -> list[list[int]]:
        groups = dedupe.find_duplicates(items, threshold=threshold, method=method)
        return [list(g.member_ids) for g in groups]

    return run


def exact_grouper() -> Grouper:
    def run(items: Items) -> list[list[int]]:
        groups = dedupe.find_duplicates(items, threshold=1.01)
        return [list(g.member_ids) for g in groups]

    return run


def vn_news(*, lines: int | None = None) -> tuple[Items, Gold] | None:
    folder = DATA / "vn-news"
    if not (folder / "manifest.csv").exists():
        return None
    items: Items = []
    gold: Gold = {}
    with (folder / "manifest.csv").open(encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle)):
            path = folder / "data" / row["file"]
            if not path.exists():
                continue
            text = path.read_text(encoding="utf-8")
            if lines is not None:
                text = "\n".join(text.splitlines()[:lines])
            items.append((number, text))
            gold[number] = row["dup_title_group"] or f"single-{number}"
    return items, gold


def vnexpress_comments() -> tuple[Items, Gold] | None:
    path = DATA / "vnexpress-comments" / "comments.csv"
    if not path.exists():
        return None
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, skipinitialspace=True))
    items = [(number, row["content"]) for number, row in enumerate(rows)]
    gold: Gold = {number: normalise(text).lower() for number, text in items}
    return items, gold


def generated(total: int = 20_000) -> tuple[Items, Gold]:
    made = campaigns.generate(total=total, campaigns=40, campaign_share=0.5, seed=7)
    return [(m.id, m.text) for m in made], {m.id: m.label for m in made}


def evaluate(name: str, data: tuple[Items, Gold] | None, groupers: dict[str, Grouper]) -> None:
    if data is None:
        print(f"{name:<22} skipped: data not found under {DATA}")
        return
    items, gold = data
    for label, grouper in groupers.items():
        started = time.perf_counter()
        groups = grouper(items)
        elapsed = time.perf_counter() - started
        precision, recall, f1 = pairwise_scores(groups, gold)
        print(
            f"{name:<22} {label:<11} n={len(items):>6}  P={precision:.3f}  R={recall:.3f}  "
            f"F1={f1:.3f}  groups={len(groups):>5}  {elapsed:6.2f} s"
        )


def threshold_sweep(data: Sequence[tuple[str, tuple[Items, Gold] | None]]) -> None:
    print("\nF1 by threshold (ykien, components):")
    for threshold in np.arange(0.3, 0.85, 0.1):
        scores = []
        for _, found in data:
            if found is not None:
                groups = ykien_grouper("components", float(threshold))(found[0])
                scores.append(f"{pairwise_scores(groups, found[1])[2]:.3f}")
        print(f"  threshold {threshold:.1f}: " + "  ".join(scores))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threshold", type=float, default=dedupe.THRESHOLD)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--sweep", action="store_true", help="also print F1 by threshold")
    args = parser.parse_args(argv)
    groupers: dict[str, Grouper] = {
        "ykien": ykien_grouper("components", args.threshold),
        "ykien-cut": ykien_grouper("canonical", args.threshold),
        "exact-only": exact_grouper(),
    }
    if not args.no_baseline:
        groupers["datasketch"] = lambda items: datasketch_groups(items, threshold=args.threshold)
    print(f"near-duplicate detection, threshold {args.threshold}, {dedupe.NUM_PERM} permutations")
    print("(ykien-cut: members too far from their group's canonical text are split off;")
    print(" exact-only: the exact-key groups alone, no near-duplicates)")
    data = [
        ("vn-news full articles", vn_news()),
        ("vn-news title+lead", vn_news(lines=2)),
        ("vnexpress exact", vnexpress_comments()),
        ("generated campaigns", generated()),
    ]
    for name, found in data:
        evaluate(name, found, groupers)
    if args.sweep:
        threshold_sweep(data)


if __name__ == "__main__":
    main()
