"""Theme clustering quality: NMI and ARI against gold labels, beside a plain baseline.

Label sets:
- uit-vsfc topics (lecturer, curriculum, facility, others): method variants are compared on the
  train split (that is where the shipped settings were chosen); the shipped method is then
  reported on the dev split, which was not used for choosing anything.
- vnexpress-comments grouped by article (each article's comments are one gold cluster).

Baseline, run in the same program: TF-IDF on raw syllables (scikit-learn's default analyzer) and
KMeans with k = the number of gold clusters. Ours: find_themes as shipped (k chosen automatically
within the default bounds 2..12) and find_themes with k fixed to the gold number. Opinions that
find_themes leaves out (no words after stop words) count as one extra cluster, so nothing is
dropped from the scores. Every figure is the mean over SEEDS seeds.

Run: .venv/bin/python -m evals.themes [--quick] [--skip-variants]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from threadpoolctl import threadpool_limits

from evals.data import DATA
from ykien.analysis.themes import ThemeOptions, ThemeResult, find_themes

SEEDS = (0, 1, 2)
VARIANTS: dict[str, ThemeOptions] = {
    "shipped (lexicon, bigrams, LSA 20)": ThemeOptions(),
    "pyvi on every opinion": ThemeOptions(segmenter="pyvi"),
    "syllables (no segmentation)": ThemeOptions(segmenter="syllables"),
    "unigrams only": ThemeOptions(bigrams=False),
    "LSA 50 dims": ThemeOptions(lsa_dims=50),
    "LSA 100 dims": ThemeOptions(lsa_dims=100),
    "no LSA (TF-IDF rows)": ThemeOptions(lsa_dims=0),
    "k by silhouette": ThemeOptions(criterion="silhouette"),
}


@dataclass(frozen=True)
class Scores:
    """Mean NMI and ARI over seeds, and the k that was used (mean, for the automatic runs)."""

    nmi: float
    ari: float
    k: float
    seconds: float

    def row(self, name: str) -> str:
        return f"  {name:<34} NMI {self.nmi:6.3f}   ARI {self.ari:6.3f}   k {self.k:5.1f}"


def read_uit(split: str) -> tuple[list[str], list[int]]:
    folder = DATA / "uit-vsfc" / split
    sentences = folder.joinpath("sents.txt").read_text(encoding="utf-8").splitlines()
    topics = [int(t) for t in folder.joinpath("topics.txt").read_text().split()]
    return sentences, topics[: len(sentences)]


def read_vnexpress() -> tuple[list[str], list[int]]:
    path = DATA / "vnexpress-comments" / "comments.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, skipinitialspace=True))
    articles = sorted({row["article_id"] for row in rows})
    index = {article: n for n, article in enumerate(articles)}
    return [row["content"] for row in rows], [index[row["article_id"]] for row in rows]


def predicted_labels(result: ThemeResult, count: int) -> list[int]:
    """Theme index per opinion (ids are positions); left-out opinions form one more cluster."""
    labels = [len(result.themes)] * count
    for index, theme in enumerate(result.themes):
        for opinion_id in theme.member_ids:
            labels[opinion_id] = index
    return labels


def score(gold: Sequence[int], runs: list[tuple[list[int], int, float]]) -> Scores:
    return Scores(
        nmi=statistics.mean(normalized_mutual_info_score(gold, p) for p, _, _ in runs),
        ari=statistics.mean(adjusted_rand_score(gold, p) for p, _, _ in runs),
        k=statistics.mean(k for _, k, _ in runs),
        seconds=statistics.mean(s for _, _, s in runs),
    )


def baseline(texts: Sequence[str], gold: Sequence[int]) -> Scores:
    """TF-IDF on raw syllables + KMeans with the gold number of clusters."""
    k = len(set(gold))
    runs = []
    for seed in SEEDS:
        started = time.perf_counter()
        matrix = TfidfVectorizer().fit_transform(texts)
        with threadpool_limits(limits=1):
            labels = KMeans(n_clusters=k, n_init=3, random_state=seed).fit_predict(matrix)
        runs.append((labels.tolist(), k, time.perf_counter() - started))
    return score(gold, runs)


def ours(
    texts: Sequence[str],
    gold: Sequence[int],
    *,
    options: ThemeOptions | None = None,
    fixed_k: int | None = None,
) -> Scores:
    items = list(enumerate(texts))
    low, high = (fixed_k, fixed_k) if fixed_k else (2, 12)
    runs = []
    for seed in SEEDS:
        started = time.perf_counter()
        result, _ = find_themes(items, seed=seed, options=options, min_themes=low, max_themes=high)
        elapsed = time.perf_counter() - started
        runs.append((predicted_labels(result, len(texts)), result.chosen_k, elapsed))
    return score(gold, runs)


def compare(title: str, texts: list[str], gold: list[int]) -> None:
    k = len(set(gold))
    print(f"\n{title}: {len(texts):,} opinions, {k} gold clusters")
    base = baseline(texts, gold)
    auto = ours(texts, gold)
    fixed = ours(texts, gold, fixed_k=k)
    print(base.row(f"baseline (syllable TF-IDF, KMeans k={k})"))
    print(auto.row("ours, k chosen automatically"))
    print(fixed.row(f"ours, k fixed to {k}"))
    print(
        f"  NMI ratio to the baseline: k={k} x{fixed.nmi / base.nmi:.2f}, "
        f"auto k x{auto.nmi / base.nmi:.2f}"
    )
    print(
        f"  mean time of one run: ours {auto.seconds:.1f} s (auto k), baseline {base.seconds:.1f} s"
    )


def variants_on_train(texts: list[str], gold: list[int]) -> None:
    k = len(set(gold))
    print(f"\nvariants on uit-vsfc train ({len(texts):,} sentences), used to choose the method")
    print(baseline(texts, gold).row(f"baseline (syllable TF-IDF, k={k})"))
    for name, options in VARIANTS.items():
        fixed = ours(texts, gold, options=options, fixed_k=k)
        auto = ours(texts, gold, options=options)
        print(
            fixed.row(f"{name}, k={k}")
            + f"   | auto k: NMI {auto.nmi:.3f} ARI {auto.ari:.3f} k {auto.k:.1f}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="train variants on 3,000 sentences")
    parser.add_argument("--skip-variants", action="store_true")
    args = parser.parse_args(argv)
    if not (DATA / "uit-vsfc").exists():
        print(f"{DATA / 'uit-vsfc'} is not there (third-party data lives beside the repo): skipped")
        return
    train, train_gold = read_uit("train")
    if args.quick:
        train, train_gold = train[:3000], train_gold[:3000]
    if not args.skip_variants:
        variants_on_train(train, train_gold)
    dev, dev_gold = read_uit("dev")
    compare("uit-vsfc dev (topics; not used for tuning)", dev, dev_gold)
    if (DATA / "vnexpress-comments").exists():
        texts, articles = read_vnexpress()
        compare("vnexpress-comments grouped by article", texts, articles)


if __name__ == "__main__":
    main(sys.argv[1:])
