"""Theme descriptions: key phrases, labels, cited extractive summaries and representative quotes.

Key phrases are noun phrases of the theme's central opinions seeded by the terms that weigh most
in the theme beyond their weight elsewhere (see phrases). Summaries pick central content
sentences (courtesy, agreement and procedure sentences left out, reporting leads cut: see frames)
by maximal marginal relevance; each sentence cites every member opinion with a sentence that is
it or a paraphrase of it (word-set Jaccard at least PARAPHRASE) making the same claim with the
same numbers and names.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from ykien.analysis.claims import reason as claim_reason
from ykien.analysis.frames import facts, gives_facts, is_frame, strip_lead
from ykien.analysis.phrases import SEEDS, PhraseTable, choose
from ykien.analysis.textpipe import analysis_key, normalise
from ykien.text import clean

if TYPE_CHECKING:
    from ykien.analysis.themes import _Space

MAX_PHRASES = 8
MAX_SUMMARY = 5
MAX_QUOTES = 5
NEAR_IDENTICAL = 0.8  # Jaccard of sentence word sets at or above which two sentences count as one
PARAPHRASE = 0.8  # Jaccard at or above which an opinion's sentence is cited (evals.citations)
MIN_WORDS = 2  # content words of a summary sentence
MMR_LAMBDA = 0.7
CANDIDATE_OPINIONS = 150  # most central members whose sentences compete for the summary
PHRASE_OPINIONS = 50  # most central members whose noun phrases are the key-phrase candidates

_SENTENCE_BREAK = re.compile(r"(?<=[.!?…;])\s+")
_ABBREVIATIONS = frozenset(
    ["tp", "tt", "ts", "ths", "pgs", "gs", "bs", "ks", "cn", "th", "vv", "v.v", "nxb", "tr", "st"]
)


@dataclass(frozen=True)
class SummarySentence:
    """An extractive sentence and every opinion it (or a near-identical sentence) came from."""

    text: str
    opinion_ids: tuple[int, ...]


def split_sentences(text: str) -> list[str]:
    """Sentences of a text (a period after a known abbreviation, or inside a quotation, does not
    end one)."""
    pieces = [
        normalise(piece)
        for line in clean(text).split("\n")
        for piece in _SENTENCE_BREAK.split(line)
        if piece.strip()
    ]
    sentences: list[str] = []
    for piece in pieces:
        if sentences and (_ends_with_abbreviation(sentences[-1]) or _open_quote(sentences[-1])):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return sentences


def _open_quote(sentence: str) -> bool:
    """A quotation opened and not yet closed: the quoted wording goes on in the next piece."""
    return sentence.count("“") > sentence.count("”") or sentence.count('"') % 2 == 1


def _ends_with_abbreviation(sentence: str) -> bool:
    if not sentence.endswith("."):
        return False
    last = sentence[:-1].rsplit(" ", 1)[-1].lower()
    return last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())


def _mmr(relevance: np.ndarray, similarity: np.ndarray, count: int) -> list[int]:
    """Indices picked by maximal marginal relevance: central, then different from those picked."""
    picked: list[int] = []
    available = list(range(len(relevance)))
    while available and len(picked) < count:
        if picked:
            redundancy = similarity[np.ix_(available, picked)].max(axis=1)
        else:
            redundancy = np.zeros(len(available))
        gains = MMR_LAMBDA * relevance[available] - (1 - MMR_LAMBDA) * redundancy
        best = available[int(np.argmax(gains))]
        picked.append(best)
        available.remove(best)
    return picked


def _wanted(members: int, most: int) -> int:
    return max(1, min(most, 1 + int(math.log2(max(members, 1)))))


def _key_phrases(space: _Space, member_rows: np.ndarray, distinct: np.ndarray) -> list[str]:
    """Noun phrases of the theme's most central opinions, seeded by its most distinctive terms."""
    terms = space.model.vectoriser.get_feature_names_out()
    top = np.argpartition(-distinct, min(SEEDS, len(distinct) - 1))[:SEEDS]
    seeds = [str(terms[i]) for i in top[np.argsort(-distinct[top])] if distinct[i] > 0]
    members = space.matrix[member_rows]
    mean = np.asarray(members.mean(axis=0)).ravel()
    central = member_rows[np.argsort(-np.asarray(members @ mean).ravel())[:PHRASE_OPINIONS]]
    table = PhraseTable()
    for row in central:
        table.add_opinion(split_sentences(space.texts[row]))
    return choose(table, seeds, opinions=len(central), most=MAX_PHRASES)


def _label(phrases: list[str]) -> str:
    return ", ".join(phrases[:3])


def _quotes(matrix: sparse.csr_matrix, relevance: np.ndarray, ids: list[int]) -> list[int]:
    candidates = np.argsort(-relevance)[:CANDIDATE_OPINIONS]
    rows = matrix[candidates]
    similarity = np.asarray((rows @ rows.T).todense())
    picked = _mmr(relevance[candidates], similarity, _wanted(len(ids), MAX_QUOTES))
    return [ids[candidates[i]] for i in picked]


def _word_set(space: _Space, sentence: str) -> frozenset[str]:
    words = space.sentence_words.get(sentence)
    if words is None:
        words = space.sentence_words[sentence] = frozenset(space.model.words(sentence))
    return words


def _near_identical(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    return len(a & b) >= NEAR_IDENTICAL * len(a | b)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard of two sentences' word sets (what PARAPHRASE is measured on)."""
    return len(a & b) / len(a | b) if a and b else 0.0


@lru_cache(maxsize=200_000)
def same_claim(sentence: str, other: str) -> bool:
    """Whether another sentence may be cited for this one: no claim-changing word between them
    (numbers, negation, opposites; see claims) and it gives the sentence's numbers and names."""
    key, other_key = analysis_key(sentence), analysis_key(other)
    if key == other_key:
        return True
    if not gives_facts(facts(sentence), other):
        return False
    return claim_reason(key, other_key) is None


@dataclass
class _Candidate:
    text: str  # as shown: the author's sentence without its reporting lead
    words: frozenset[str]
    ordered: list[str]  # the words in reading order, for the sentence's bigrams


def _content_sentences(space: _Space, text: str) -> list[str]:
    """The sentences of an opinion that say something, without their reporting leads."""
    capitalised = any(ch.isupper() for ch in text)
    kept = []
    for sentence in split_sentences(text):
        if capitalised and sentence[:1].islower():
            continue  # a piece of a sentence split by a stray break, not a sentence
        if is_frame(sentence, _word_set(space, sentence)):
            continue
        shown = strip_lead(sentence)
        if shown.endswith((";", ",", ":")):
            shown = shown[:-1].rstrip() + "."
        kept.append(shown)
    return kept


def _candidate_sentences(space: _Space, rows: np.ndarray) -> list[_Candidate]:
    """Distinct content sentences (near-identical ones kept once) of the given opinions."""
    kept: list[_Candidate] = []
    by_words: dict[frozenset[str], int] = {}
    for row in rows:
        for sentence in _content_sentences(space, space.texts[row]):
            words = _word_set(space, sentence)
            if len(words) < MIN_WORDS or words in by_words:
                continue
            if any(_near_identical(words, c.words) for c in kept):
                continue
            by_words[words] = len(kept)
            kept.append(_Candidate(sentence, words, space.model.words(sentence)))
    return kept


def _citing_rows(
    space: _Space, member_rows: np.ndarray, words: frozenset[str], sentence: str
) -> list[int]:
    """Member rows with a sentence that is this one or a paraphrase (word-set Jaccard at least
    PARAPHRASE) making the same claim with the same numbers and names."""
    vocabulary = space.model.vectoriser.vocabulary_
    columns = [vocabulary[w] for w in words if w in vocabulary]
    needed = max(1, math.ceil(PARAPHRASE * len(words)) - (len(words) - len(columns)))
    if columns:
        present = (space.matrix[member_rows][:, columns] > 0).sum(axis=1)
        rows = member_rows[np.asarray(present).ravel() >= needed]
    else:
        rows = member_rows
    return [int(row) for row in rows if _cites(space, row, words, sentence)]


def _cites(space: _Space, row: int, words: frozenset[str], sentence: str) -> bool:
    for other in split_sentences(space.texts[row]):
        if similarity(words, _word_set(space, other)) >= PARAPHRASE and same_claim(sentence, other):
            return True
    return False


def _summary(
    space: _Space, member_rows: np.ndarray, relevance: np.ndarray, centroid: np.ndarray
) -> list[SummarySentence]:
    central = member_rows[np.argsort(-relevance)[:CANDIDATE_OPINIONS]]
    candidates = _candidate_sentences(space, central)
    if not candidates:
        return []
    vectors = space.model.tfidf([c.ordered for c in candidates])
    sentence_relevance = np.asarray(vectors @ centroid).ravel()
    similarities = np.asarray((vectors @ vectors.T).todense())
    picked = _mmr(sentence_relevance, similarities, _wanted(len(member_rows), MAX_SUMMARY))
    summary = []
    for index in picked:
        rows = _citing_rows(space, member_rows, candidates[index].words, candidates[index].text)
        ids = sorted({space.ids[row] for row in rows})
        if ids:
            summary.append(SummarySentence(candidates[index].text, tuple(ids)))
    return summary
