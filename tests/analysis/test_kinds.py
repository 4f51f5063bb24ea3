"""Opinion kinds from cue phrases and from a classifier trained on authors' own choices."""

from __future__ import annotations

import pytest

from ykien.analysis.kinds import (
    KINDS,
    KindClassifier,
    KindProposal,
    combine_kind,
    cue_kind,
    propose_kinds,
)
from ykien.opinions.models import OpinionKind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Tôi hoàn toàn nhất trí với dự thảo", "agree"),
        ("Chúng tôi đồng ý với phương án này", "agree"),
        ("Tôi không đồng ý với quy định này", "disagree"),
        ("toi khong dong y", "disagree"),
        ("Chúng tôi chưa nhất trí với khoản 3", "disagree"),
        ("Phản đối việc tăng phí", "disagree"),
        ('Đề nghị sửa cụm từ "cơ quan" thành "đơn vị"', "amend"),
        ("Nên sửa lại câu chữ cho gọn", "amend"),
        ("Đề nghị bổ sung quy định về chuyển đổi số", "add"),
        ("de nghi bo sung quy dinh ve chuyen doi so", "add"),
        ("Đề nghị bỏ khoản 3", "delete"),
        ("De nghi bo khoan 3", "delete"),
        ("Đề nghị xóa đoạn cuối", "delete"),
        ("Đề nghị xoá đoạn cuối", "delete"),
        ("Tại sao lại quy định như vậy", "question"),
        ("Có nên quy định tuổi nghỉ hưu là 62 không?", "question"),
        ("Kiến nghị Thành ủy sớm ban hành nghị quyết", "recommendation"),
        ("Nhất trí, nhưng đề nghị bổ sung thêm chỉ tiêu về môi trường", "add"),
        ("We disagree with this change", "disagree"),
        ("Please add a clause on privacy", "add"),
    ],
)
def test_cue_kind(text: str, kind: str) -> None:
    proposal = cue_kind(text)
    assert proposal is not None
    assert proposal.kind == kind
    assert 0.0 < proposal.confidence <= 1.0


def test_cue_and_span_point_into_the_text() -> None:
    text = "Về Điều 5, tôi không nhất trí với cách tính"
    proposal = cue_kind(text)
    assert proposal is not None and proposal.span is not None
    start, end = proposal.span
    assert text[start:end] == proposal.cue == "không nhất trí"


def test_words_with_other_diacritics_are_not_cues() -> None:
    # "bộ" (ministry) is not "bỏ" (delete); "bỏ phiếu" is voting.
    assert cue_kind("Bộ Tài chính chủ trì việc này") is None
    assert cue_kind("Mọi người đi bỏ phiếu") is None


def test_tone_placement_does_not_matter() -> None:
    old_style, new_style = cue_kind("Đề nghị xoá bỏ"), cue_kind("Đề nghị xóa bỏ")
    assert old_style is not None and new_style is not None
    assert (
        (old_style.kind, old_style.span) == (new_style.kind, new_style.span) == ("delete", (8, 14))
    )


def test_no_cue_gives_none() -> None:
    assert cue_kind("Báo cáo chính trị trình bày mạch lạc") is None
    assert cue_kind("") is None


def test_kinds_are_opinion_kinds() -> None:
    assert set(KINDS) <= {kind.value for kind in OpinionKind}


LABELLED = [
    ("Nội dung này rất hay, tôi ủng hộ", "agree"),
    ("Hoàn toàn đúng đắn, ủng hộ hết mình", "agree"),
    ("Văn kiện viết tốt, tán thành", "agree"),
    ("Rất hợp lòng dân, ủng hộ", "agree"),
    ("Cách viết này chưa ổn, cần diễn đạt khác đi", "amend"),
    ("Câu này diễn đạt khác đi cho dễ hiểu", "amend"),
    ("Diễn đạt lại đoạn hai cho rõ ý", "amend"),
    ("Đoạn này cần diễn đạt khác đi", "amend"),
    ("Báo cáo trình bày khá dài", "comment"),
    ("Phần mở đầu trình bày khá dài", "comment"),
    ("Tôi đã đọc kỹ phần này", "comment"),
    ("Văn bản được trình bày rõ", "comment"),
]


def test_classifier_learns_from_labelled_opinions() -> None:
    texts, kinds = zip(*LABELLED, strict=True)
    classifier = KindClassifier().fit(list(texts) * 3, list(kinds) * 3)
    proposals = classifier.predict(["Tôi ủng hộ, rất hay", "đoạn này nên diễn đạt khác đi"])
    assert [p.kind for p in proposals] == ["agree", "amend"]
    assert all(p.cue is None and 0.0 < p.confidence <= 1.0 for p in proposals)


def test_classifier_needs_two_kinds() -> None:
    with pytest.raises(ValueError, match="two kinds"):
        KindClassifier().fit(["a", "b"], ["agree", "agree"])


def test_propose_kinds_with_cues_only_omits_unclear_opinions() -> None:
    found = propose_kinds([(1, "Tôi không đồng ý"), (2, "Báo cáo trình bày mạch lạc")])
    assert set(found) == {1}
    assert found[1].kind == "disagree"


def test_propose_kinds_uses_the_classifier_when_enough_labels() -> None:
    items = [(1, "Rất hay, hợp lòng dân"), (2, "đoạn này nên diễn đạt khác đi"), (3, "Tại sao?")]
    assert cue_kind(items[0][1]) is None
    without = propose_kinds(items)
    with_labels = propose_kinds(items, labelled=LABELLED * 5, min_labelled=50)
    assert 1 not in without
    assert with_labels[1].kind == "agree" and with_labels[1].cue is None
    assert with_labels[3].kind == "question"
    too_few = propose_kinds(items, labelled=LABELLED, min_labelled=50)
    assert 1 not in too_few


def test_agreeing_cue_and_classifier_are_more_confident_than_the_cue() -> None:
    items = [(1, "Tôi ủng hộ nội dung này")]
    cue = cue_kind(items[0][1])
    combined = propose_kinds(items, labelled=LABELLED * 5)[1]
    assert isinstance(cue, KindProposal)
    assert combined.kind == cue.kind == "agree"
    assert combined.confidence > cue.confidence


def test_combine_kind() -> None:
    cue = KindProposal("add", 0.8, "bổ sung", (0, 7))
    assert combine_kind(None, None) is None
    assert combine_kind(cue, None) == cue
    assert combine_kind(None, KindProposal("comment", 0.9, None, None)) is None
    agreeing = combine_kind(cue, KindProposal("add", 0.6, None, None))
    assert agreeing is not None and agreeing.confidence == pytest.approx(0.92)
    assert agreeing.cue == "bổ sung"
    conflicting = combine_kind(cue, KindProposal("agree", 0.6, None, None))
    assert conflicting is not None and conflicting.kind == "add"
    assert conflicting.confidence < cue.confidence
