"""Exact and near-duplicate opinions (campaigns): exact keys, MinHash signatures, LSH grouping.

Exact duplicates share one analysis key (case, tone placement and punctuation ignored). Only one
representative per exact key is sketched: its shingles are pairs of adjacent diacritic-folded
words (a variant typed without diacritics still matches), hashed into a MinHash signature with
vectorised universal hashing in numpy. LSH banding proposes candidate pairs, the signatures verify
them (estimated Jaccard >= threshold) and connected components of the verified pairs are the
groups. The steps are split (signatures, then group_signatures) so a service can store signatures
and sketch only new opinions on a re-run.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing as mp
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ykien.analysis import claims
from ykien.analysis.textpipe import analysis_key
from ykien.text import classic_tones, clean, fold

NUM_PERM = 128
THRESHOLD = 0.6
SHINGLE_WORDS = 2
# Buckets up to this size are verified pair by pair; larger ones (campaigns) against their
# first member and each member's predecessor, which keeps the work linear in the bucket size.
ALL_PAIRS_MAX = 8
_THREAD_MIN_DOCS = 20_000
_CHUNK_DOCS = 4096

Progress = Callable[[int, int], None]
Signatures = npt.NDArray[np.uint32]
Hashes = npt.NDArray[np.uint64]
Index = npt.NDArray[np.int64]
Method = Literal["components", "canonical"]

_WORD = re.compile(r"\w+")
_U64 = np.uint64


@dataclass(frozen=True)
class DuplicateGroup:
    """Opinions that say the same thing: exactly, or as variants of one text."""

    canonical_id: int
    member_ids: tuple[int, ...]
    exact: bool
    similarity: Mapping[int, float] = field(hash=False)
    # why each member joined ("exact copy", "near copy ...", "template copy ..."), by id
    reasons: Mapping[int, str] = field(default_factory=dict, hash=False, compare=False)
    template: bool = False  # copies of a spun template (alternatives at its phrases)


# ---------------------------------------------------------------- keys and shingles


def exact_key(text: str) -> bytes:
    """16-byte digest of the analysis key: texts differing only in case, tones, marks share it."""
    return _digest(analysis_key(text))


def digest(key: str) -> bytes:
    """The 16-byte exact key of an analysis key (exact_key without recomputing the key)."""
    return hashlib.blake2b(key.encode(), digest_size=16).digest()


_digest = digest


def _key_words(raw_word: str) -> str:
    # The same steps analysis_key applies to each word, cached: bulk keys stay equal to it.
    return " ".join(_WORD.findall(classic_tones(raw_word).lower()))


def analysis_keys(texts: Iterable[str]) -> list[str]:
    """analysis_key() of many texts, several times faster (per-word work is cached)."""
    cache = _cache(_KEY_WORDS)
    keys = []
    with _gc_paused():
        for text in texts:
            words = _WORD.findall(clean(text))
            try:
                keys.append(" ".join(map(cache.__getitem__, words)))
            except KeyError:
                cache.update((word, _key_words(word)) for word in words if word not in cache)
                keys.append(" ".join(map(cache.__getitem__, words)))
    if "" in cache.values():  # a word with nothing left after lowering (never in Vietnamese)
        keys = [" ".join(key.split()) for key in keys]
    return keys


PARALLEL_MIN_TEXTS = 100_000


def _analysis_keys_in_parallel(texts: list[str]) -> list[str]:
    """analysis_keys() split over the machine's cores for large inputs (it is GIL-bound)."""
    workers = min(os.cpu_count() or 1, 8)
    if len(texts) < PARALLEL_MIN_TEXTS or workers < 2 or "fork" not in mp.get_all_start_methods():
        return analysis_keys(texts)
    size = -(-len(texts) // workers)
    chunks = [texts[start : start + size] for start in range(0, len(texts), size)]
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
        return [key for part in pool.map(analysis_keys, chunks) for key in part]


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: bulk steps make millions of acyclic objects."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_KEY_WORDS: dict[str, str] = {}
_WORD_HASHES: dict[str, int] = {}
_CACHE_LIMIT = 1_000_000


def _cache(table: dict[str, Any]) -> dict[str, Any]:
    if len(table) > _CACHE_LIMIT:
        table.clear()
    return table


def _word_hash(key_word: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(fold(key_word).encode(), digest_size=8).digest(), "little"
    )


def _mix(values: Hashes) -> Hashes:
    """splitmix64 finaliser: spreads structured 64-bit values over all bits."""
    with np.errstate(over="ignore"):
        z = values + _U64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> _U64(27))) * _U64(0x94D049BB133111EB)
        return z ^ (z >> _U64(31))


def _word_hashes(keys: Sequence[str]) -> tuple[Hashes, Index]:
    """Hashes of the folded words of every key, flat, with each key's start offset (n + 1)."""
    flat: list[int] = []
    counts = np.empty(len(keys), dtype=np.int64)
    cache = _cache(_WORD_HASHES)
    with _gc_paused():
        for position, key in enumerate(keys):
            words = key.split()
            before = len(flat)
            try:
                flat.extend(map(cache.__getitem__, words))
            except KeyError:
                cache.update((word, _word_hash(word)) for word in words if word not in cache)
                del flat[before:]
                flat.extend(map(cache.__getitem__, words))
            counts[position] = len(words)
    offsets = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return np.fromiter(flat, dtype=np.uint64, count=len(flat)), offsets


def _shingles_flat(word_hashes: Hashes, word_offsets: Index) -> tuple[Hashes, Index]:
    """Word n-gram hashes per document (a document shorter than n gives its words as one)."""
    counts = np.diff(word_offsets)
    doc_of_word = np.repeat(np.arange(len(counts)), counts)
    if SHINGLE_WORDS == 1:
        return word_hashes, word_offsets
    combined = word_hashes[: len(word_hashes) - SHINGLE_WORDS + 1].copy()
    with np.errstate(over="ignore"):
        for shift in range(1, SHINGLE_WORDS):
            tail = word_hashes[shift : len(word_hashes) - SHINGLE_WORDS + 1 + shift]
            combined = _mix(combined * _U64(0x100000001B3) + tail)
    inside = doc_of_word[: len(combined)] == doc_of_word[SHINGLE_WORDS - 1 :]
    short_docs = np.flatnonzero((counts > 0) & (counts < SHINGLE_WORDS))
    short_words = (
        np.concatenate([np.arange(word_offsets[d], word_offsets[d + 1]) for d in short_docs])
        if len(short_docs)
        else np.empty(0, dtype=np.int64)
    )
    docs = np.concatenate([doc_of_word[: len(combined)][inside], doc_of_word[short_words]])
    values = np.concatenate([combined[inside], _mix(word_hashes[short_words])])
    order = np.argsort(docs, kind="stable")
    shingle_offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(np.bincount(docs, minlength=len(counts)), out=shingle_offsets[1:])
    return values[order], shingle_offsets


def shingles(text: str) -> Hashes:
    """Sorted distinct 64-bit hashes of the text's adjacent folded word pairs (its MinHash set)."""
    word_hashes, offsets = _word_hashes([analysis_key(text)])
    values, _ = _shingles_flat(word_hashes, offsets)
    return np.unique(values)


# ---------------------------------------------------------------- MinHash


def _permutations(num_perm: int, seed: int) -> tuple[Hashes, Hashes]:
    rng = np.random.default_rng(seed)
    multipliers = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) * _U64(2) + _U64(1)
    offsets = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) * _U64(2)
    return multipliers, offsets


def _minhash_block(
    values: Hashes, offsets: Index, multipliers: Hashes, additions: Hashes
) -> Signatures:
    """Signatures of documents with at least one shingle (offsets: starts, then the end)."""
    docs = len(offsets) - 1
    out = np.empty((len(multipliers), docs), dtype=np.uint32)
    with np.errstate(over="ignore"):
        for first in range(0, docs, _CHUNK_DOCS):
            last = min(first + _CHUNK_DOCS, docs)
            chunk = values[offsets[first] : offsets[last]]
            starts = offsets[first:last] - offsets[first]
            scratch = np.empty_like(chunk)
            for perm, (mult, add) in enumerate(zip(multipliers, additions, strict=True)):
                np.multiply(chunk, mult, out=scratch)
                scratch += add
                # The top 32 bits of a multiply-add hash are the universal part; min commutes
                # with the shift, so shift only the minima.
                out[perm, first:last] = np.minimum.reduceat(scratch, starts) >> _U64(32)
    return np.ascontiguousarray(out.T)


def _minhash(values: Hashes, offsets: Index, *, num_perm: int, seed: int) -> Signatures:
    docs = len(offsets) - 1
    result = np.full((docs, num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    filled = np.flatnonzero(np.diff(offsets) > 0)
    if len(filled) == 0:
        return result
    lengths = np.diff(offsets)[filled]
    starts = offsets[filled]
    picked = (
        np.concatenate([np.arange(s, s + n) for s, n in zip(starts, lengths, strict=True)])
        if len(filled) < docs
        else np.arange(offsets[-1])
    )
    packed = values[picked]
    packed_offsets = np.zeros(len(filled) + 1, dtype=np.int64)
    np.cumsum(lengths, out=packed_offsets[1:])
    multipliers, additions = _permutations(num_perm, seed)
    if len(filled) < _THREAD_MIN_DOCS:
        result[filled] = _minhash_block(packed, packed_offsets, multipliers, additions)
        return result
    half = len(filled) // 2
    halves = [(0, half), (half, len(filled))]

    def run(bounds: tuple[int, int]) -> Signatures:
        lo, hi = bounds
        part = packed[packed_offsets[lo] : packed_offsets[hi]]
        return _minhash_block(
            part, packed_offsets[lo : hi + 1] - packed_offsets[lo], multipliers, additions
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        blocks = list(pool.map(run, halves))
    result[filled] = np.concatenate(blocks)
    return result


def signatures_of_keys(
    keys: Sequence[str], *, num_perm: int = NUM_PERM, seed: int = 1
) -> Signatures:
    """MinHash signatures of analysis keys (see analysis_keys)."""
    word_hashes, word_offsets = _word_hashes(keys)
    values, offsets = _shingles_flat(word_hashes, word_offsets)
    return _minhash(values, offsets, num_perm=num_perm, seed=seed)


def signatures(texts: Sequence[str], *, num_perm: int = NUM_PERM, seed: int = 1) -> Signatures:
    """MinHash signatures, one uint32 row of num_perm values per text."""
    return signatures_of_keys(analysis_keys(texts), num_perm=num_perm, seed=seed)


def jaccard(first: Signatures, second: Signatures) -> npt.NDArray[np.float64]:
    """Estimated Jaccard similarity of paired signature rows (share of equal values)."""
    return np.asarray((first == second).mean(axis=-1), dtype=np.float64)


# ---------------------------------------------------------------- LSH


@lru_cache(maxsize=64)
def lsh_shape(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising missed similar pairs plus (cheaper) extra candidates."""
    grid = np.linspace(0.0, 1.0, 401)
    best: tuple[float, int, int] = (np.inf, 1, num_perm)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        caught = 1.0 - (1.0 - grid**rows) ** bands
        below, above = grid < threshold, grid >= threshold
        extra = float(np.trapezoid(caught[below], grid[below]))
        missed = float(np.trapezoid(1.0 - caught[above], grid[above]))
        # A missed pair is a wrong answer; an extra candidate only costs one verification.
        cost = 0.15 * extra + 0.85 * missed
        if cost < best[0]:
            best = (cost, bands, rows)
    return best[1], best[2]


def band_keys(sigs: Signatures, *, bands: int, rows: int) -> Hashes:
    """(n, bands) uint64 bucket keys: one hash of each band's rows of the signature."""
    keys = np.empty((len(sigs), bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for band in range(bands):
            acc = np.full(len(sigs), _U64(band), dtype=np.uint64)
            for column in sigs[:, band * rows : (band + 1) * rows].T:
                acc = _mix(acc * _U64(0x100000001B3) + column.astype(np.uint64))
            keys[:, band] = acc
    return keys


def bucket_pairs(bucket_keys: Hashes, nodes: Index) -> tuple[Index, Index]:
    """Candidate (a, b) node pairs, a < b, from nodes that share a bucket key."""
    order = np.lexsort((nodes, bucket_keys))
    keys, members = bucket_keys[order], nodes[order]
    starts_run = np.ones(len(keys), dtype=bool)
    starts_run[1:] = keys[1:] != keys[:-1]
    run_id = np.cumsum(starts_run) - 1
    run_start = np.flatnonzero(starts_run)
    run_len = np.diff(np.append(run_start, len(keys)))
    small = run_len[run_id] <= ALL_PAIRS_MAX
    firsts, seconds = [], []
    for gap in range(1, ALL_PAIRS_MAX):
        same = (run_id[:-gap] == run_id[gap:]) & small[:-gap]
        at = np.flatnonzero(same)
        firsts.append(members[at])
        seconds.append(members[at + gap])
    positions = np.arange(len(keys))
    large = np.flatnonzero(~small & (positions > run_start[run_id]))
    firsts += [members[run_start[run_id[large]]], members[large - 1]]
    seconds += [members[large], members[large]]
    first, second = np.concatenate(firsts), np.concatenate(seconds)
    return np.minimum(first, second), np.maximum(first, second)


def candidate_pairs(
    sigs: Signatures, *, threshold: float, progress: Progress | None = None
) -> tuple[Index, Index]:
    """Distinct candidate pairs of signature rows from LSH banding."""
    bands, rows = lsh_shape(threshold, sigs.shape[1])
    keys = band_keys(sigs, bands=bands, rows=rows)
    nodes = np.arange(len(sigs), dtype=np.int64)
    codes = []
    for band in range(bands):
        first, second = bucket_pairs(keys[:, band], nodes)
        codes.append(first * len(sigs) + second)
        if progress:
            progress(band + 1, bands)
    unique = _distinct(np.concatenate(codes)) if codes else np.empty(0, dtype=np.int64)
    return unique // max(len(sigs), 1), unique % max(len(sigs), 1)


def _distinct(values: Index) -> Index:
    """Sorted distinct values: a sort and a mask (numpy's unique hashes, many times slower here)."""
    ordered = np.sort(values)
    keep = np.empty(len(ordered), dtype=bool)
    keep[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def verify_pairs(
    sigs: Signatures, first: Index, second: Index, *, threshold: float
) -> npt.NDArray[np.bool_]:
    """Which candidate pairs reach the threshold on their signatures."""
    keep = np.empty(len(first), dtype=bool)
    step = 65_536
    for lo in range(0, len(first), step):
        hi = lo + step
        keep[lo:hi] = jaccard(sigs[first[lo:hi]], sigs[second[lo:hi]]) >= threshold
    return keep


# ---------------------------------------------------------------- grouping


@dataclass
class ExactClasses:
    """Items grouped by exact key: members per class, classes ordered by their smallest id."""

    members: list[list[int]]
    first_index: list[int]


def exact_classes(ids: Sequence[int], keys: Sequence[bytes]) -> ExactClasses:
    """Classes of items with one exact key; first_index is the position of each class's first."""
    by_key: dict[bytes, int] = {}
    members: list[list[int]] = []
    first_index: list[int] = []
    for position, (item_id, key) in enumerate(zip(ids, keys, strict=True)):
        cls = by_key.get(key)
        if cls is None:
            by_key[key] = len(members)
            members.append([item_id])
            first_index.append(position)
        else:
            members[cls].append(item_id)
    for group in members:
        group.sort()
    order = sorted(range(len(members)), key=lambda c: members[c][0])
    return ExactClasses([members[c] for c in order], [first_index[c] for c in order])


def assemble_groups(
    members: Sequence[Sequence[int]],
    first: Index,
    second: Index,
    similarity_to: Callable[[Index, Index], npt.NDArray[np.float64]],
    *,
    threshold: float,
    method: Method = "components",
) -> list[DuplicateGroup]:
    """Groups from exact classes (sorted member ids) and verified class pairs.

    similarity_to(classes, canonicals) estimates the Jaccard of paired classes' signatures.
    """
    count = len(members)
    if count == 0:
        return []
    labels = _components(count, first, second)
    if method == "canonical":
        labels = _split_from_canonical(members, labels, first, second, similarity_to, threshold)
    sizes = np.fromiter((len(m) for m in members), dtype=np.int64, count=count)
    order, canon_of = _canonical_order(labels, sizes)
    items_per_label = np.bincount(labels, weights=sizes)
    grouped = order[items_per_label[labels[order]] >= 2]
    runs = np.split(grouped, np.flatnonzero(np.diff(labels[grouped])) + 1) if len(grouped) else []
    scores = similarity_to(grouped, canon_of[grouped])
    score_of = dict(zip(grouped.tolist(), scores.tolist(), strict=True))
    groups = []
    for run in runs:
        ids = [i for cls in run for i in members[cls]]
        canonical_cls = run[0]
        similarity = {
            i: 1.0 if cls == canonical_cls else score_of[cls] for cls in run for i in members[cls]
        }
        groups.append(DuplicateGroup(
            canonical_id=members[canonical_cls][0],
            member_ids=tuple(sorted(ids)),
            exact=len(run) == 1,
            similarity=similarity,
        ))  # fmt: skip
    groups.sort(key=lambda g: (-len(g.member_ids), g.canonical_id))
    return groups


def _canonical_order(labels: Index, sizes: Index) -> tuple[Index, Index]:
    """Classes ordered by label, then size (largest first), then index; each one's canonical."""
    count = len(labels)
    # Classes are numbered in order of their smallest id, so the index breaks ties by id.
    order = np.lexsort((np.arange(count), -sizes, labels))
    starts = np.ones(count, dtype=bool)
    starts[1:] = labels[order][1:] != labels[order][:-1]
    canon_of = np.empty(count, dtype=np.int64)
    canon_of[order] = order[starts][np.cumsum(starts) - 1]
    return order, canon_of


def _components(count: int, first: Index, second: Index) -> Index:
    graph = coo_matrix((np.ones(len(first), dtype=np.int8), (first, second)), shape=(count, count))
    _, labels = connected_components(graph, directed=False)
    return np.asarray(labels, dtype=np.int64)


def _split_from_canonical(
    members: Sequence[Sequence[int]],
    labels: Index,
    first: Index,
    second: Index,
    similarity_to: Callable[[Index, Index], npt.NDArray[np.float64]],
    threshold: float,
) -> Index:
    """Detach classes that reached their component only by chaining (too far from its canonical)."""
    sizes = np.fromiter((len(m) for m in members), dtype=np.int64, count=len(members))
    _, canon = _canonical_order(labels, sizes)
    far = similarity_to(np.arange(len(members)), canon) < threshold
    if not far.any():
        return labels
    keep = far[first] & far[second]
    regrouped = _components(len(members), first[keep], second[keep])
    return np.where(far, regrouped + len(members), labels)


def group_signatures(
    ids: Sequence[int],
    keys: Sequence[bytes],
    sigs: Signatures,
    *,
    threshold: float = THRESHOLD,
    progress: Progress | None = None,
    method: Method = "components",
    texts: Callable[[Sequence[int]], Sequence[str]] | None = None,
    with_templates: bool = False,
) -> list[DuplicateGroup]:
    """Duplicate groups of items given their exact keys and signatures (rows aligned with ids).

    texts(ids) returns the texts of one opinion per exact class: with it, near-copies are
    checked for claims that differ (claims.py) and, with_templates, spun templates join.
    """
    classes = exact_classes(ids, keys)
    if texts is not None and with_templates:
        class_keys = analysis_keys(texts([m[0] for m in classes.members]))
        groups = _group_classes(
            classes.members,
            sigs[classes.first_index],
            threshold=threshold,
            progress=progress,
            method=method,
            class_keys=class_keys,
        )
        return add_template_groups(groups, classes.members, class_keys)

    def keys_of(positions: Index) -> list[str]:
        assert texts is not None
        return analysis_keys(texts([classes.members[int(p)][0] for p in positions]))

    return _group_classes(classes.members, sigs[classes.first_index], threshold=threshold,
                          progress=progress, method=method,
                          keys_of=keys_of if texts is not None else None)  # fmt: skip


def _group_classes(
    members: Sequence[Sequence[int]],
    class_sigs: Signatures,
    *,
    threshold: float,
    progress: Progress | None,
    method: Method,
    class_keys: Sequence[str] | None = None,
    keys_of: Callable[[Index], Sequence[str]] | None = None,
) -> list[DuplicateGroup]:
    """Groups of exact classes; with class_keys (or keys_of, which reads only the keys of the
    classes in verified pairs) the claim check runs on the verified pairs."""
    first, second = candidate_pairs(class_sigs, threshold=threshold, progress=progress)
    keep = verify_pairs(class_sigs, first, second, threshold=threshold)
    if (class_keys is not None or keys_of is not None) and keep.any():
        # The words two near-copies differ in must not change the claim (claims.py).
        at = np.flatnonzero(keep)
        if class_keys is None and keys_of is not None:
            involved = np.unique(np.concatenate([first[at], second[at]]))
            known = [""] * len(members)
            for position, key in zip(involved.tolist(), keys_of(involved), strict=True):
                known[position] = key
            class_keys = known
        assert class_keys is not None
        keep[at[claims.conflicting_pairs(class_keys, first[at], second[at])]] = False

    def similarity_to(classes: Index, canonicals: Index) -> npt.NDArray[np.float64]:
        return jaccard(class_sigs[classes], class_sigs[canonicals])

    groups = assemble_groups(
        members, first[keep], second[keep], similarity_to, threshold=threshold, method=method
    )
    return [_with_reasons(group, members) for group in groups]


def _with_reasons(group: DuplicateGroup, members: Sequence[Sequence[int]]) -> DuplicateGroup:
    del members
    reasons = {
        i: "exact copy"
        if score >= 1.0
        else f"near copy: word-pair Jaccard {score:.2f}; numbers, negation and claim words agree"
        for i, score in group.similarity.items()
    }
    return DuplicateGroup(
        group.canonical_id, group.member_ids, group.exact, group.similarity, reasons
    )


def find_duplicates(
    items: Iterable[tuple[int, str]],
    *,
    threshold: float = THRESHOLD,
    num_perm: int = NUM_PERM,
    progress: Progress | None = None,
    method: Method = "components",
    meaning: bool = True,
    with_templates: bool = False,
) -> list[DuplicateGroup]:
    """Exact and near-duplicate groups of (id, text) items, largest first.

    meaning: near-copies whose differing words change the claim stay apart (claims.py);
    with_templates: copies of one spun template join too (templates.py; several times the
    time of the rest, so asked for: the analysis run's `templates` parameter).
    """
    ids: list[int] = []
    texts: list[str] = []
    for item_id, text in items:
        ids.append(item_id)
        texts.append(text)
    keys = _analysis_keys_in_parallel(texts)
    del texts
    classes = exact_classes(ids, [_digest(key) for key in keys])
    class_keys = [keys[i] for i in classes.first_index]
    del keys
    class_sigs = signatures_of_keys(class_keys, num_perm=num_perm)
    groups = _group_classes(
        classes.members,
        class_sigs,
        threshold=threshold,
        progress=progress,
        method=method,
        class_keys=class_keys if meaning else None,
    )
    if not with_templates:
        return groups
    return add_template_groups(groups, classes.members, class_keys)


def add_template_groups(
    groups: list[DuplicateGroup], members: Sequence[Sequence[int]], class_keys: Sequence[str]
) -> list[DuplicateGroup]:
    """Join the copies of spun templates (templates.py) to the near-duplicate groups."""
    from ykien.analysis import templates

    found = templates.template_pairs(class_keys)
    if not found.groups:
        return groups
    group_of: dict[int, int] = {}
    for number, group in enumerate(groups):
        for member in group.member_ids:
            group_of[member] = number
    campaigns = [{i for cls in campaign for i in members[cls]} for campaign in found.groups]
    # Each near-duplicate group goes to the template campaign holding most of its members.
    votes: dict[int, Counter[int]] = {}
    for number, ids in enumerate(campaigns):
        for i in ids:
            if i in group_of:
                votes.setdefault(group_of[i], Counter())[number] += 1
    owner = {near: counts.most_common(1)[0][0] for near, counts in votes.items()}
    taken = {i for near in owner for i in groups[near].member_ids}
    for ids in campaigns:
        ids.difference_update(taken)
    for near, campaign in owner.items():
        campaigns[campaign].update(groups[near].member_ids)
    merged = [_template_group(ids, groups, group_of) for ids in campaigns if len(ids) >= 2]
    merged += [group for number, group in enumerate(groups) if number not in owner]
    merged.sort(key=lambda g: (-len(g.member_ids), g.canonical_id))
    return merged


def _template_group(
    ids: set[int], groups: list[DuplicateGroup], group_of: dict[int, int]
) -> DuplicateGroup:
    inner = [groups[n] for n in {group_of[i] for i in ids if i in group_of}]
    canonical = max(inner, key=lambda g: len(g.member_ids)).canonical_id if inner else min(ids)
    reasons = {}
    similarity = {}
    for i in ids:
        near = groups[group_of[i]] if i in group_of else None
        if near is not None and near.canonical_id == canonical:
            reasons[i] = near.reasons.get(i, "exact copy")
            similarity[i] = near.similarity.get(i, 1.0)
        else:
            reasons[i] = "template copy: words drawn from the campaign's alternatives"
            similarity[i] = 0.0
    reasons[canonical] = "canonical text"
    similarity[canonical] = 1.0
    return DuplicateGroup(canonical, tuple(sorted(ids)), False, similarity, reasons, template=True)


# ---------------------------------------------------------------- how variants differ


def variant_diff(canonical: str, variant: str) -> list[tuple[str, str]]:
    """Word-level differences: ("same" | "added" | "removed", words) runs, in reading order."""
    old, new = canonical.split(), variant.split()
    matcher = SequenceMatcher(
        a=[_word_key(w) for w in old], b=[_word_key(w) for w in new], autojunk=False
    )
    runs: list[tuple[str, str]] = []
    for tag, a_lo, a_hi, b_lo, b_hi in matcher.get_opcodes():
        if tag == "equal":
            runs.append(("same", " ".join(new[b_lo:b_hi])))
            continue
        if a_hi > a_lo:
            runs.append(("removed", " ".join(old[a_lo:a_hi])))
        if b_hi > b_lo:
            runs.append(("added", " ".join(new[b_lo:b_hi])))
    return runs


def _word_key(word: str) -> str:
    # Folded, so a variant typed without diacritics reads as the same words.
    return fold(analysis_key(word))


def variants_summary(
    canonical: str, variants: Sequence[str], *, limit: int = 10
) -> list[tuple[str, int]]:
    """The most common added/removed phrases across variants ("+ phrase" / "- phrase"), counted."""
    counts: Counter[str] = Counter()
    for variant in variants:
        seen = set()
        for kind, words in variant_diff(canonical, variant):
            if kind != "same" and analysis_key(words):
                seen.add(("+ " if kind == "added" else "- ") + words)
        counts.update(seen)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
