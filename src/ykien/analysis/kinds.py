"""Opinion kinds (agree, disagree, amend, add, delete, recommendation, question) proposed from
cue phrases and, where enough opinions were labelled by their authors, a classifier.

Cue phrases are matched word by word on diacritic-free text: a word typed without diacritics
matches, one typed with diacritics must carry the cue's own (either tone placement), so "bộ"
(ministry) is not read as "bỏ" (delete). A negation just before an agreement cue makes it a
disagreement ("không đồng ý").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from ykien.analysis.textpipe import Segmenter, canonical, fold_key, tokens
from ykien.text import fold, nfc, tone_key

KINDS = ("agree", "disagree", "amend", "add", "delete", "recommendation", "question")
NO_KIND = "comment"
GAP = "*"  # in a cue: up to MAX_GAP words of anything
MAX_GAP = 6
NEGATION_WINDOW = 2
MIN_CONFIDENCE = 0.5


@dataclass(frozen=True)
class KindProposal:
    """A proposed kind, how sure, and the cue phrase that suggested it (if any)."""

    kind: str
    confidence: float
    cue: str | None
    span: tuple[int, int] | None  # offsets in the NFC text


@dataclass(frozen=True)
class _Cue:
    words: tuple[str, ...]  # as written with diacritics; GAP for a gap
    kind: str
    confidence: float
    negatable: bool  # a negation before it turns it into a disagreement


# kind, confidence, "+" when a negation before the cue makes it a disagreement, then the phrases.
# Specific phrases outrank generic ones by confidence; a question about an action ("tại sao lại
# bỏ ...") is a question, not the action.
_CUE_TABLE = """
disagree 0.90 -: không đồng ý|không nhất trí|không tán thành|không đồng tình|không ủng hộ|
    chưa đồng ý|chưa nhất trí|chưa hợp lý|phản đối|bác bỏ|disagree|oppose|object to
disagree 0.60 -: không nên|không cần thiết|không hợp lý|không phù hợp|chưa phù hợp
agree 0.75 +: đồng ý|nhất trí|tán thành|đồng tình|ủng hộ|hoàn toàn nhất trí|thống nhất với|
    agree|support
agree 0.65 +: nói đúng|rất đúng|hoàn toàn đúng|đúng vậy|rất hợp lý|hoan nghênh
amend 0.85 +: sửa * thành|sửa lại|đề nghị sửa|cần sửa|nên sửa|thay * bằng|đổi * thành|
    thay cụm từ|chỉnh sửa|viết lại|sửa cụm từ|thay thế cụm từ|amend|change * to|replace|reword
amend 0.65 +: sửa đổi|điều chỉnh|thay đổi
add 0.80 +: bổ sung|bổ sung thêm|cần có thêm|đưa thêm|quy định thêm|add|include|insert
add 0.60 +: thêm
delete 0.85 +: đề nghị bỏ|nên bỏ|cần bỏ|bỏ cụm từ|bỏ từ|bỏ quy định|bỏ nội dung|bỏ đoạn|
    bỏ điều|bỏ khoản|bỏ điểm|loại bỏ|lược bỏ|bãi bỏ|xóa bỏ|xóa|đưa ra khỏi|delete|remove|drop
delete 0.60 +: bỏ
question 0.88 -: tại sao|vì sao|phải chăng|liệu có|why
question 0.80 -: có nên|như thế nào|thế nào là|hay không|được không|làm sao|bao giờ|khi nào|
    how|what|whether|when
recommendation 0.75 -: kiến nghị|đề xuất|khuyến nghị|mong muốn|recommend|suggest|propose|should
recommendation 0.55 -: đề nghị|cần|nên
"""
_QUESTION_MARK_CONFIDENCE = 0.85
_NEGATIONS = frozenset({"khong", "chua", "chang", "cha", "ko", "k", "kg", "hong", "not", "dont"})
# Words after a cue that give it another meaning ("bỏ phiếu" votes, "thêm" after "cân nhắc").
_NOT_AFTER = {
    "bo": frozenset({"phieu", "tron", "von", "qua", "sot", "ngo", "lo", "hoc", "sung"}),
    "them": frozenset(),
    "can": frozenset({"bo", "thiet", "thiết"}),
}
_NOT_BEFORE = {
    "bo": frozenset({"tu", "vut", "bo"}),
    "them": frozenset({"nhac", "cuu", "ro", "xet", "doi", "hieu", "thich", "dan", "nua"}),
    "xoa": frozenset({"xoa"}),
}
_TOKEN = re.compile(r"\w+|\?")


def _cues() -> list[_Cue]:
    """The cue table, one _Cue per phrase (continuation lines are indented)."""
    cues = []
    for entry in re.split(r"\n(?!\s)", _CUE_TABLE.strip()):
        head, _, phrases = entry.partition(":")
        kind, confidence, sign = head.split()
        for phrase in " ".join(phrases.split()).split("|"):
            words = tuple(phrase.split())
            cues.append(_Cue(words, kind, float(confidence), sign == "+"))
    return cues


_CUES_BY_FIRST: dict[str, list[_Cue]] = {}
for _cue in _cues():
    _CUES_BY_FIRST.setdefault(fold(_cue.words[0]), []).append(_cue)


class _Words:
    """The words of a text as written, diacritic-free, and their offsets (parallel lists)."""

    __slots__ = ("folded", "spans", "written")

    def __init__(self, text: str) -> None:
        self.spans = [m.span() for m in _TOKEN.finditer(text)]
        self.written = [text[a:b] for a, b in self.spans]
        self.folded = [_fold_word(w) for w in self.written]

    def __len__(self) -> int:
        return len(self.written)


@lru_cache(maxsize=65_536)
def _fold_word(word: str) -> str:
    return fold(word)


@lru_cache(maxsize=65_536)
def _fits(written: str, cue_word: str) -> bool:
    """Same word ignoring diacritics, and either typed plainly or with the cue's own marks."""
    if fold(written) != fold(cue_word):
        return False
    return written.isascii() or tone_key(written) == tone_key(cue_word)


def _match_at(words: _Words, i: int, cue: _Cue) -> int | None:
    """Index after the cue if it matches at word i, else None."""
    j = i
    written = words.written
    pattern = cue.words
    for k, cue_word in enumerate(pattern):
        if cue_word == GAP:
            following = pattern[k + 1]
            for skip in range(1, MAX_GAP + 1):
                if j + skip < len(written) and _fits(written[j + skip], following):
                    j += skip
                    break
            else:
                return None
            continue
        if j >= len(written) or not _fits(written[j], cue_word):
            return None
        j += 1
    return j


def _blocked(words: _Words, i: int, end: int, cue: _Cue) -> bool:
    """A cue read in another sense because of its neighbours ("bỏ phiếu", "bổ sung" typed plain)."""
    after = _NOT_AFTER.get(_fold_word(cue.words[-1]), frozenset())
    before = _NOT_BEFORE.get(_fold_word(cue.words[0]), frozenset())
    folded = words.folded
    return (end < len(folded) and folded[end] in after) or (i > 0 and folded[i - 1] in before)


def _negated(words: _Words, i: int) -> bool:
    window = words.folded[max(0, i - NEGATION_WINDOW) : i]
    return any(word in _NEGATIONS for word in window)


def _candidates(text: str) -> list[KindProposal]:
    """Every cue found in the text, as proposals."""
    words = _Words(text)
    found: list[KindProposal] = []
    for i, folded in enumerate(words.folded):
        cues = _CUES_BY_FIRST.get(folded.lower())
        if cues is None:
            continue
        for cue in cues:
            end = _match_at(words, i, cue)
            if end is None or _blocked(words, i, end, cue):
                continue
            span = (words.spans[i][0], words.spans[end - 1][1])
            written = text[span[0] : span[1]]
            if cue.negatable and _negated(words, i):
                found.append(KindProposal("disagree", min(cue.confidence, 0.8), written, span))
            else:
                found.append(KindProposal(cue.kind, cue.confidence, written, span))
    mark = text.rfind("?")
    if mark >= 0:
        found.append(KindProposal("question", _QUESTION_MARK_CONFIDENCE, "?", (mark, mark + 1)))
    return found


def cue_kind(text: str) -> KindProposal | None:
    """The kind its strongest cue phrase suggests (earliest among equals); None without cues."""
    text = nfc(text)
    found = _candidates(text)
    if not found:
        return None
    position = {id(p): (p.span or (0, 0))[0] for p in found}
    # Longer cues at the same strength are more specific ("không đồng ý" over "đồng ý").
    return max(
        found,
        key=lambda p: (p.confidence, len(p.cue or ""), -position[id(p)]),
    )


# ---------------------------------------------------------------------------------------------
# Classifier


def _word_text(text: str, segmenter: Segmenter | None = None) -> str:
    return " ".join(tokens(text, keep_stopwords=True, segmenter=segmenter))


class KindClassifier:
    """TF-IDF over canonical words and folded character n-grams, then logistic regression.

    segmenter: how texts are split into words (default: textpipe's); a large analysis passes
    a lexicon learnt from a sample of its texts, many times faster than the CRF segmenter.
    """

    def __init__(self, segmenter: Segmenter | None = None) -> None:
        self.segmenter = segmenter
        self._words = TfidfVectorizer(
            analyzer=str.split, preprocessor=None, lowercase=False, sublinear_tf=True
        )
        self._chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=1
        )
        self._model = LogisticRegression(max_iter=2000, class_weight="balanced", C=4.0)
        self.classes: tuple[str, ...] = ()

    def _features(self, texts: Sequence[str], *, fit: bool) -> sparse.csr_matrix:
        words = [_word_text(t, self.segmenter) for t in texts]
        folded = [fold_key(canonical(t)) + (" ?" if "?" in t else "") for t in texts]
        if fit:
            return sparse.hstack(
                [self._words.fit_transform(words), self._chars.fit_transform(folded)]
            ).tocsr()
        return sparse.hstack([self._words.transform(words), self._chars.transform(folded)]).tocsr()

    def fit(self, texts: Sequence[str], kinds: Sequence[str]) -> KindClassifier:
        """Learn from texts whose kind is known."""
        if len(set(kinds)) < 2:
            raise ValueError("a kind classifier needs examples of at least two kinds")
        self._model.fit(self._features(texts, fit=True), list(kinds))
        self.classes = tuple(str(c) for c in self._model.classes_)
        return self

    def predict(self, texts: Sequence[str]) -> list[KindProposal]:
        """The most probable kind of each text, with its probability."""
        if not texts:
            return []
        probabilities = self._model.predict_proba(self._features(texts, fit=False))
        best = np.argmax(probabilities, axis=1)
        return [
            KindProposal(self.classes[int(b)], round(float(row[b]), 3), None, None)
            for b, row in zip(best, probabilities, strict=True)
        ]


def _trainable(labelled: Sequence[tuple[str, str]], min_labelled: int) -> bool:
    kinds = {kind for _, kind in labelled}
    return len(labelled) >= min_labelled and len(kinds) >= 2


def combine_kind(cue: KindProposal | None, learned: KindProposal | None) -> KindProposal | None:
    """One proposal from the cue and the classifier: agreement strengthens, conflict weakens.

    None when neither says anything, or the winner is "comment"; callers drop proposals below
    MIN_CONFIDENCE, as propose_kinds does.
    """
    if learned is None or (learned.kind == NO_KIND and learned.confidence < 0.8):
        return cue
    if cue is None:
        return learned if learned.kind != NO_KIND else None
    if cue.kind == learned.kind:
        joint = 1.0 - (1.0 - cue.confidence) * (1.0 - learned.confidence)
        return KindProposal(cue.kind, round(joint, 3), cue.cue, cue.span)
    winner = cue if cue.confidence >= learned.confidence else learned
    other = learned if winner is cue else cue
    weakened = round(winner.confidence * (1.0 - 0.5 * other.confidence), 3)
    if winner.kind == NO_KIND:
        return None
    return KindProposal(winner.kind, weakened, winner.cue, winner.span)


def propose_kinds(
    items: Sequence[tuple[int, str]],
    *,
    labelled: Sequence[tuple[str, str]] = (),
    min_labelled: int = 50,
) -> dict[int, KindProposal]:
    """Kind proposals for (opinion id, text) pairs; opinions with no confident kind are left out.

    `labelled` holds (text, kind) of opinions whose authors chose the kind ("comment" for none);
    with at least min_labelled of them, of two kinds or more, a classifier joins the cues.
    """
    learned: list[KindProposal | None] = [None] * len(items)
    if _trainable(labelled, min_labelled):
        classifier = KindClassifier().fit([t for t, _ in labelled], [k for _, k in labelled])
        learned = list(classifier.predict([text for _, text in items]))
    proposals: dict[int, KindProposal] = {}
    for (item_id, text), guess in zip(items, learned, strict=True):
        proposal = combine_kind(cue_kind(text), guess)
        if proposal is not None and proposal.confidence >= MIN_CONFIDENCE:
            proposals[item_id] = proposal
    return proposals
