import functools
import random
from collections.abc import Iterator
from itertools import pairwise

import pytest
from distributed import Client, LocalCluster

from evals import campaigns
from ykien.analysis import dedupe
from ykien.analysis.dedupe import Method
from ykien.analysis.dedupe_dask import Loader, bucket_candidates, find_duplicates_dask

ITEMS = [(item.id, item.text) for item in campaigns.generate(total=600, campaigns=6, seed=4)]


def load_range(lo: int, hi: int) -> list[tuple[int, str]]:
    """A loader like the service's: the items whose id is in [lo, hi)."""
    return [(i, text) for i, text in ITEMS if lo <= i < hi]


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster) as dask_client,
    ):
        yield dask_client


def _loaders(bounds: list[int]) -> list[functools.partial[list[tuple[int, str]]]]:
    return [functools.partial(load_range, lo, hi) for lo, hi in pairwise(bounds)]


@pytest.mark.parametrize("method", ["components", "canonical"])
def test_dask_groups_equal_find_duplicates(client: Client, method: Method) -> None:
    # The Dask engine has no claim check yet (claims.py): compare with the method without it.
    expected = dedupe.find_duplicates(ITEMS, method=method, meaning=False)
    got = find_duplicates_dask(
        _loaders([1, 150, 151, 400, 601]),
        client=client,
        method=method,
    )
    assert got == expected
    assert len(expected) >= 6


@pytest.mark.parametrize("method", ["components", "canonical"])
def test_dask_groups_with_the_claim_check_equal_find_duplicates(
    client: Client, method: Method
) -> None:
    texts = dict(ITEMS)
    negated = [(10_001, "Tôi không đồng ý giữ nguyên điểm trường ở vùng sâu vùng xa.")]
    negated.append((10_002, "Tôi đồng ý giữ nguyên điểm trường ở vùng sâu vùng xa."))
    items = ITEMS + negated
    texts.update(negated)
    expected = dedupe.find_duplicates(items, method=method)
    assert expected != dedupe.find_duplicates(items, method=method, meaning=False)
    loaders = _loaders([1, 150, 151, 400, 601])
    loaders.append(functools.partial(list, negated))
    seen: list[tuple[int, int]] = []
    got = find_duplicates_dask(
        loaders,
        client=client,
        method=method,
        keys_of=lambda ids: dedupe.analysis_keys(texts[i] for i in ids),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert got == expected
    assert seen[-1][0] == seen[-1][1] and len(seen) == len(loaders) + 3


def test_exact_duplicates_split_across_partitions_are_one_group(
    client: Client,
) -> None:
    text = "Đề nghị giữ nguyên các điểm trường ở vùng sâu vùng xa."
    first: Loader = functools.partial(list, [(1, text), (2, "Một ý kiến khác hẳn về thuế đất.")])
    second: Loader = functools.partial(list, [(3, text.upper()), (4, text)])
    (group,) = find_duplicates_dask([first, second], client=client)
    assert group.member_ids == (1, 3, 4) and group.exact and group.canonical_id == 1
    assert find_duplicates_dask([], client=client) == []


def test_bucket_candidates_follow_the_single_machine_rule() -> None:
    entries = [(i, bytes([i]), i % 2, i) for i in range(12)]
    random.Random(1).shuffle(entries)
    duplicate_key = (30, bytes([0]), 1, 5)  # same class as id 0 in another partition
    pairs = bucket_candidates((7, [*entries, duplicate_key]))
    firsts = {(a[0], b[0]) for a, b, *_ in pairs}
    assert len(pairs) == 11 + 10  # to the first member, and to each predecessor
    assert (0, 1) in firsts and (10, 11) in firsts and (0, 11) in firsts
    small = bucket_candidates((7, entries[:4]))
    assert len(small) == 6
