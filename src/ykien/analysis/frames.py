"""What a summary sentence may be made of: content, not the frame around it, and its facts.

Opinions on a draft come wrapped in a frame that says nothing about the draft: courtesy ("Xin
cảm ơn.", "Trân trọng.", "Thank you."), agreement with everything ("Tôi hoàn toàn nhất trí với
dự thảo."), procedure ("Đề nghị Tiểu ban nghiên cứu, tiếp thu.", "Ý kiến này đã được thống nhất
tại buổi sinh hoạt chi bộ."), and who holds the view ("Đây là vấn đề được nhiều đảng viên quan
tâm."). A sentence whose words are all frame words (or stop words) is a frame sentence; a
reporting lead ("Theo tôi,", "Tôi thấy", "Chúng tôi, đoàn viên thanh niên,", "I think that") is
cut from the start of a content sentence.

The facts of a sentence are its numbers and its names (runs of capitalised words: "Hội Cựu
chiến binh", "Điều 15", "EU"); an opinion may be cited for a sentence only if it gives them too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ykien.analysis.textpipe import (
    EN_STOPWORDS,
    VI_STOPWORDS,
    canonical,
    detect_language,
    english_words,
    tokens,
)
from ykien.text import fold

_VI_FRAME_TEXT = """
cảm_ơn cám_ơn trân_trọng chân_thành kính kính_chúc chúc sức_khỏe thành_công mong mong_muốn
rất_mong xem_xét nghiên_cứu tiếp_thu lắng_nghe quan_tâm tham_khảo ghi_nhận giải_trình
đề_nghị kiến_nghị góp_ý góp ý_kiến ý nhỏ như_vậy như_trên sau đây bổ_sung thêm
nhất_trí đồng_ý đồng_tình thống_nhất tán_thành hoàn_toàn cơ_bản cao hoan_nghênh đánh_giá_cao
dự_thảo văn_kiện báo_cáo nội_dung bố_cục kết_cấu vấn_đề tiểu_ban ban ban_soạn_thảo ban_biên_tập
ban_chấp_hành cơ_quan_soạn_thảo soạn_thảo biên_tập hội_nghị buổi sinh_hoạt thường_kỳ cuộc_họp
đảng_viên chi_bộ đồng_chí cán_bộ hội_viên đoàn_viên công_chức người_dân nhân_dân quần_chúng
đơn_vị cơ_quan tổ_chức chi_hội chi_đoàn tập_thể chúng_em bản_thân cá_nhân tất_cả
đây xin trong thảo_luận nêu chung tiếp_theo lần_này phòng khoa tổ nhiều có_chung
"""
_EN_FRAME_TEXT = """
thank thanks thankyou regards sincerely please consider consideration kindly appreciate
appreciated listen listening opportunity comment comments feedback draft proposal share
agree agreed fully totally completely support supported everything said hope
"""


def _frame_words(text: str) -> frozenset[str]:
    words: set[str] = set()
    for word in text.split():
        words.add(word)
        words.update(word.split("_"))
    return frozenset(words)


VI_FRAME = _frame_words(_VI_FRAME_TEXT)
EN_FRAME = frozenset(_EN_FRAME_TEXT.split())

# Reporting leads: who speaks and that they speak, before what they say (matched on the folded
# text, so a lead typed without diacritics is cut too).
_WHO = r"(?:toi|chung toi|chung em|em|ca nhan toi)"
_LEADS = re.compile(
    r"(?:"  # match() anchors it at the position given
    rf"(?:theo|voi) (?:y kien )?(?:{_WHO}|thien y cua toi)\s*,?\s*"
    rf"|{_WHO}(?:\s*,[^,]{{1,60}},)?\s+(?:xin |cung |rat |hoan toan )*"
    r"(?:thay|nghi|cho rang|nhan thay|duoc biet|gop y|neu y kien)(?: rang| la)?\s*:?\s*"
    rf"|{_WHO}(?:\s*,[^,]{{1,60}},)?\s+(?=(?:xin )?(?:de nghi|kien nghi|mong))"
    r"|(?:i|we) (?:personally |really |strongly )?(?:think|believe|feel|guess|suppose|reckon)"
    r"(?: that)?\s*,?\s*"
    r"|in my (?:opinion|view)\s*,?\s*|personally\s*,?\s*|to me\s*,\s*|imo\s*,?\s*"
    r"|xin\s+(?=de nghi|kien nghi)"
    r")"
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME_WORD = re.compile(r"[^\W\d_][\w'’]*")


def _content_words(sentence: str) -> tuple[list[str], bool]:
    text = canonical(sentence)
    if detect_language(text) == "en":
        return [w for w in english_words(text) if w not in EN_STOPWORDS], True
    return tokens(text, language="vi"), False


def is_frame(sentence: str, words: Iterable[str] | None = None) -> bool:
    """A courtesy, agreement, procedure or speaker sentence: no word about the draft's content.

    words: the sentence's content words if the caller has them (else they are found here)."""
    if words is None:
        found, english = _content_words(sentence)
    else:
        found, english = list(words), detect_language(sentence) == "en"
    frame = EN_FRAME if english else VI_FRAME
    stop = EN_STOPWORDS if english else VI_STOPWORDS
    left = [w for w in found if w not in frame and not all(p in frame for p in w.split("_"))]
    return not [w for w in left if w not in stop]


def strip_lead(sentence: str) -> str:
    """The sentence without a reporting lead, its first letter capitalised as the lead's was."""
    folded = fold(sentence)
    if len(folded) != len(sentence):
        return sentence  # folding changed the length: positions would not line up
    cut = 0
    while found := _LEADS.match(folded, cut):
        if found.end() == cut:
            break
        cut = found.end()
    stripped = sentence[cut:].lstrip(" ,:")
    if not cut or len(stripped.split()) < 3:
        return sentence  # no lead, or the lead was most of it: keep the author's sentence
    if sentence[:1].isupper():
        stripped = stripped[:1].upper() + stripped[1:]
    return stripped


@dataclass(frozen=True)
class Facts:
    """The numbers (digits only: "1.000" is "1000") and names (lower case) of a sentence."""

    numbers: frozenset[str]
    names: frozenset[str]


def _names(text: str) -> set[str]:
    found: set[str] = set()
    run: list[str] = []
    words = _NAME_WORD.findall(text)
    for position, word in enumerate(words):
        capital = word[:1].isupper() and len(word) > 1
        acronym = word.isupper() and len(word) >= 2
        if capital and (position > 0 or acronym or (len(words) > 1 and words[1][:1].isupper())):
            run.append(word)
            continue
        if run:
            found.add(" ".join(run).lower())
        run = []
    if run:
        found.add(" ".join(run).lower())
    return found


@lru_cache(maxsize=65_536)
def facts(sentence: str) -> Facts:
    """The sentence's numbers and names, as an opinion citing it must give them."""
    text = canonical(sentence)
    numbers = frozenset(re.sub(r"[.,]", "", n) for n in _NUMBER.findall(text))
    return Facts(numbers, frozenset(_names(text)))


@lru_cache(maxsize=65_536)
def _plain(text: str) -> tuple[frozenset[str], str]:
    canon = canonical(text)
    numbers = frozenset(re.sub(r"[.,]", "", n) for n in _NUMBER.findall(canon))
    return numbers, " " + fold(" ".join(_NAME_WORD.findall(canon.lower()))) + " "


def gives_facts(needed: Facts, text: str) -> bool:
    """Whether text holds every number and every name (whole words, with or without diacritics)
    of the sentence."""
    numbers, words = _plain(text)
    if not needed.numbers <= numbers:
        return False
    return all(f" {fold(name)} " in words for name in needed.names)
