"""Duplicate and campaign detection on generated opinions of about 30 words, beside datasketch.

Prints the time of ykien's find_duplicates on 1,000,000 opinions (--quick: 100,000), its pairwise
F1 against the generator's campaign labels and the peak memory of the process; the time and F1 of
datasketch MinHash + MinHashLSH (verified, connected components) on a subset, extrapolated
linearly to the full size, and the ratio; and signatures by rensa (R-MinHash, exported to numpy)
against ykien's numpy MinHash on the same subset.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from evals import campaigns
from evals.dedupe import datasketch_groups, pairwise_scores
from ykien.analysis import dedupe


def make(total: int, seed: int = 1) -> tuple[list[tuple[int, str]], dict[int, object]]:
    items: list[tuple[int, str]] = []
    gold: dict[int, object] = {}
    generated = campaigns.iter_generate(
        total=total, campaigns=max(8, total // 2000), campaign_share=0.7, seed=seed
    )
    for item in generated:
        items.append((item.id, item.text))
        gold[item.id] = item.label
    return items, gold


def rensa_signatures(texts: list[str], num_perm: int) -> np.ndarray:
    """rensa R-MinHash signatures of ykien's shingles, as a numpy matrix like ykien's."""
    from rensa import RMinHash

    word_hashes, word_offsets = dedupe._word_hashes(dedupe.analysis_keys(texts))
    values, offsets = dedupe._shingles_flat(word_hashes, word_offsets)
    matrix = RMinHash.digest_matrix_from_flat_token_hashes(
        values, offsets.astype(np.uint64), num_perm, 1
    )
    return np.array(matrix.to_rows(), dtype=np.uint32)


def compare_rensa(texts: list[str], gold_ids: list[int], gold: dict[int, object]) -> None:
    started = time.perf_counter()
    ours = dedupe.signatures(texts)
    ours_s = time.perf_counter() - started
    started = time.perf_counter()
    theirs = rensa_signatures(texts, dedupe.NUM_PERM)
    theirs_s = time.perf_counter() - started
    keys = [dedupe.exact_key(t) for t in texts]
    scores = []
    for sigs in (ours, theirs):
        groups = dedupe.group_signatures(gold_ids, keys, sigs)
        scores.append(pairwise_scores([g.member_ids for g in groups], gold)[2])
    print(
        f"  signatures of {len(texts):,}: ykien numpy {ours_s:.2f} s (F1 {scores[0]:.3f})   "
        f"rensa R-MinHash + export {theirs_s:.2f} s (F1 {scores[1]:.3f})"
    )


def run(total: int, baseline_size: int) -> None:
    items, gold = make(total)
    print(f"dedupe: {total:,} generated opinions (~30 words, 70% in campaigns)")
    started = time.perf_counter()
    groups = dedupe.find_duplicates(items)
    elapsed = time.perf_counter() - started
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    _, _, f1 = pairwise_scores([g.member_ids for g in groups], gold)
    print(
        f"  ykien find_duplicates  {elapsed:7.1f} s   F1 {f1:.3f}   groups {len(groups):,}   "
        f"peak RSS {peak_gib:.2f} GiB"
    )
    started = time.perf_counter()
    before = dedupe.find_duplicates(items, meaning=False, with_templates=False)
    before_s = time.perf_counter() - started
    _, _, before_f1 = pairwise_scores([g.member_ids for g in before], gold)
    print(
        f"  before (word pairs only, no claim check, no templates) {before_s:7.1f} s   "
        f"F1 {before_f1:.3f}   shipped / before: {elapsed / before_s:.2f}x the time"
    )
    subset = items[:baseline_size]
    subset_gold = {i: gold[i] for i, _ in subset}
    started = time.perf_counter()
    base_groups = datasketch_groups(subset)
    base_s = time.perf_counter() - started
    _, _, base_f1 = pairwise_scores(base_groups, subset_gold)
    started = time.perf_counter()
    ours_small = dedupe.find_duplicates(subset)
    ours_small_s = time.perf_counter() - started
    _, _, small_f1 = pairwise_scores([g.member_ids for g in ours_small], subset_gold)
    estimate = base_s * total / len(subset)
    print(
        f"  datasketch on {len(subset):,}: {base_s:.1f} s (F1 {base_f1:.3f}); ykien on the same "
        f"{ours_small_s:.2f} s (F1 {small_f1:.3f})"
    )
    print(
        f"  datasketch extrapolated linearly to {total:,}: {estimate:,.0f} s   "
        f"ratio {estimate / elapsed:.1f}x (target >= 10x)"
    )
    compare_rensa([t for _, t in subset], [i for i, _ in subset], subset_gold)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100,000 opinions")
    parser.add_argument("--total", type=int)
    parser.add_argument("--baseline-size", type=int, default=20_000)
    args = parser.parse_args(argv)
    total = args.total or (100_000 if args.quick else 1_000_000)
    run(total, min(args.baseline_size, total))


if __name__ == "__main__":
    main()
