"""Text pipeline shared by every analysis step: normalisation, keys, word segmentation, stop words.

Vietnamese text is segmented into words (multi-syllable words joined by "_": "hòa_bình"). Keys
use one canonical tone placement, so "hoà"/"hòa" and "uỷ"/"ủy" give the same tokens, while the
text shown to people keeps the author's spelling.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Literal, Protocol

from ykien.text import classic_tones, clean, fold

Language = Literal["vi", "en"]

_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,300}>")
_VI_LETTERS = frozenset("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")


def normalise(text: str) -> str:
    """NFC, HTML entities and tags undone (pasted web text), control characters removed,
    whitespace collapsed: the text every step starts from."""
    if "<" in text or "&" in text:
        text = html.unescape(_TAG.sub(" ", text))
    return _SPACES.sub(" ", clean(text)).strip()


def canonical(text: str) -> str:
    """Normalised text in one tone placement (classic: "hòa", "ủy"): what segmenters read."""
    return classic_tones(normalise(text))


def analysis_key(text: str) -> str:
    """Canonical key for exact-duplicate detection: case, tone placement, punctuation ignored."""
    return " ".join(_WORD.findall(canonical(text).lower()))


def fold_key(text: str) -> str:
    """Diacritic-free key for search: "Đảng uỷ" -> "dang uy"."""
    return " ".join(_WORD.findall(fold(normalise(text))))


def detect_language(text: str) -> Language:
    """Vietnamese if the text has Vietnamese letters or common Vietnamese words, else English."""
    lowered = text.lower()
    if any(ch in _VI_LETTERS for ch in lowered):
        return "vi"
    words = _WORD.findall(lowered)
    if not words:
        return "vi"
    hits = sum(1 for word in words if word in _FOLDED_VI_COMMON)
    english = sum(1 for word in words if word in EN_STOPWORDS)
    return "en" if english > hits else "vi"


class Segmenter(Protocol):
    """Splits one text into words; multi-syllable Vietnamese words are joined by "_"."""

    name: str

    def segment(self, text: str) -> list[str]: ...


class SyllableSegmenter:
    """No segmentation: every syllable is a word (the baseline)."""

    name = "syllables"

    def segment(self, text: str) -> list[str]:
        return _WORD.findall(text)


class PyviSegmenter:
    """pyvi's CRF segmenter: fast, and keeps both tone placements intact."""

    name = "pyvi"

    def segment(self, text: str) -> list[str]:
        from pyvi import ViTokenizer

        return [w for w in ViTokenizer.tokenize(text).split() if _WORD.search(w)]


class UnderthesesaSegmenter:
    """underthesea's word_tokenize, with or without its token normalisation."""

    def __init__(self, *, normalise_tokens: bool) -> None:
        self.normalise_tokens = normalise_tokens
        self.name = "underthesea-normalised" if normalise_tokens else "underthesea"

    def segment(self, text: str) -> list[str]:
        from underthesea import word_tokenize

        words = word_tokenize(text, use_token_normalize=self.normalise_tokens)
        return [w.replace(" ", "_") for w in words if _WORD.search(w)]


SEGMENTERS = ("pyvi", "underthesea", "underthesea-normalised", "syllables")
DEFAULT_SEGMENTER = "pyvi"


@lru_cache(maxsize=8)
def get_segmenter(name: str = DEFAULT_SEGMENTER) -> Segmenter:
    """The segmenter called name (one of SEGMENTERS)."""
    if name == "pyvi":
        return PyviSegmenter()
    if name == "underthesea":
        return UnderthesesaSegmenter(normalise_tokens=False)
    if name == "underthesea-normalised":
        return UnderthesesaSegmenter(normalise_tokens=True)
    if name == "syllables":
        return SyllableSegmenter()
    raise ValueError(f"unknown segmenter {name!r}; choose one of {', '.join(SEGMENTERS)}")


# Function words that carry no topic (classic tone placement, as canonical() writes them),
# and the frame of any opinion on a draft ("tôi xin góp ý", "đề nghị", "dự thảo").
_VI_STOPWORDS_TEXT = """
và với của các những một là thì mà nhưng hoặc hay nên vì do bởi tại theo trong ngoài trên dưới
về cho đến từ tới qua lại ra vào này kia đó ấy nọ đây thế vậy như nếu khi lúc để được bị
có không chưa đã đang sẽ vẫn còn cũng rất quá lắm hơn nhất nhiều ít mỗi mọi cả từng tất_cả
ai gì nào đâu sao bao_giờ bao_nhiêu tôi chúng_tôi ta chúng_ta mình họ nó anh chị em ông bà
việc sự cái con người_ta thì_là rằng là_một cùng nhau đều chỉ ngay luôn nữa thôi à ạ ơi nhé
nhằm đối_với trong_đó theo_đó bên cạnh tuy tuy_nhiên song mặc_dù ngoài_ra hơn_nữa đồng_thời
vì_vậy do_đó cho_nên nên_là thật sẽ_là đã_được đang_được được_biết có_thể cần phải nên
đi làm nói thấy biết muốn lên xuống rồi nhé vậy thì_sao khá hơi chứ mới vừa hãy đừng chớ
bị_cho rất_là thật_sự hiện_nay hiện thường luôn_luôn nhiều_khi đôi_khi nào_đó
như_vậy như_thế góp góp_ý ý ý_kiến xin đề_nghị nội_dung dự_thảo chúng_em em_xin
"""
_EN_STOPWORDS_TEXT = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself no nor not now of off on once only or other our ours
ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself yourselves
"""
EN_STOPWORDS = frozenset(_EN_STOPWORDS_TEXT.split())


def _stopwords(text: str) -> frozenset[str]:
    words: set[str] = set()
    for word in text.split():
        key = classic_tones(word)
        words.add(key)
        words.update(key.split("_"))
    return frozenset(words)


VI_STOPWORDS = _stopwords(_VI_STOPWORDS_TEXT)
_FOLDED_VI_COMMON = frozenset(fold(w) for w in VI_STOPWORDS if "_" not in w) - EN_STOPWORDS


def _is_content(word: str) -> bool:
    return any(ch.isalpha() for ch in word)


_EN_WORD = re.compile(r"\w+(?:['’]\w+)*")
_EN_NOT_STEMS = {"ca": "can", "wo": "will", "sha": "shall", "ai": "am"}


def english_words(text: str) -> list[str]:
    """Lower-cased English words with contractions read whole: "don't" is "do" + "not",
    "it's" is "it" (never the fragments "don", "t", "s")."""
    words: list[str] = []
    for match in _EN_WORD.findall(text.lower()):
        parts = re.split(r"['’]", match)
        base, suffix = parts[0], parts[-1] if len(parts) > 1 else ""
        if suffix == "t" and base.endswith("n"):
            stem = base[:-1]
            words += [_EN_NOT_STEMS.get(stem, stem), "not"]
        elif base:
            words.append(base)
    return [w for w in words if len(w) > 1 or w.isdigit()]


def tokens(
    text: str,
    *,
    language: Language | None = None,
    segmenter: Segmenter | str | None = None,
    keep_stopwords: bool = False,
) -> list[str]:
    """Lower-cased, tone-canonical words of text, without punctuation, numbers or stop words."""
    text = canonical(text)
    lang = language or detect_language(text)
    if lang == "en":
        words = english_words(text)
        stop = EN_STOPWORDS
    else:
        seg = (
            segmenter
            if not isinstance(segmenter, str | None)
            else get_segmenter(segmenter or DEFAULT_SEGMENTER)
        )
        words = [w.lower() for w in seg.segment(text)]
        stop = VI_STOPWORDS
    if keep_stopwords:
        return [w for w in words if _is_content(w)]
    return [w for w in words if _is_content(w) and w not in stop]


def tokens_many(
    texts: Iterable[str], *, segmenter: Segmenter | str | None = None
) -> list[list[str]]:
    """tokens() for many texts."""
    return [tokens(text, segmenter=segmenter) for text in texts]
