"""find_duplicates on a Dask cluster: partitions are sketched where they are loaded.

Each loader (a picklable zero-argument callable returning one partition of (id, text) items) runs
on a worker, which keeps that partition's exact classes, signatures and LSH band keys. Band
buckets are shuffled by key (dask.bag groupby), each bucket proposes candidate pairs with the
rule find_duplicates uses, candidates are verified by tasks next to the signatures (only the rows
needed move), and the client joins the verified pairs into groups. No machine holds all texts or
all signatures; the client holds the candidate pair index and the ids of grouped opinions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

import dask.bag as db
import numpy as np
import numpy.typing as npt
from dask import delayed

from ykien.analysis import claims, dedupe
from ykien.analysis.dedupe import NUM_PERM, THRESHOLD, DuplicateGroup, Method

if TYPE_CHECKING:
    from distributed import Client, Future

Loader = Callable[[], list[tuple[int, str]]]
Location = tuple[int, int]  # (partition, row of that partition's classes)
BucketEntry = tuple[int, bytes, int, int]  # (smallest id, exact key, partition, row)
# exact keys a, b; locations of a, b; the smallest opinion id of a's and of b's class
Candidate = tuple[bytes, bytes, int, int, int, int, int, int]
Keys = Callable[[Sequence[int]], Sequence[str]]  # analysis keys of these opinions, in order
Progress = Callable[[int, int], None]


@dataclass
class PartitionSketch:
    """One partition's exact classes (local), their signatures and LSH band keys."""

    keys: list[bytes]
    members: list[list[int]]
    sigs: dedupe.Signatures
    band_keys: dedupe.Hashes


def sketch_partition(loader: Loader, num_perm: int, bands: int, rows: int) -> PartitionSketch:
    """Load a partition and sketch it (runs on a worker)."""
    items = loader()
    ids = [item_id for item_id, _ in items]
    analysis = dedupe.analysis_keys(text for _, text in items)
    digests = [dedupe._digest(key) for key in analysis]
    classes = dedupe.exact_classes(ids, digests)
    sigs = dedupe.signatures_of_keys([analysis[i] for i in classes.first_index], num_perm=num_perm)
    return PartitionSketch(
        keys=[digests[i] for i in classes.first_index],
        members=classes.members,
        sigs=sigs,
        band_keys=dedupe.band_keys(sigs, bands=bands, rows=rows),
    )


def _bucket_records(sketch: PartitionSketch, part: int) -> list[tuple[int, BucketEntry]]:
    records: list[tuple[int, BucketEntry]] = []
    for row, (key, members) in enumerate(zip(sketch.keys, sketch.members, strict=True)):
        entry = (members[0], key, part, row)
        records.extend((int(bucket), entry) for bucket in sketch.band_keys[row])
    return records


def _class_records(sketch: PartitionSketch) -> list[tuple[bytes, list[int]]]:
    return list(zip(sketch.keys, sketch.members, strict=True))


def bucket_candidates(bucket: tuple[int, list[BucketEntry]]) -> list[Candidate]:
    """Candidate pairs of one bucket, by find_duplicates' rule over distinct exact keys."""
    first_of_key: dict[bytes, BucketEntry] = {}
    for entry in bucket[1]:
        known = first_of_key.get(entry[1])
        if known is None or entry[0] < known[0]:
            first_of_key[entry[1]] = entry
    nodes = sorted(first_of_key.values())
    if len(nodes) < 2:
        return []
    if len(nodes) <= dedupe.ALL_PAIRS_MAX:
        pairs = [(a, b) for i, a in enumerate(nodes) for b in nodes[i + 1 :]]
    else:
        pairs = [(nodes[0], b) for b in nodes[1:]] + list(pairwise(nodes[1:]))
    return [(a[1], b[1], a[2], a[3], b[2], b[3], a[0], b[0]) for a, b in pairs]


def _take_rows(sketch: PartitionSketch, rows: npt.NDArray[np.int64]) -> dedupe.Signatures:
    return sketch.sigs[rows]


def _pair_jaccard(
    sketch: PartitionSketch, rows: npt.NDArray[np.int64], others: dedupe.Signatures
) -> npt.NDArray[np.float64]:
    return dedupe.jaccard(sketch.sigs[rows], others)


def _distributed_jaccard(
    client: Client,
    sketches: Sequence[Future],
    first: Sequence[Location],
    second: Sequence[Location],
) -> npt.NDArray[np.float64]:
    """Jaccard of signature pairs given by location, computed beside the first signature."""
    by_parts: defaultdict[tuple[int, int], list[int]] = defaultdict(list)
    for position, (a, b) in enumerate(zip(first, second, strict=True)):
        by_parts[(a[0], b[0])].append(position)
    scores = np.empty(len(first), dtype=np.float64)
    pending = []
    for (part_a, part_b), positions in by_parts.items():
        rows_a = np.array([first[p][1] for p in positions], dtype=np.int64)
        rows_b = np.array([second[p][1] for p in positions], dtype=np.int64)
        others = client.submit(_take_rows, sketches[part_b], rows_b, pure=False)
        pending.append((positions, client.submit(_pair_jaccard, sketches[part_a], rows_a, others)))
    for (positions, future), result in zip(
        pending, client.gather([f for _, f in pending]), strict=True
    ):
        del future
        scores[positions] = result
    return scores


def find_duplicates_dask(
    loaders: Sequence[Loader],
    *,
    client: Client,
    threshold: float = THRESHOLD,
    num_perm: int = NUM_PERM,
    method: Method = "components",
    npartitions: int | None = None,
    keys_of: Keys | None = None,
    progress: Progress | None = None,
) -> list[DuplicateGroup]:
    """find_duplicates over partitions loaded and sketched on the cluster; same groups.

    keys_of: the analysis keys of opinions by id; with it, verified pairs whose differing
    words change the claim stay apart (claims.py), as find_duplicates(meaning=True) does.
    """
    if not loaders:
        return []
    bands, rows = dedupe.lsh_shape(threshold, num_perm)
    sketches = client.map(sketch_partition, loaders, num_perm=num_perm, bands=bands, rows=rows,
                          pure=False)  # fmt: skip
    return group_sketches(client, sketches, threshold=threshold, method=method,
                          npartitions=npartitions, keys_of=keys_of, progress=progress)  # fmt: skip


def group_sketches(
    client: Client,
    sketches: list[Future],
    *,
    threshold: float = THRESHOLD,
    method: Method = "components",
    npartitions: int | None = None,
    keys_of: Keys | None = None,
    progress: Progress | None = None,
) -> list[DuplicateGroup]:
    """Groups of the partitions sketched on the cluster (futures of PartitionSketch)."""
    from distributed import as_completed

    steps = len(sketches) + 3
    report = progress or (lambda done, total: None)
    for done, _ in enumerate(as_completed(sketches), start=1):
        report(done, steps)
    shuffle_parts = npartitions or max(1, len(sketches))
    records = db.from_delayed(
        [delayed(_bucket_records)(s, part) for part, s in enumerate(sketches)]
    )
    buckets = records.groupby(lambda r: r[0], npartitions=shuffle_parts, shuffle="tasks")
    candidates: list[Candidate] = list(
        buckets.map(lambda b: (b[0], [entry for _, entry in b[1]])).map(bucket_candidates)
        .flatten().distinct(key=lambda c: (c[0], c[1])).compute()
    )  # fmt: skip
    report(len(sketches) + 1, steps)
    scores = _distributed_jaccard(
        client, sketches, [(c[2], c[3]) for c in candidates], [(c[4], c[5]) for c in candidates]
    )
    verified = [c for c, score in zip(candidates, scores, strict=True) if score >= threshold]
    if keys_of is not None and verified:
        verified = _same_claims(verified, keys_of)
    report(len(sketches) + 2, steps)
    groups = _assemble(client, sketches, verified, threshold=threshold, method=method)
    report(steps, steps)
    return groups


def _same_claims(verified: list[Candidate], keys_of: Keys) -> list[Candidate]:
    """The verified pairs whose differing words do not change the claim (claims.py)."""
    ids = sorted({c[6] for c in verified} | {c[7] for c in verified})
    position = {opinion_id: n for n, opinion_id in enumerate(ids)}
    keys = list(keys_of(ids))
    first = np.array([position[c[6]] for c in verified], dtype=np.int64)
    second = np.array([position[c[7]] for c in verified], dtype=np.int64)
    conflicting = claims.conflicting_pairs(keys, first, second)
    return [c for c, bad in zip(verified, conflicting.tolist(), strict=True) if not bad]


def _assemble(
    client: Client,
    sketches: Sequence[Future],
    verified: Sequence[Candidate],
    *,
    threshold: float,
    method: Method,
) -> list[DuplicateGroup]:
    """Exact classes merged across partitions, joined by the verified pairs into groups."""
    linked = {c[0] for c in verified} | {c[1] for c in verified}
    location = {c[0]: (c[2], c[3]) for c in verified} | {c[1]: (c[4], c[5]) for c in verified}
    class_bag = db.from_delayed([delayed(_class_records)(s) for s in sketches])
    merged: list[tuple[bytes, list[int]]] = (
        class_bag.foldby(
            lambda r: r[0],
            lambda acc, r: acc + r[1],
            [],
            lambda a, b: a + b,
            [],
        )
        .filter(lambda kv: len(kv[1]) > 1 or kv[0] in linked)
        .compute()
    )
    classes = sorted((sorted(ids), key) for key, ids in merged)
    node_of = {key: node for node, (_, key) in enumerate(classes)}
    first = np.array([node_of[c[0]] for c in verified], dtype=np.int64)
    second = np.array([node_of[c[1]] for c in verified], dtype=np.int64)
    keys = [key for _, key in classes]

    def similarity_to(nodes: dedupe.Index, canonicals: dedupe.Index) -> npt.NDArray[np.float64]:
        scores = np.ones(len(nodes), dtype=np.float64)
        ask = [i for i, (a, b) in enumerate(zip(nodes, canonicals, strict=True)) if a != b]
        if ask:
            firsts = [location[keys[nodes[i]]] for i in ask]
            seconds = [location[keys[canonicals[i]]] for i in ask]
            scores[ask] = _distributed_jaccard(client, sketches, firsts, seconds)
        return scores

    return dedupe.assemble_groups([ids for ids, _ in classes], first, second, similarity_to,
                                  threshold=threshold, method=method)  # fmt: skip
