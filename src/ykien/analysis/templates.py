"""Spun-template campaigns: copies of one template with alternatives at every phrase.

Two copies of a spun template share few word pairs (each picked its own alternative at most
slots), so pairwise MinHash verification misses them. What the copies of one campaign do share
is a closed vocabulary: every copy draws its words from the same alternatives, and the words
that make the campaign its own (its subject) are rare in the rest of the consultation. So:

1. Blocking: every text of at least MIN_WORDS words is filed under its BLOCK_WORDS rarest words
   that occur in at least two texts (folded unigrams); texts filed together are candidates
   (all pairs in a small block, a linear chain in a large one, as in LSH buckets).
2. Verification: TF-IDF cosine of the candidates' folded word unigrams (sublinear tf, smoothed
   idf) at or above COSINE; the frame shared with other campaigns weighs little, the subject a
   lot. Pairs whose claims differ (claims.conflicts: numbers, negation, antonyms) are dropped.
3. Groups: connected components of the verified pairs, kept when they hold at least MIN_COPIES
   texts (a campaign is many copies; a few similar comments are not one).

Candidates measured on evals/template_campaigns.py (word-pair MinHash at lower thresholds,
unigram MinHash, exact top-10 TF-IDF neighbours) are listed there; this one is linear in the
number of texts. template_slots() reconstructs the template a campaign's copies share: the stable
runs of words and, between them, the alternatives each slot takes, counted.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from ykien.analysis import claims
from ykien.text import fold

MIN_WORDS = 12
BLOCK_WORDS = 3
COSINE = 0.4
MIN_COPIES = 5
CHAIN_WINDOW = 4  # in a large block, each text is checked against this many before it
SMALL_BLOCK = 12
MIN_DF = 3
SMALL_CLUSTER = 80  # texts per KMeans cluster inside a component, before merging
MAX_SMALL_CLUSTERS = 120
LSA_DIMS = 40
MERGE = 0.6  # centroid cosine at which two clusters of a component are one campaign
MEMBER_FIT = 0.3  # cosine to its campaign's centroid below which a text stays alone

Index = npt.NDArray[np.int64]


@dataclass(frozen=True)
class TemplatePairs:
    """Verified pairs (positions into the texts given) with their cosine, and the groups."""

    first: Index
    second: Index
    cosine: npt.NDArray[np.float64]
    groups: list[list[int]]


def _vocabulary(word_lists: Sequence[list[str]]) -> tuple[sparse.csr_matrix, npt.NDArray[np.int64]]:
    """Binary document-term matrix of the word lists and each term's document frequency."""
    index: dict[str, int] = {}
    indptr = [0]
    columns: list[int] = []
    for words in word_lists:
        row = {index.setdefault(word, len(index)) for word in words}
        columns.extend(sorted(row))
        indptr.append(len(columns))
    data = np.ones(len(columns), dtype=np.float32)
    matrix = sparse.csr_matrix(
        (data, np.asarray(columns, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
        shape=(len(word_lists), len(index)),
    )
    df = np.bincount(matrix.indices, minlength=len(index)).astype(np.int64)
    return matrix, df


def _tfidf(word_lists: Sequence[list[str]]) -> tuple[sparse.csr_matrix, npt.NDArray[np.int64]]:
    """Unit rows of binary tf times smoothed idf, and each term's document frequency."""
    presence, df = _vocabulary(word_lists)
    idf = (np.log((1 + len(word_lists)) / (1 + df)) + 1.0).astype(np.float32)
    weighted = presence.copy()
    weighted.data = idf[weighted.indices]
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    weighted.data /= np.repeat(norms, np.diff(weighted.indptr)).astype(np.float32)
    return weighted, df


def folded_words(key: str) -> list[str]:
    """The folded words of an analysis key (diacritics off: a copy typed without them matches)."""
    return fold(key).split()


def block_pairs(matrix: sparse.csr_matrix, df: npt.NDArray[np.int64], rows: Index) -> Index:
    """Candidate pairs (as an (m, 2) array, a < b) of rows filed under one of their rarest words."""
    keys_list: list[Index] = []
    nodes_list: list[Index] = []
    for row in rows:
        terms = matrix.indices[matrix.indptr[row] : matrix.indptr[row + 1]]
        terms = terms[df[terms] >= MIN_DF]
        if len(terms) == 0:
            continue
        picked = terms[np.argsort(df[terms], kind="stable")[:BLOCK_WORDS]]
        keys_list.append(picked.astype(np.int64))
        nodes_list.append(np.full(len(picked), row, dtype=np.int64))
    if not keys_list:
        return np.empty((0, 2), dtype=np.int64)
    keys = np.concatenate(keys_list)
    nodes = np.concatenate(nodes_list)
    order = np.lexsort((nodes, keys))
    keys, nodes = keys[order], nodes[order]
    starts = np.ones(len(keys), dtype=bool)
    starts[1:] = keys[1:] != keys[:-1]
    run_id = np.cumsum(starts) - 1
    run_len = np.bincount(run_id)
    small = run_len[run_id] <= SMALL_BLOCK
    window = np.where(small, SMALL_BLOCK, CHAIN_WINDOW)
    pairs = []
    for gap in range(1, SMALL_BLOCK):
        same = (run_id[:-gap] == run_id[gap:]) & (gap < window[gap:])
        at = np.flatnonzero(same)
        pairs.append(np.stack([nodes[at], nodes[at + gap]], axis=1))
    found = np.concatenate(pairs)
    found = np.sort(found, axis=1)
    return np.unique(found, axis=0) if len(found) else found


def _row_cosines(matrix: sparse.csr_matrix, pairs: Index) -> npt.NDArray[np.float64]:
    out = np.empty(len(pairs), dtype=np.float64)
    step = 50_000
    for lo in range(0, len(pairs), step):
        chunk = pairs[lo : lo + step]
        out[lo : lo + step] = np.asarray(
            matrix[chunk[:, 0]].multiply(matrix[chunk[:, 1]]).sum(axis=1)
        ).ravel()
    return out


def template_pairs(keys: Sequence[str], *, cosine: float = COSINE) -> TemplatePairs:
    """Template campaigns among analysis keys (positions into keys) and the pairs behind them."""
    word_lists = [folded_words(key) for key in keys]
    matrix, df = _tfidf(word_lists)
    rows = np.array([r for r, w in enumerate(word_lists) if len(w) >= MIN_WORDS], dtype=np.int64)
    pairs = block_pairs(matrix, df, rows)
    scores = _row_cosines(matrix, pairs)
    keep = scores >= cosine
    pairs, scores = pairs[keep], scores[keep]
    if len(pairs):
        # Only numbers: a slot's alternatives may word the same claim with or without a
        # negation ("chưa phù hợp" / "xa rời thực tế"); the campaign's centroid checks the rest.
        clash = claims.numbers_differ(keys, pairs[:, 0], pairs[:, 1])
        pairs, scores = pairs[~clash], scores[~clash]
    groups: list[list[int]] = []
    for component in _large_components(len(keys), pairs):
        groups += split_component(matrix, np.asarray(component, dtype=np.int64))
    return TemplatePairs(pairs[:, 0].copy(), pairs[:, 1].copy(), scores, groups)


def _local_space(matrix: sparse.csr_matrix, rows: Index) -> sparse.csr_matrix:
    """The rows re-weighted by idf within the component, on the words used at least twice there."""
    presence = sparse.csr_matrix(matrix[rows], copy=True)
    presence.data[:] = 1.0
    df = np.asarray(presence.sum(axis=0)).ravel()
    used = np.flatnonzero(df >= 2)
    presence = sparse.csr_matrix(presence[:, used])
    idf = np.log((1 + len(rows)) / (1 + df[used])).astype(np.float32)
    return sparse.csr_matrix(normalize(presence.multiply(idf[np.newaxis, :])), dtype=np.float32)


def split_component(matrix: sparse.csr_matrix, rows: Index, *, seed: int = 0) -> list[list[int]]:
    """The campaigns of one linked component: many small KMeans clusters, merged by centroid.

    Texts linked by blocking can belong to several campaigns that share a frame and reasons.
    Inside the component the words shared by all of them lose their weight (idf within it);
    KMeans on an LSA view cuts it into small, pure clusters, which are merged while their
    centroids' cosine reaches MERGE; members far from their campaign's centroid are left alone.
    """
    if len(rows) < MIN_COPIES:
        return []
    space = _local_space(matrix, rows)
    labels = _small_clusters(space, seed)
    labels = _merge_clusters(space, labels)
    centroids = _centroids(space, labels)
    fit = np.asarray(space.multiply(sparse.csr_matrix(centroids[labels])).sum(axis=1)).ravel()
    groups = []
    for label in range(centroids.shape[0]):
        members = rows[(labels == label) & (fit >= MEMBER_FIT)]
        if len(members) >= MIN_COPIES:
            groups.append(members.tolist())
    return groups


def _small_clusters(space: sparse.csr_matrix, seed: int) -> Index:
    count = space.shape[0]
    k = int(min(MAX_SMALL_CLUSTERS, max(1, count // SMALL_CLUSTER)))
    dims = min(LSA_DIMS, space.shape[1] - 1, count - 1)
    if k < 2 or dims < 2:
        return np.zeros(count, dtype=np.int64)
    points = normalize(TruncatedSVD(dims, random_state=seed).fit_transform(space))
    with threadpool_limits(limits=1):
        found = KMeans(k, n_init=1, random_state=seed).fit_predict(points)
    return np.asarray(found, dtype=np.int64)


def _centroids(space: sparse.csr_matrix, labels: Index) -> npt.NDArray[np.float32]:
    count = int(labels.max()) + 1
    indicator = sparse.csr_matrix(
        (np.ones(len(labels), dtype=np.float32), (labels, np.arange(len(labels)))),
        shape=(count, len(labels)),
    )
    return np.asarray(normalize(indicator @ space).toarray(), dtype=np.float32)


def _merge_clusters(space: sparse.csr_matrix, labels: Index) -> Index:
    """Centroid linkage: merge the two closest clusters while their cosine reaches MERGE."""
    count = int(labels.max()) + 1
    indicator = sparse.csr_matrix(
        (np.ones(len(labels), dtype=np.float32), (labels, np.arange(len(labels)))),
        shape=(count, len(labels)),
    )
    sums = np.asarray((indicator @ space).toarray(), dtype=np.float64)
    parent = list(range(count))
    alive = list(range(count))
    while len(alive) > 1:
        unit = normalize(sums[alive])
        similarity = unit @ unit.T
        np.fill_diagonal(similarity, -1.0)
        a, b = np.unravel_index(int(similarity.argmax()), similarity.shape)
        if similarity[a, b] < MERGE:
            break
        keep, gone = alive[a], alive[b]
        sums[keep] += sums[gone]
        parent[gone] = keep
        alive.remove(gone)

    def root(node: int) -> int:
        while parent[node] != node:
            node = parent[node]
        return node

    number = {cluster: n for n, cluster in enumerate(alive)}
    return np.array([number[root(int(label))] for label in labels], dtype=np.int64)


def _large_components(count: int, pairs: Index) -> list[list[int]]:
    from scipy.sparse.csgraph import connected_components

    if len(pairs) == 0:
        return []
    graph = sparse.coo_matrix(
        (np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(count, count)
    )
    _, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels)
    order = np.argsort(labels, kind="stable")
    runs = np.split(order, np.flatnonzero(np.diff(labels[order])) + 1)
    return [run.tolist() for run in runs if sizes[labels[run[0]]] >= MIN_COPIES]


# ---------------------------------------------------------------- the template of a campaign


@dataclass(frozen=True)
class Slot:
    """A run of the template: fixed words (one alternative) or the alternatives seen, counted."""

    alternatives: tuple[tuple[str, int], ...]

    @property
    def fixed(self) -> bool:
        return len(self.alternatives) == 1


def template_slots(canonical: str, variants: Sequence[str], *, limit: int = 8) -> list[Slot]:
    """The template behind a campaign: the canonical text cut where the variants differ from it.

    Every variant is aligned to the canonical text word by word (folded, so a copy typed
    without diacritics reads the same); a run the variants keep is a fixed slot, a run they
    replace is a slot whose alternatives are the canonical words and what the variants put
    there, with the number of copies of each (at most `limit` per slot).
    """
    words = canonical.split()
    keys = [fold(w.lower().strip(".,;:!?")) for w in words]
    cuts: set[int] = {0, len(words)}
    fills: list[list[tuple[int, int, str]]] = []
    for variant in variants:
        other = variant.split()
        matcher = SequenceMatcher(
            a=keys, b=[fold(w.lower().strip(".,;:!?")) for w in other], autojunk=False
        )
        found = []
        for tag, a_lo, a_hi, b_lo, b_hi in matcher.get_opcodes():
            if tag != "equal":
                cuts.update((a_lo, a_hi))
                found.append((a_lo, a_hi, " ".join(other[b_lo:b_hi])))
        fills.append(found)
    bounds = sorted(cuts)
    return [_slot(words, lo, hi, fills, limit) for lo, hi in itertools.pairwise(bounds)]


def _slot(
    words: list[str], lo: int, hi: int, fills: list[list[tuple[int, int, str]]], limit: int
) -> Slot:
    own = " ".join(words[lo:hi])
    counts: Counter[str] = Counter()
    for found in fills:
        counts[_filler(found, lo, hi, own)] += 1
    if not counts:
        counts[own] = 1
    return Slot(tuple(counts.most_common(limit)))


def _filler(found: list[tuple[int, int, str]], lo: int, hi: int, own: str) -> str:
    """What one variant has in place of the canonical run words[lo:hi]."""
    before = next((text for a_lo, a_hi, text in found if a_lo == a_hi == lo and text), "")
    for a_lo, a_hi, text in found:
        if a_lo < a_hi and a_lo <= lo and hi <= a_hi:
            # A replacement wider than this run is shown once, at its first run.
            return " ".join(p for p in (before, text if a_lo == lo else "") if p)
    return " ".join(p for p in (before, own) if p)
