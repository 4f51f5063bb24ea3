import unicodedata

import pytest

from ykien.analysis import textpipe as tp


def test_normalise_composes_and_collapses_whitespace() -> None:
    decomposed = unicodedata.normalize("NFD", "Đảng  ủy\u200b\n khối")
    assert tp.normalise(decomposed) == "Đảng ủy khối"


def test_canonical_writes_the_classic_tone_placement() -> None:
    assert tp.canonical("Đảng uỷ hoà bình, thuỷ lợi, khoẻ") == "Đảng ủy hòa bình, thủy lợi, khỏe"
    assert tp.canonical("quý") == "quý"  # "qu" is a consonant: nothing to move


@pytest.mark.parametrize("segmenter", ["pyvi", "syllables"])
def test_both_spellings_give_the_same_tokens(segmenter: str) -> None:
    new = "Thành uỷ viên đề nghị Đảng uỷ giữ hoà bình và phát triển thuỷ lợi."
    classic = "Thành ủy viên đề nghị Đảng ủy giữ hòa bình và phát triển thủy lợi."
    assert tp.tokens(new, segmenter=segmenter) == tp.tokens(classic, segmenter=segmenter)


def test_tokens_are_lower_case_words_without_stop_words_or_numbers() -> None:
    words = tp.tokens("Chúng tôi đề nghị sửa đổi Điều 12 của dự thảo luật đất đai.")
    assert "sửa_đổi" in words and "đất_đai" in words
    assert "dự_thảo" not in words  # the frame of every opinion on a draft
    assert all(w == w.lower() for w in words)
    assert not {"của", "chúng_tôi", "12"} & set(words)
    assert "của" in tp.tokens("của dự thảo", keep_stopwords=True)


def test_english_path() -> None:
    assert tp.detect_language("We should protect the rivers from pollution") == "en"
    assert tp.detect_language("de nghi bo sung quy dinh cua du thao") == "vi"
    assert tp.detect_language("Đề nghị bổ sung") == "vi"
    assert tp.tokens("We should protect the Rivers") == ["protect", "rivers"]


def test_analysis_key_ignores_case_punctuation_and_tone_placement() -> None:
    assert tp.analysis_key("ĐẢNG UỶ, hoà bình!!") == tp.analysis_key("đảng ủy hòa   bình")
    assert tp.analysis_key("hoà bình") != tp.analysis_key("hoá bình")


def test_fold_key_removes_diacritics() -> None:
    assert tp.fold_key("Đảng uỷ — Hoà Bình!") == "dang uy hoa binh"
    assert tp.fold_key("Nguyễn Doãn Hoàn") == "nguyen doan hoan"


def test_unknown_segmenter_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown segmenter"):
        tp.get_segmenter("nope")
    assert {tp.get_segmenter(n).name for n in tp.SEGMENTERS} == set(tp.SEGMENTERS)


def test_pasted_web_text_loses_entities_and_tags() -> None:
    assert tp.normalise("Tôi&nbsp;đồng ý<br/>với <span class='x'>dự thảo</span>") == (
        "Tôi đồng ý với dự thảo"
    )
    assert tp.normalise("3 < 5 & 7 > 6") == "3 < 5 & 7 > 6"


def test_english_contractions_are_read_whole() -> None:
    assert tp.english_words("I don't think it's fair; we can't, won't. Doesn’t") == [
        "do", "not", "think", "it", "fair", "we", "can", "not", "will", "not", "does", "not",
    ]  # fmt: skip
    words = tp.tokens("The city's plan doesn't help people and they don't care")
    assert not {"t", "s", "don", "doesn"} & set(words)
    assert {"city", "plan", "help", "people", "care"} <= set(words)
