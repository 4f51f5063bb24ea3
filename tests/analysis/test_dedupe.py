import random
import unicodedata

import numpy as np
import pytest

from ykien.analysis import dedupe
from ykien.analysis.textpipe import analysis_key
from ykien.text import fold

TEMPLATE = (
    "Đề nghị Ban soạn thảo bổ sung quy định về trách nhiệm của Đảng uỷ trong công tác hoà giải "
    "ở cơ sở, bảo đảm quyền lợi chính đáng của nhân dân và tăng cường giám sát của Mặt trận."
)
OTHER = "Tôi hoàn toàn đồng ý với chương về chuyển đổi số vì nó phù hợp với thực tiễn địa phương."


def _words(rng: random.Random, count: int) -> str:
    pool = (  # noqa: SIM905
        "cán bộ thủy lợi đất đai giáo dục y tế giao thông nông thôn thuế ngân sách môi trường "
        "rừng biển đảo doanh nghiệp lao động tiền lương nhà ở quy hoạch văn hóa thể thao"
    ).split()
    return " ".join(rng.choice(pool) for _ in range(count))


def test_exact_key_ignores_case_punctuation_and_tone_placement() -> None:
    key = dedupe.exact_key(TEMPLATE)
    assert len(key) == 16
    assert dedupe.exact_key(TEMPLATE.upper().replace(",", " ;")) == key
    assert dedupe.exact_key(TEMPLATE.replace("uỷ", "ủy").replace("hoà", "hòa")) == key
    assert dedupe.exact_key(unicodedata.normalize("NFD", TEMPLATE)) == key
    assert dedupe.exact_key(TEMPLATE.replace("hoà giải", "hòa bình")) != key


def test_bulk_analysis_keys_equal_the_pipeline_key() -> None:
    texts = [
        TEMPLATE,
        unicodedata.normalize("NFD", "Thành uỷ viên  KHOẺ\u200b mạnh!!"),
        "  ",
        "İstanbul ΟΔΟΣ\r\nhoà-bình_42",
        OTHER.upper(),
    ]
    assert dedupe.analysis_keys(texts) == [analysis_key(t) for t in texts]


def test_shingles_ignore_diacritics_and_tone_placement() -> None:
    base = dedupe.shingles(TEMPLATE)
    assert base.dtype == np.uint64 and len(base) == len(np.unique(base)) > 20
    folded = "de nghi ban soan thao bo sung quy dinh ve trach nhiem cua dang uy trong cong tac"
    assert set(dedupe.shingles(folded)) <= set(base)
    assert len(dedupe.shingles("một")) == 1
    assert len(dedupe.shingles("!!")) == 0


def test_signature_jaccard_estimates_true_jaccard() -> None:
    rng = random.Random(3)
    for _ in range(20):
        first = _words(rng, 40)
        words = first.split()
        for _ in range(rng.randrange(1, 15)):
            words[rng.randrange(len(words))] = _words(rng, 1)
        second = " ".join(words)
        a, b = dedupe.shingles(first), dedupe.shingles(second)
        true = len(np.intersect1d(a, b)) / len(np.union1d(a, b))
        sigs = dedupe.signatures([first, second], num_perm=256)
        assert abs(float(dedupe.jaccard(sigs[0], sigs[1])) - true) < 0.15


def test_signatures_are_deterministic_and_seeded() -> None:
    texts = [TEMPLATE, OTHER, ""]
    sigs = dedupe.signatures(texts)
    assert sigs.shape == (3, dedupe.NUM_PERM) and sigs.dtype == np.uint32
    assert np.array_equal(sigs, dedupe.signatures(texts))
    assert not np.array_equal(sigs, dedupe.signatures(texts, seed=2))
    assert (sigs[2] == np.iinfo(np.uint32).max).all()


def test_threaded_signatures_match_single_thread_rows() -> None:
    rng = random.Random(5)
    texts = [_words(rng, 12) for _ in range(dedupe._THREAD_MIN_DOCS + 10)]
    many = dedupe.signatures(texts, num_perm=16)
    assert np.array_equal(many[-3:], dedupe.signatures(texts[-3:], num_perm=16))


def test_find_duplicates_groups_exact_and_near_duplicates() -> None:
    near = TEMPLATE.replace("chính đáng", "hợp pháp") + " Tôi là đảng viên ở phường Hòa Bình."
    folded = fold(TEMPLATE)
    items = [
        (10, TEMPLATE),
        (4, near),
        (7, TEMPLATE.upper()),
        (3, OTHER),
        (12, OTHER + "!!"),
        (20, "Cần làm rõ thẩm quyền của Ủy ban nhân dân cấp xã khi cấp giấy phép xây dựng."),
        (30, folded),
    ]
    groups = dedupe.find_duplicates(items)
    assert len(groups) == 2
    campaign, exact = groups
    assert campaign.member_ids == (4, 7, 10, 30)
    assert campaign.canonical_id == 7  # the text seen twice, then the smallest id
    assert not campaign.exact
    assert campaign.similarity[7] == campaign.similarity[10] == 1.0
    assert 0.5 <= campaign.similarity[4] < 1.0
    assert exact.member_ids == (3, 12) and exact.exact and exact.canonical_id == 3


def test_unrelated_texts_form_no_group() -> None:
    rng = random.Random(11)
    items = [(i, _words(rng, 30)) for i in range(300)]
    assert dedupe.find_duplicates(items) == []


def test_group_signatures_from_stored_rows_equals_find_duplicates() -> None:
    rng = random.Random(8)
    base = [_words(rng, 30) for _ in range(50)]
    texts = base + [t.replace(t.split()[3], "ngân_sách", 1) for t in base[:20]] + base[:5]
    ids = list(range(100, 100 + len(texts)))
    sigs = dedupe.signatures(texts)
    keys = [dedupe.exact_key(t) for t in texts]
    from_rows = dedupe.group_signatures(ids, keys, sigs)
    assert from_rows == dedupe.find_duplicates(zip(ids, texts, strict=True))
    assert len(from_rows) >= 20


def test_chaining_can_be_cut_at_the_canonical() -> None:
    words = _words(random.Random(2), 24).split()
    chain = [" ".join(words[i : i + 16]) for i in range(0, 9, 2)]  # each overlaps the next
    items = list(enumerate(chain, start=1))
    chained = dedupe.find_duplicates(items, threshold=0.6)
    cut = dedupe.find_duplicates(items, threshold=0.6, method="canonical")
    assert max(len(g.member_ids) for g in chained) > max(len(g.member_ids) for g in cut)
    for group in cut:
        assert min(group.similarity.values()) >= 0.6


def test_large_bucket_is_linked_without_all_pairs() -> None:
    # (signed differently: a different number would be a different claim, see test_claims)
    items = [(i, TEMPLATE + f" Người gửi {'b' * (i + 1)}.") for i in range(40)]
    (group,) = dedupe.find_duplicates(items)
    assert group.member_ids == tuple(range(40))


def test_progress_reports_until_done() -> None:
    seen: list[tuple[int, int]] = []
    dedupe.find_duplicates([(1, TEMPLATE), (2, OTHER)], progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1][0] == seen[-1][1]


def test_lsh_shape_uses_the_signature_and_catches_pairs_above_threshold() -> None:
    for threshold in (0.3, 0.5, 0.8):
        bands, rows = dedupe.lsh_shape(threshold, 128)
        assert bands * rows <= 128
        assert 1 - (1 - (threshold + 0.1) ** rows) ** bands > 0.9


def test_variant_diff_and_summary() -> None:
    variant = TEMPLATE.replace("chính đáng", "hợp pháp") + " Rất mong được tiếp thu."
    diff = dedupe.variant_diff(TEMPLATE, variant)
    assert ("removed", "chính đáng") in diff and ("added", "hợp pháp") in diff
    assert diff[-1] == ("added", "Rất mong được tiếp thu.")
    assert " ".join(w for kind, w in diff if kind != "added") == TEMPLATE
    assert dedupe.variant_diff(TEMPLATE, fold(TEMPLATE))[0][0] == "same"
    summary = dedupe.variants_summary(TEMPLATE, [variant, variant, TEMPLATE + " Xin cảm ơn."])
    assert summary[0][1] == 2 and ("+ Xin cảm ơn.", 1) in summary
    assert len(dedupe.variants_summary(TEMPLATE, [variant], limit=1)) == 1


@pytest.mark.parametrize("count", [0, 1])
def test_tiny_inputs(count: int) -> None:
    assert dedupe.find_duplicates([(1, TEMPLATE)][:count]) == []
