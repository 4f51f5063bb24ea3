"""Routing opinions to the sections they address: references first, then BM25 retrieval."""

from __future__ import annotations

import pytest

from tests.conftest import shared_data
from ykien.analysis.routing import SectionDoc, SectionProposal, SectionRouter
from ykien.drafts.parse import parse_file, parse_text

LAW = """\
LUẬT GÓP Ý THỬ NGHIỆM
Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Luật này quy định về việc lấy ý kiến nhân dân đối với dự thảo văn kiện.
Điều 2. Giải thích từ ngữ
1. Dự thảo là văn bản được công bố để lấy ý kiến.
2. Ý kiến trực tuyến là ý kiến gửi qua cổng thông tin điện tử.
Chương II
TỔ CHỨC LẤY Ý KIẾN
Điều 3. Hội nghị lấy ý kiến
1. Hội nghị do ban chấp hành công đoàn và đoàn thanh niên phối hợp tổ chức.
2. Thư ký hội nghị ghi biên bản và tổng hợp các ý kiến phát biểu.
Điều 4. Thời hạn
Thời hạn lấy ý kiến là sáu mươi ngày kể từ ngày công bố dự thảo.
Điều 5. Trách nhiệm tiếp thu
1. Cơ quan soạn thảo phải nghiên cứu, tiếp thu và giải trình ý kiến.
2. Báo cáo tiếp thu được công khai trên cổng thông tin điện tử.
Điều 6. Xử lý vi phạm
Người cản trở việc góp ý thì bị xử lý kỷ luật hoặc xử phạt hành chính.
"""


def docs_of(text: str) -> list[SectionDoc]:
    """Every parsed section, ids 100 + position, parents given, own texts only."""
    draft = parse_text(text)
    return [
        SectionDoc(
            100 + i,
            s.path,
            s.label,
            s.heading,
            s.text,
            None if s.parent is None else 100 + s.parent,
        )
        for i, s in enumerate(draft.sections)
    ]


@pytest.fixture(scope="module")
def docs() -> list[SectionDoc]:
    return docs_of(LAW)


@pytest.fixture(scope="module")
def router(docs: list[SectionDoc]) -> SectionRouter:
    return SectionRouter(docs)


def label_of(docs: list[SectionDoc], proposal: SectionProposal) -> str:
    return next(doc.label for doc in docs if doc.id == proposal.section_id)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Góp ý khoản 2 Điều 5: cần công khai sớm hơn", "Khoản 2 Điều 5"),
        ("Đề nghị sửa Điều 4 cho hợp lý", "Điều 4"),
        ("de nghi bo sung dieu 6", "Điều 6"),
        ("Về khoản 1 Điều 3 tôi thấy chưa rõ", "Khoản 1 Điều 3"),
        ("Chương II cần thêm một điều về đối thoại", "Chương II"),
    ],
)
def test_explicit_reference_comes_first(
    router: SectionRouter, docs: list[SectionDoc], text: str, label: str
) -> None:
    first = router.propose(text)[0]
    assert (label_of(docs, first), first.method) == (label, "reference")
    assert first.confidence >= 0.95
    assert first.evidence.lower() in text.lower()


def test_reference_to_another_act_is_less_certain(
    router: SectionRouter, docs: list[SectionDoc]
) -> None:
    own = router.propose("Đề nghị sửa Điều 4 của Luật này")[0]
    other = router.propose("Đề nghị áp dụng như Điều 4 Luật Đất đai")[0]
    assert label_of(docs, other) == "Điều 4"
    assert other.confidence < own.confidence


def test_reference_naming_several_sections_is_settled_by_the_text(
    router: SectionRouter, docs: list[SectionDoc]
) -> None:
    first = router.propose("Khoản 2 nên nói rõ báo cáo tiếp thu công khai ở đâu")[0]
    assert (label_of(docs, first), first.method) == ("Khoản 2 Điều 5", "reference")
    assert first.confidence < 0.95


@pytest.mark.parametrize(
    ("text", "within"),
    [
        ("Thời hạn sáu mươi ngày là quá ngắn, đề nghị kéo dài", "Điều 4"),
        ("thoi han sau muoi ngay qua ngan", "Điều 4"),
        ("Cần quy định chế tài kỷ luật nặng hơn với người cản trở góp ý", "Điều 6"),
        ("Thư ký hội nghị phải ghi biên bản đầy đủ", "Điều 3"),
    ],
)
def test_retrieval_without_reference(
    router: SectionRouter, docs: list[SectionDoc], text: str, within: str
) -> None:
    first = router.propose(text)[0]
    assert first.method == "retrieval"
    assert label_of(docs, first).endswith(within)
    assert first.evidence


def test_the_most_specific_section_is_proposed(
    router: SectionRouter, docs: list[SectionDoc]
) -> None:
    proposals = router.propose("thư ký ghi biên bản và tổng hợp ý kiến phát biểu tại hội nghị")
    assert label_of(docs, proposals[0]) == "Khoản 2 Điều 3"
    labels = [label_of(docs, p) for p in proposals]
    assert "Điều 3" not in labels and "Chương II" not in labels


def test_proposals_are_distinct_ordered_and_bounded(router: SectionRouter) -> None:
    proposals = router.propose("ý kiến nhân dân về dự thảo văn kiện và hội nghị", limit=2)
    assert 1 <= len(proposals) <= 2
    assert len({p.section_id for p in proposals}) == len(proposals)
    confidences = [p.confidence for p in proposals]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0.0 <= c <= 1.0 for c in confidences)


def test_unrelated_or_empty_text_gets_no_proposal(router: SectionRouter) -> None:
    assert router.propose("") == []
    assert router.propose("xyz qwerty") == []


def test_tone_placement_does_not_matter() -> None:
    docs = docs_of("Điều 1. Hòa giải\nTổ hòa giải ở cơ sở do Ủy ban bầu ra.\nĐiều 2. Khác\nKhác.\n")
    router = SectionRouter(docs)
    old_style = router.propose("tổ hoà giải cơ sở do uỷ ban bầu")[0]
    assert label_of(docs, old_style) == "Điều 1"


def test_propose_many_matches_propose_and_reports_progress(
    router: SectionRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ykien.analysis.routing as routing

    monkeypatch.setattr(routing, "BATCH_SIZE", 2)
    texts = ["thời hạn sáu mươi ngày", "Điều 6", "biên bản hội nghị", "tiếp thu giải trình", "x"]
    calls: list[tuple[int, int]] = []
    found = router.propose_many(
        [(7 + i, t) for i, t in enumerate(texts)], progress=lambda d, t: calls.append((d, t))
    )
    assert sorted(found) == [7, 8, 9, 10, 11]
    assert found[7] == router.propose(texts[0])
    assert calls == [(2, 5), (4, 5), (5, 5)]


def test_no_sections() -> None:
    assert SectionRouter([]).propose("Điều 1 thời hạn") == []


def article_of(docs: list[SectionDoc], section_id: int) -> str:
    """The label of the Điều a section belongs to (the section's own label if it is one)."""
    by_id = {doc.id: doc for doc in docs}
    doc = by_id[section_id]
    while not doc.label.startswith("Điều") and doc.parent_id is not None:
        doc = by_id[doc.parent_id]
    return doc.label


@pytest.mark.slow
def test_routes_paraphrased_articles_of_the_constitution() -> None:
    path = shared_data("vn-legal", "hien-phap.txt")
    draft = parse_file(path.read_bytes(), path.name)
    docs = [
        SectionDoc(i, s.path, s.label, s.heading, s.text, s.parent)
        for i, s in enumerate(draft.sections)
    ]
    router = SectionRouter(docs)
    cases = {
        "Đề nghị quy định rõ hơn quyền tự do ngôn luận, tự do báo chí": "Điều 25",
        "nhiem ky cua quoc hoi nen keo dai sau nam": "Điều 71",
        "Công dân có quyền bầu cử khi đủ mười tám tuổi, ứng cử khi đủ hai mươi mốt": "Điều 27",
    }
    for text, label in cases.items():
        first = router.propose(text)[0]
        assert article_of(docs, first.section_id) == label, text
