"""Themes: clustering, labels, cited summaries, quotes, assignment, describe and split."""

from __future__ import annotations

import pickle
import random

import pytest

from tests.conftest import shared_data
from ykien.analysis.textpipe import tokens
from ykien.analysis.themes import (
    OUTLIER,
    LexiconSegmenter,
    ThemeResult,
    describe,
    find_themes,
    learn_lexicon,
    split_sentences,
    split_theme,
)

TOPICS = {
    "fees": [
        "Đề nghị giảm học phí cho sinh viên có hoàn cảnh khó khăn.",
        "Học phí tăng quá nhanh, gia đình không kham nổi.",
        "Cần công khai các khoản thu học phí và lệ phí.",
        "Mức học phí mới cao hơn thu nhập của người dân nông thôn.",
        "Nên có học bổng và miễn giảm học phí cho con em gia đình chính sách.",
    ],
    "traffic": [
        "Ùn tắc giao thông giờ cao điểm ngày càng nghiêm trọng.",
        "Cần mở rộng đường và xây thêm cầu vượt để giảm ùn tắc giao thông.",
        "Xe buýt công cộng còn ít tuyến, người dân ngại đi xe buýt.",
        "Xử phạt nghiêm xe máy vượt đèn đỏ và đi ngược chiều.",
        "Quy hoạch bãi đỗ xe ô tô trong nội đô còn thiếu.",
    ],
    "environment": [
        "Rác thải nhựa ở kênh rạch gây ô nhiễm môi trường.",
        "Khói bụi từ nhà máy làm ô nhiễm không khí khu dân cư.",
        "Cần trồng thêm cây xanh và bảo vệ rừng phòng hộ.",
        "Nước thải công nghiệp chưa qua xử lý xả thẳng ra sông.",
        "Phân loại rác tại nguồn để bảo vệ môi trường sống.",
    ],
}
SHARED_SENTENCE = "Tôi hoàn toàn đồng tình với ý kiến này."


def corpus(copies: int = 4, seed: int = 1) -> tuple[list[tuple[int, str]], dict[int, str]]:
    """Opinions built from two sentences of one topic each; returns items and the gold topic."""
    rng = random.Random(seed)
    items: list[tuple[int, str]] = []
    gold: dict[int, str] = {}
    for topic, sentences in TOPICS.items():
        for _ in range(copies * len(sentences)):
            first, second = rng.sample(sentences, 2)
            opinion_id = 1000 + len(items)
            items.append((opinion_id, f"{first} {second}"))
            gold[opinion_id] = topic
    rng.shuffle(items)
    return items, gold


@pytest.fixture(scope="module")
def three_topics() -> tuple[list[tuple[int, str]], dict[int, str], ThemeResult]:
    items, gold = corpus()
    items.append((1, "Và là của những cái này."))  # only stop words
    items.append((2, "   "))
    result, _ = find_themes(items, min_themes=2, max_themes=6)
    return items, gold, result


def theme_topics(result: ThemeResult, gold: dict[int, str]) -> list[set[str]]:
    return [{gold[i] for i in theme.member_ids} for theme in result.themes]


def test_finds_the_three_topics(three_topics: tuple) -> None:
    _, gold, result = three_topics
    assert result.chosen_k == 3
    assert sorted(result.k_scores) == [2, 3, 4, 5, 6]
    assert all(len(topics) == 1 for topics in theme_topics(result, gold))
    assert {t for topics in theme_topics(result, gold) for t in topics} == set(TOPICS)


def test_empty_and_stopword_only_opinions_are_outliers(three_topics: tuple) -> None:
    items, _, result = three_topics
    assert sorted(result.outlier_ids) == [1, 2]
    members = [i for theme in result.themes for i in theme.member_ids]
    assert sorted(members + result.outlier_ids) == sorted(i for i, _ in items)


def test_labels_are_display_phrases_naming_the_topic(three_topics: tuple) -> None:
    _, gold, result = three_topics
    expected = {"fees": "học phí", "traffic": "giao thông", "environment": "môi trường"}
    for theme, topics in zip(result.themes, theme_topics(result, gold), strict=True):
        assert "_" not in theme.label
        assert 2 <= len(theme.label.split(", ")) <= 4
        assert theme.label.split(", ") == theme.key_phrases[: len(theme.label.split(", "))]
        topic = next(iter(topics))
        assert any(expected[topic] in phrase for phrase in theme.key_phrases[:4]), theme.key_phrases


def test_summary_sentences_cite_every_opinion_that_contains_them(three_topics: tuple) -> None:
    items, _, result = three_topics
    texts = dict(items)
    for theme in result.themes:
        assert 1 <= len(theme.summary) <= 5
        for sentence in theme.summary:
            holders = {i for i in theme.member_ids if sentence.text in texts[i]}
            assert holders <= set(sentence.opinion_ids) <= set(theme.member_ids)
            assert len(holders) > 1  # each template sentence recurs in the generated opinions


def test_quotes_are_distinct_central_members(three_topics: tuple) -> None:
    _, _, result = three_topics
    for theme in result.themes:
        assert 1 <= len(theme.quote_ids) <= 5
        assert len(set(theme.quote_ids)) == len(theme.quote_ids)
        assert set(theme.quote_ids) <= set(theme.member_ids)
        assert 0.0 < theme.cohesion <= 1.0


def test_near_identical_sentences_are_cited_together() -> None:
    variants = [
        "Cần công khai mức thu học phí của từng trường.",
        "Cần công khai mức thu học phí của từng trường!",
        "Theo tôi, cần công khai mức thu học phí của từng trường;",
    ]
    remarks = [sentence for sentences in TOPICS.values() for sentence in sentences][:9]
    items = [(100 + n, f"{variants[n % 3]} {remark}") for n, remark in enumerate(remarks)]
    _, _, summary, _ = describe(items)
    assert "công khai mức thu" in summary[0].text
    assert summary[0].opinion_ids == tuple(range(100, 109))
    assert all(len(sentence.opinion_ids) == 1 for sentence in summary[1:])


def test_summaries_leave_out_the_courtesy_frame_and_reporting_leads() -> None:
    frames = [
        SHARED_SENTENCE,
        "Đây là vấn đề được nhiều đảng viên trong chi bộ quan tâm.",
        "Xin cảm ơn.",
    ]
    remarks = [sentence for sentences in TOPICS.values() for sentence in sentences]
    items = [
        (100 + n, f"{frames[n % 3]} Theo tôi, {remark[0].lower()}{remark[1:]}")
        for n, remark in enumerate(remarks)
    ]
    _, _, summary, _ = describe(items)
    assert summary
    for sentence in summary:
        assert sentence.text in remarks  # the content sentence, its lead "Theo tôi," cut


def test_a_sentence_never_cites_an_opinion_with_another_number_or_name() -> None:
    items = [
        (1, "Đề nghị nâng tỷ lệ cán bộ trẻ dưới 40 tuổi lên 15% ở Hà Nội."),
        (2, "Đề nghị nâng tỷ lệ cán bộ trẻ dưới 40 tuổi lên 15% ở Hà Nội!"),
        (3, "Đề nghị nâng tỷ lệ cán bộ trẻ dưới 40 tuổi lên 20% ở Hà Nội."),
        (4, "Đề nghị nâng tỷ lệ cán bộ trẻ dưới 40 tuổi lên 15% ở Đà Nẵng."),
        (5, "Đề nghị không nâng tỷ lệ cán bộ trẻ dưới 40 tuổi lên 15% ở Hà Nội."),
    ]
    _, _, summary, _ = describe(items)
    cited = {s.text: s.opinion_ids for s in summary}
    first = next(ids for text, ids in cited.items() if "15%" in text and "Hà Nội" in text)
    assert set(first) <= {1, 2, 5} and {1, 2} <= set(first)
    assert 5 not in first  # the negated claim is another claim
    assert all(3 not in ids or "20%" in text for text, ids in cited.items())


def test_weights_order_themes_by_multiplicity() -> None:
    items, gold = corpus(copies=2)
    heavy = next(i for i in gold if gold[i] == "environment")
    result, _ = find_themes(items, min_themes=3, max_themes=3, weights={heavy: 500})
    assert heavy in result.themes[0].member_ids
    assert result.themes[0].weight == 500 + len(result.themes[0].member_ids) - 1
    unweighted, _ = find_themes(items, min_themes=3, max_themes=3)
    assert [t.weight for t in unweighted.themes] == [len(t.member_ids) for t in unweighted.themes]


def test_model_assigns_like_the_run_and_survives_pickling() -> None:
    items, gold = corpus()
    result, model = find_themes(items, min_themes=3, max_themes=3)
    restored = pickle.loads(pickle.dumps(model))
    assigned = restored.assign(items)
    for index, theme in enumerate(result.themes):
        assert {assigned[i] for i in theme.member_ids} == {index}
    fresh = restored.assign([(7, "Đường phố ùn tắc giao thông, xe buýt quá ít."), (8, "và là")])
    traffic = next(
        n for n, topics in enumerate(theme_topics(result, gold)) if topics == {"traffic"}
    )
    assert fresh == {7: traffic, 8: OUTLIER}


def test_large_inputs_are_fitted_on_a_sample_and_assigned() -> None:
    items, gold = corpus(copies=6)
    progress: list[tuple[int, int]] = []
    result, _ = find_themes(
        items,
        min_themes=3,
        max_themes=3,
        sample_size=40,
        progress=lambda d, t: progress.append((d, t)),
    )
    members = sorted(i for theme in result.themes for i in theme.member_ids)
    assert members == sorted(i for i, _ in items)
    assert all(len(topics) == 1 for topics in theme_topics(result, gold))
    assert progress[-1] == (100, 100)
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)


def test_english_opinions_cluster_too() -> None:
    fees = [
        "Tuition fees are too high for poor students.",
        "Lower the tuition fees and add scholarships.",
    ]
    roads = [
        "Traffic jams on the main roads get worse every year.",
        "Build more bus lines to reduce traffic jams.",
    ]
    items = [(n, fees[n % 2] if n < 10 else roads[n % 2]) for n in range(20)]
    result, _ = find_themes(items, min_themes=2, max_themes=2)
    groups = sorted(sorted(theme.member_ids) for theme in result.themes)
    assert groups == [list(range(10)), list(range(10, 20))]
    assert any(
        "tuition" in phrase
        for phrase in result.themes[0].key_phrases + result.themes[1].key_phrases
    )


def test_tone_placement_variants_share_a_theme() -> None:
    items = [
        (n, "Giữ gìn hoà bình và đoàn kết." if n % 2 else "Giữ gìn hòa bình và đoàn kết.")
        for n in range(6)
    ]
    items += [(10 + n, "Tăng lương cho giáo viên mầm non.") for n in range(6)]
    result, _ = find_themes(items, min_themes=2, max_themes=2)
    assert sorted(sorted(t.member_ids) for t in result.themes) == [
        list(range(6)),
        list(range(10, 16)),
    ]
    peace = next(t for t in result.themes if 0 in t.member_ids)
    assert set(peace.summary[0].opinion_ids) == set(range(6))


def test_tiny_inputs() -> None:
    assert find_themes([])[0].themes == []
    assert find_themes([(1, "và là")])[0].outlier_ids == [1]
    one, _ = find_themes([(1, "Giảm học phí."), (2, "Giảm học phí cho sinh viên.")])
    assert [sorted(t.member_ids) for t in one.themes] in ([[1, 2]], [[1], [2]])
    with pytest.raises(ValueError):
        find_themes([(1, "x")], min_themes=5, max_themes=3)


def test_describe_a_hand_made_group() -> None:
    items, gold = corpus(copies=1)
    chosen = [(i, t) for i, t in items if gold[i] == "traffic"]
    label, phrases, summary, quotes = describe(chosen)
    assert label and label.split(", ")[0] == phrases[0]
    assert any("giao thông" in p or "xe buýt" in p or "ùn tắc" in p for p in phrases[:3])
    assert summary and all(set(s.opinion_ids) <= {i for i, _ in chosen} for s in summary)
    assert set(quotes) <= {i for i, _ in chosen}
    assert describe([(1, "và")]) == ("", [], [], [])


def test_split_theme_separates_two_topics() -> None:
    items, gold = corpus(copies=2)
    mixed = [(i, t) for i, t in items if gold[i] in ("fees", "environment")] + [(5, "và là")]
    parts = split_theme(mixed, parts=2)
    assert len(parts) == 2 and len(parts[0]) >= len(parts[1])
    assert sorted(i for part in parts for i in part) == sorted(i for i, _ in mixed)
    assert all(len({gold[i] for i in part if i in gold}) == 1 for part in parts)
    assert split_theme(mixed, parts=1) == [[i for i, _ in mixed if i != 5] + [5]]


def test_split_sentences_keeps_abbreviations() -> None:
    text = "Đề nghị TP. Hồ Chí Minh bổ sung. Còn thiếu quy định!  Vì sao?\nHết"
    assert split_sentences(text) == [
        "Đề nghị TP. Hồ Chí Minh bổ sung.",
        "Còn thiếu quy định!",
        "Vì sao?",
        "Hết",
    ]


def test_lexicon_segmenter_matches_longest_known_word() -> None:
    segmenter = LexiconSegmenter(["đảng_ủy", "ban_chấp_hành", "ban_chấp_hành_đảng_bộ", "chấp_hành"])
    assert segmenter.segment("Ban chấp hành Đảng bộ và Đảng ủy") == [
        "Ban_chấp_hành_Đảng_bộ",
        "và",
        "Đảng_ủy",
    ]
    learnt = learn_lexicon(["Sinh viên cần học tập chăm chỉ."] * 3)
    assert "sinh_viên" in learnt.words and "học_tập" in learnt.words
    assert tokens("Sinh viên học tập", segmenter=learnt) == ["sinh_viên", "học_tập"]


@pytest.mark.slow
def test_real_feedback_sentences_are_partitioned_and_cited() -> None:
    folder = shared_data("uit-vsfc", "dev")
    sentences = folder.joinpath("sents.txt").read_text(encoding="utf-8").splitlines()[:600]
    items = list(enumerate(sentences))
    result, _ = find_themes(items, max_themes=6)
    members = [i for theme in result.themes for i in theme.member_ids]
    assert sorted(members + result.outlier_ids) == list(range(len(items)))
    assert 2 <= result.chosen_k <= 6
    for theme in result.themes:
        for sentence in theme.summary:
            assert sentence.text in sentences[sentence.opinion_ids[0]] or any(
                sentence.text in sentences[i] for i in sentence.opinion_ids
            )
