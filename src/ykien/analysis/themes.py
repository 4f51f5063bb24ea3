"""Themes: cluster opinions, label each cluster, and summarise it with cited extractive sentences.

Method: words from the shared text pipeline (a segmenter such as pyvi is run on a sample of at
most LEXICON_SAMPLE opinions to learn the multi-syllable words, which are then matched greedily in
every opinion: same words, a fraction of the cost), TF-IDF on word uni- and bigrams with
sublinear tf, LSA (TruncatedSVD) on unit rows, KMeans for every k in the user's bounds, and the
most stable k: KMeans fitted on two random subsamples agree best (ARI) on the same opinions.
(Cosine silhouette, the other candidate, grows with k on real feedback and always picks the most
themes; stability's choices matched the gold topics better: see evals/themes.py.)
Above sample_size opinions the model is fitted on a random sample and the rest are assigned to
the nearest centroid (ThemeModel, picklable, so the assignment can run on Dask partitions).
Key phrases are the terms that weigh most in a theme beyond their weight elsewhere; summaries
pick central sentences by maximal marginal relevance, and each sentence cites every member
opinion that contains it or a near-identical sentence.
"""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, calinski_harabasz_score, silhouette_score
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from ykien.analysis.summaries import (
    SummarySentence,
    _key_phrases,
    _label,
    _quotes,
    _summary,
)
from ykien.analysis.summaries import (
    split_sentences as split_sentences,  # re-exported: callers import it from here
)
from ykien.analysis.textpipe import DEFAULT_SEGMENTER, tokens

OUTLIER = -1  # ThemeModel.assign's theme index for an opinion with no known word
LEXICON_SAMPLE = 2_000  # opinions segmented by the full segmenter to learn multi-syllable words
SILHOUETTE_SAMPLE = 4_000
STABILITY_ROUNDS = 2
STABILITY_FRACTION = 0.7

_WORD = re.compile(r"\w+")

Progress = Callable[[int, int], None]


@dataclass
class Theme:
    """A cluster of opinions with its label, cited summary and representative quotes."""

    member_ids: list[int]
    label: str
    key_phrases: list[str]
    summary: list[SummarySentence]
    quote_ids: list[int]
    cohesion: float
    weight: int = 0  # members counted with their multiplicity (the size themes are ordered by)


@dataclass
class ThemeResult:
    """Themes largest first, the opinions left out, and how the number of themes was chosen."""

    themes: list[Theme]
    outlier_ids: list[int]
    chosen_k: int
    k_scores: dict[int, float]


@dataclass(frozen=True)
class ThemeOptions:
    """Method settings (the defaults are the shipped method; evals try the others)."""

    segmenter: str = "lexicon"  # "lexicon" (learnt from DEFAULT_SEGMENTER) or a textpipe name
    bigrams: bool = True
    lsa_dims: int = 20  # 0: cluster the TF-IDF rows themselves
    min_df: int = 2
    criterion: str = "stability"  # or "silhouette" (cosine) or "calinski" (Calinski-Harabasz)


class LexiconSegmenter:
    """Greedy longest match of syllables against multi-syllable words learnt from a segmenter."""

    name = "lexicon"

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(words)
        self.longest = max((w.count("_") + 1 for w in self.words), default=1)
        self.starts = frozenset("_".join(w.split("_")[:2]) for w in self.words)

    def segment(self, text: str) -> list[str]:
        syllables = _WORD.findall(text)
        lowered = [s.lower() for s in syllables]
        words: list[str] = []
        start, count = 0, len(syllables)
        while start < count:
            size = self._match(lowered, start)
            words.append("_".join(syllables[start : start + size]))
            start += size
        return words

    def _match(self, lowered: list[str], start: int) -> int:
        if start + 1 >= len(lowered) or f"{lowered[start]}_{lowered[start + 1]}" not in self.starts:
            return 1
        for size in range(min(self.longest, len(lowered) - start), 1, -1):
            if "_".join(lowered[start : start + size]) in self.words:
                return size
        return 1


def learn_lexicon(texts: Sequence[str], *, segmenter: str = DEFAULT_SEGMENTER) -> LexiconSegmenter:
    """Multi-syllable words that the segmenter joins in at least half of their occurrences."""
    joined: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for text in texts:
        words = tokens(text, segmenter=segmenter, keep_stopwords=True)
        joined.update(w for w in words if "_" in w)
        syllables = [s for w in words for s in w.split("_")]
        for size in (2, 3, 4):
            seen.update("_".join(syllables[i : i + size]) for i in range(len(syllables) - size + 1))
    least = 2 if len(texts) >= 500 else 1
    return LexiconSegmenter(w for w, n in joined.items() if n >= least and 2 * n >= seen[w])


def unigrams(words: list[str]) -> list[str]:
    """The words themselves (a picklable analyzer for TfidfVectorizer)."""
    return words


def uni_and_bigrams(words: list[str]) -> list[str]:
    """Words and adjacent word pairs joined by a space (a picklable analyzer)."""
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


@dataclass
class ThemeModel:
    """Fitted words, vectoriser and centroids: assigns any opinion to a theme."""

    segmenter: LexiconSegmenter | str
    vectoriser: TfidfVectorizer
    svd: TruncatedSVD | None
    centroids: np.ndarray
    theme_of_cluster: list[int] = field(default_factory=list)

    def words(self, text: str) -> list[str]:
        """The opinion's words as the model reads them."""
        return tokens(text, segmenter=self.segmenter)

    def tfidf(self, word_lists: Sequence[list[str]]) -> sparse.csr_matrix:
        """Unit-length TF-IDF rows (all zero for an opinion with no known term)."""
        return sparse.csr_matrix(self.vectoriser.transform(word_lists))

    def reduce(self, matrix: sparse.csr_matrix) -> np.ndarray:
        """The rows in the clustering space (LSA, unit length)."""
        if self.svd is None:
            return matrix
        return normalize(self.svd.transform(matrix).astype(np.float32))

    def nearest(self, matrix: sparse.csr_matrix) -> np.ndarray:
        """Cluster index of each TF-IDF row (Euclidean nearest centroid, as KMeans assigns)."""
        points = self.reduce(matrix)
        closeness = np.asarray(points @ self.centroids.T) - 0.5 * (self.centroids**2).sum(axis=1)
        return np.asarray(closeness.argmax(axis=1)).ravel()

    def assign(self, items: Sequence[tuple[int, str]]) -> dict[int, int]:
        """Opinion id -> theme index (OUTLIER for an opinion with no known word)."""
        matrix = self.tfidf([self.words(text) for _, text in items])
        clusters = self.nearest(matrix)
        empty = matrix.getnnz(axis=1) == 0
        return {
            opinion_id: OUTLIER if empty[row] else self.theme_of_cluster[clusters[row]]
            for row, (opinion_id, _) in enumerate(items)
        }


def _segmenter_for(
    texts: Sequence[str], options: ThemeOptions, seed: int
) -> LexiconSegmenter | str:
    if options.segmenter != "lexicon":
        return options.segmenter
    sample = list(texts)
    if len(sample) > LEXICON_SAMPLE:
        sample = random.Random(seed).sample(sample, LEXICON_SAMPLE)
    return learn_lexicon(sample)


def _vectoriser(options: ThemeOptions, documents: int) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer=uni_and_bigrams if options.bigrams else unigrams,
        min_df=min(options.min_df, max(1, documents // 20)),
        sublinear_tf=True,
        dtype=np.float32,
    )


def _fit_space(
    word_lists: Sequence[list[str]], options: ThemeOptions, seed: int
) -> tuple[TfidfVectorizer, TruncatedSVD | None]:
    vectoriser = _vectoriser(options, len(word_lists))
    matrix = vectoriser.fit_transform(word_lists)
    dims = min(options.lsa_dims, matrix.shape[1] - 1, matrix.shape[0] - 1)
    if dims < 2:
        return vectoriser, None
    svd = TruncatedSVD(n_components=dims, random_state=seed)
    svd.fit(matrix)
    return vectoriser, svd


def _score_k(points: np.ndarray, model: KMeans, criterion: str, seed: int) -> float:
    labels = model.labels_
    if len(set(labels.tolist())) < 2:
        return -1.0
    if criterion == "stability":
        return _stability(points, model.n_clusters, seed)
    if criterion == "calinski":
        return float(calinski_harabasz_score(points, labels))
    size = min(SILHOUETTE_SAMPLE, len(labels))
    return float(
        silhouette_score(points, labels, metric="cosine", sample_size=size, random_state=seed)
    )


def _stability(points: np.ndarray, k: int, seed: int) -> float:
    """Mean agreement (ARI) on all points of KMeans fitted on two random 70% subsamples."""
    rng = np.random.default_rng(seed * 1_000 + k)
    count = points.shape[0]
    size = max(k + 1, int(STABILITY_FRACTION * count))
    agreements = []
    for round_ in range(STABILITY_ROUNDS):
        first, second = (rng.choice(count, size, replace=False) for _ in range(2))
        one = _kmeans(points[first], k, seed + round_, n_init=1).predict(points)
        other = _kmeans(points[second], k, seed + round_ + 1, n_init=1).predict(points)
        agreements.append(adjusted_rand_score(one, other))
    return float(np.mean(agreements))


def _kmeans(points: np.ndarray, k: int, seed: int, n_init: int = 3) -> KMeans:
    # One thread: OpenMP threads that share busy cores (or a Dask worker's) spin and slow down.
    with threadpool_limits(limits=1):
        return KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(points)


def _choose_k(
    points: np.ndarray,
    k_values: range,
    *,
    criterion: str,
    seed: int,
    report: Callable[[int], None],
) -> tuple[KMeans, dict[int, float]]:
    scores: dict[int, float] = {}
    best: KMeans | None = None
    for step, k in enumerate(k_values, start=1):
        model = _kmeans(points, k, seed)
        scores[k] = _score_k(points, model, criterion, seed)
        if best is None or scores[k] > scores[best.n_clusters]:
            best = model
        report(step)
    assert best is not None
    return best, scores


@dataclass
class _Space:
    """What describing a theme needs: ids, texts, TF-IDF rows, the model and the background."""

    ids: list[int]
    texts: list[str]
    matrix: sparse.csr_matrix
    model: ThemeModel
    background: np.ndarray | None  # mean TF-IDF row of all opinions, for distinctive phrases
    sentence_words: dict[str, frozenset[str]] = field(default_factory=dict)


def _centroid(matrix: sparse.csr_matrix) -> np.ndarray:
    return np.asarray(matrix.mean(axis=0)).ravel()


def _describe_rows(
    space: _Space, member_rows: np.ndarray
) -> tuple[list[str], list[SummarySentence], list[int], float]:
    members = space.matrix[member_rows]
    mean = _centroid(members)
    distinct = mean if space.background is None else mean - space.background
    phrases = _key_phrases(space, member_rows, distinct)
    unit = mean / (np.linalg.norm(mean) or 1.0)
    relevance = np.asarray(members @ unit).ravel()
    member_ids = [space.ids[row] for row in member_rows]
    quotes = _quotes(members, relevance, member_ids)
    summary = _summary(space, member_rows, relevance, unit)
    return phrases, summary, quotes, float(np.clip(relevance.mean(), 0.0, 1.0))


def _empty_result(ids: list[int]) -> tuple[ThemeResult, ThemeModel]:
    model = ThemeModel("syllables", TfidfVectorizer(analyzer=unigrams), None, np.zeros((0, 0)))
    return ThemeResult([], ids, 0, {}), model


def _background(matrix: sparse.csr_matrix, labels: np.ndarray, cluster: int) -> np.ndarray:
    others = matrix[labels != cluster]
    return _centroid(others) if others.shape[0] else np.zeros(matrix.shape[1])


def _build_themes(
    space: _Space, labels: np.ndarray, weights: Mapping[int, int] | None, report: Callable[[], None]
) -> tuple[list[Theme], list[int]]:
    """Themes for each cluster, largest (by weight) first; returns them and the cluster order."""
    sized = []
    for cluster in sorted(set(labels.tolist())):
        rows = np.flatnonzero(labels == cluster)
        weight = sum(weights.get(space.ids[r], 1) for r in rows) if weights else len(rows)
        sized.append((weight, cluster, rows))
    sized.sort(key=lambda entry: (-entry[0], space.ids[entry[2][0]]))
    themes = []
    for weight, cluster, rows in sized:
        space.background = _background(space.matrix, labels, cluster)
        phrases, summary, quotes, cohesion = _describe_rows(space, rows)
        member_ids = [space.ids[r] for r in rows]
        themes.append(
            Theme(member_ids, _label(phrases), phrases, summary, quotes, cohesion, weight)
        )
        report()
    return themes, [cluster for _, cluster, _ in sized]


def _has_terms(matrix: sparse.csr_matrix, row: int) -> bool:
    return bool(matrix.indptr[row + 1] > matrix.indptr[row])


def _k_range(min_themes: int, max_themes: int, points: int) -> range:
    """The k values to try: the user's bounds, capped by the number of points."""
    high = max(1, min(max_themes, points - 1))
    return range(min(min_themes, high), high + 1)


class _Steps:
    """Maps the stages of find_themes onto one 0..100 progress scale."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress

    def at(self, percent: float) -> None:
        if self.progress is not None:
            self.progress(min(100, int(percent)), 100)


def find_themes(
    items: Sequence[tuple[int, str]],
    *,
    min_themes: int = 2,
    max_themes: int = 12,
    weights: Mapping[int, int] | None = None,
    seed: int = 0,
    progress: Progress | None = None,
    sample_size: int = 20_000,
    options: ThemeOptions | None = None,
) -> tuple[ThemeResult, ThemeModel]:
    """Cluster opinions into themes; k is chosen in [min_themes, max_themes] by the criterion.

    weights (opinion id -> copies) only size and order the themes: each text is clustered once.
    """
    if min_themes < 1 or max_themes < min_themes:
        raise ValueError("need 1 <= min_themes <= max_themes")
    options = options or ThemeOptions()
    steps = _Steps(progress)
    texts = [text for _, text in items]
    segmenter = _segmenter_for(texts, options, seed)
    steps.at(10)
    word_lists = [tokens(text, segmenter=segmenter) for text in texts]
    steps.at(30)
    with_words = [row for row, words in enumerate(word_lists) if words]
    if len(with_words) > sample_size:
        with_words = sorted(random.Random(seed).sample(with_words, sample_size))
    if len(with_words) < 2:
        return _empty_result([opinion_id for opinion_id, _ in items])
    vectoriser, svd = _fit_space([word_lists[r] for r in with_words], options, seed)
    model = ThemeModel(segmenter, vectoriser, svd, np.zeros((0, 0)))
    matrix = model.tfidf(word_lists)
    valid = [row for row in range(len(items)) if _has_terms(matrix, row)]
    fit_rows = [row for row in with_words if _has_terms(matrix, row)]
    if len(fit_rows) < 2:
        return _empty_result([opinion_id for opinion_id, _ in items])
    k_values = _k_range(min_themes, max_themes, len(fit_rows))
    kmeans, k_scores = _choose_k(
        model.reduce(matrix[fit_rows]),
        k_values,
        criterion=options.criterion,
        seed=seed,
        report=lambda step: steps.at(30 + 40 * step / len(k_values)),
    )
    model.centroids = np.asarray(kmeans.cluster_centers_, dtype=np.float32)
    labels = model.nearest(matrix[valid])
    space = _Space(
        [items[r][0] for r in valid], [texts[r] for r in valid], matrix[valid], model, None
    )
    described = iter(range(1, kmeans.n_clusters + 1))
    themes, order = _build_themes(
        space, labels, weights, lambda: steps.at(70 + 30 * next(described) / kmeans.n_clusters)
    )
    model.theme_of_cluster = [
        order.index(c) if c in order else OUTLIER for c in range(kmeans.n_clusters)
    ]
    valid_set = set(valid)
    outlier_ids = [items[r][0] for r in range(len(items)) if r not in valid_set]
    steps.at(100)
    return ThemeResult(themes, outlier_ids, kmeans.n_clusters, k_scores), model


def _own_space(items: Sequence[tuple[int, str]], seed: int) -> tuple[_Space, np.ndarray]:
    """A TF-IDF space fitted on these opinions alone; returns it and the rows with terms."""
    texts = [text for _, text in items]
    options = ThemeOptions()
    segmenter = _segmenter_for(texts, options, seed)
    word_lists = [tokens(text, segmenter=segmenter) for text in texts]
    vectoriser = TfidfVectorizer(analyzer=uni_and_bigrams, sublinear_tf=True, dtype=np.float32)
    if any(word_lists):
        matrix = sparse.csr_matrix(vectoriser.fit_transform(word_lists))
    else:
        matrix = sparse.csr_matrix((len(items), 0), dtype=np.float32)
    model = ThemeModel(segmenter, vectoriser, None, np.zeros((0, 0)))
    space = _Space([i for i, _ in items], texts, matrix, model, None)
    rows = np.array([r for r in range(len(items)) if _has_terms(matrix, r)], dtype=np.int64)
    return space, rows


def describe(
    items: Sequence[tuple[int, str]],
) -> tuple[str, list[str], list[SummarySentence], list[int]]:
    """Label, key phrases, cited summary and quote ids for a set of opinions (after human edits)."""
    space, rows = _own_space(items, seed=0)
    if len(rows) == 0:
        return "", [], [], []
    phrases, summary, quotes, _ = _describe_rows(space, rows)
    return _label(phrases), phrases, summary, quotes


def split_theme(
    items: Sequence[tuple[int, str]], *, parts: int = 2, seed: int = 0
) -> list[list[int]]:
    """Split opinions into up to `parts` groups, largest first (wordless ones join the first)."""
    if parts < 1:
        raise ValueError("parts must be at least 1")
    space, rows = _own_space(items, seed)
    wordless = [space.ids[r] for r in sorted(set(range(len(items))) - set(rows.tolist()))]
    if len(rows) <= parts or parts == 1:
        groups = [[space.ids[r]] for r in rows] if parts > 1 else [[space.ids[r] for r in rows]]
    else:
        points = _lsa_points(space.matrix[rows], seed)
        labels = _kmeans(points, parts, seed, n_init=5).labels_
        groups = [[space.ids[rows[i]] for i in np.flatnonzero(labels == c)] for c in range(parts)]
    groups = sorted((g for g in groups if g), key=len, reverse=True)
    if wordless:
        groups = [groups[0] + wordless, *groups[1:]] if groups else [wordless]
    return groups


def _lsa_points(matrix: sparse.csr_matrix, seed: int) -> np.ndarray | sparse.csr_matrix:
    dims = min(ThemeOptions().lsa_dims, matrix.shape[1] - 1, matrix.shape[0] - 1)
    if dims < 2:
        return matrix
    reduced = TruncatedSVD(n_components=dims, random_state=seed).fit_transform(matrix)
    return normalize(reduced)
