"""Readable key phrases: noun phrases of the opinions, chosen by the terms that set a theme apart.

Vietnamese sentences are tagged by pyvi's ViPosTagger; a phrase is a run of up to four words
inside a chunk (punctuation, function words, stop words and one-syllable verbs end a chunk) that
holds a noun, does not start with an adjective or a generic noun ("phần", "vấn đề") and has at
least two syllables. English has no tagger that ships inside a wheel: a chunk is a run of words
that are not function words, contractions, adverbs (-ly) or common verbs, and its head (the last
word) must not be a verb form. The theme's most distinctive terms (TF-IDF weight in the theme
beyond the weight elsewhere) are the seeds: each becomes the longest phrase that holds it and is
found in at least half as many opinions as the commonest phrase that holds it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ykien.analysis.textpipe import EN_STOPWORDS, VI_STOPWORDS, canonical, detect_language

MAX_WORDS = 4  # words (segmented tokens) in one phrase
MAX_SYLLABLES = 6
SEEDS = 40  # distinctive terms tried, in order, until the phrases are found
EXPAND_SHARE = 0.7  # a longer phrase replaces a shorter one if found in this share of its opinions

_PUNCT_SPLIT = re.compile(r"[.,;:!?()\[\]{}\"“”‘’«»…/|–—-]+")
_EN_TOKEN = re.compile(r"[\w$%]+(?:['’]\w+)*")
_VI_BREAK_TAGS = frozenset("E C CC R T X M L P I Z F Nu Y".split())  # noqa: SIM905
_VI_NOUN_TAGS = frozenset("N Np Nc Ny Nb".split())  # noqa: SIM905
_VI_BREAK_WORDS = frozenset("thay_vì nhất_là cụ_thể_là trở_lên trở_xuống kèm_theo so_với".split())  # noqa: SIM905
_VI_MARKED = frozenset("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")
UNMARKED_SHARE = 0.2  # below this share of syllables with Vietnamese letters: typed without marks

# Nouns that name a part of the draft or of speech, not a subject: they neither head a phrase
# nor make one alone (classic tone placement, segmented with "_").
VI_GENERIC = frozenset(
    """phần đoạn mục điều khoản chương lần việc vấn_đề cái điểm ý câu chỗ nơi số chi bộ_phận
    cách kiểu loại trường_hợp thứ người năm ngày tháng đợt mặt đồng_chí phần_lớn""".split()  # noqa: SIM905
)
# English words that fit anywhere: common verbs, vague nouns and adjectives, discourse words.
EN_GENERIC = frozenset(
    """need needs needed live lives think thinks make makes made going go goes get gets got
    say says said let lets may might must still try tries want wants know knows believe sure
    also well like much many one ones use used uses work works come comes take takes give
    gives see sees look looks seem seems mean means put keep keeps yes agree agrees disagree
    thing things way ways lot lots really good better best bad worse new less least great
    important able enough every even ever always never often already yet else etc ok okay
    something anything everything nothing someone anyone everyone people person time times
    year years day days part issue issues problem problems idea ideas point fact reason
    instead rather quite actually probably maybe perhaps simply just getting making doing
    saying trying being having taking coming looking putting giving keeping thinking knowing
    done gone seen given taken become becomes became allow allows help helps stop stops
    should shall will would can could cannot whether though although unless therefore
    however vs per towards toward across among within without upon via since despite whereas
    etc thus hence""".split()  # noqa: SIM905
)
_EN_DETERMINERS = frozenset(
    """the a an this that these those our their my his her its your any no every each some
    more most fewer less much many two three four five several all both such other""".split()  # noqa: SIM905
)
_EN_NOUN_SUFFIXES = ("tion", "sion", "ment", "ness", "ity", "ism", "ance", "ence", "ship", "age")
_EN_ING_NOUNS = frozenset(
    """housing funding spending building training parking planning meeting warming
    schooling zoning lending pricing farming mining fishing policing voting""".split()  # noqa: SIM905
)
_EN_VERB_ENDINGS = ("ly",)


@dataclass(frozen=True)
class Occurrence:
    """A phrase as found: its key (lower-case syllables) and its words as written."""

    key: tuple[str, ...]
    surface: str
    sentence_start: bool


def _vi_chunks(text: str) -> list[list[tuple[str, str]]]:
    """Runs of (word, tag) between punctuation, function words, stop words, one-syllable verbs."""
    from pyvi import ViPosTagger, ViTokenizer

    chunks: list[list[tuple[str, str]]] = []
    words, tags = ViPosTagger.postagging(ViTokenizer.tokenize(text))
    run: list[tuple[str, str]] = []
    for word, tag in zip(words, tags, strict=True):
        lowered = word.lower()
        breaks = (
            tag in _VI_BREAK_TAGS
            or lowered in VI_STOPWORDS
            or lowered in _VI_BREAK_WORDS
            or not any(ch.isalpha() for ch in word)
            or (tag == "V" and "_" not in word)
        )
        if breaks:
            if run:
                chunks.append(run)
            run = []
        else:
            run.append((word, tag))
    if run:
        chunks.append(run)
    return chunks


def _vi_phrase_ok(span: Sequence[tuple[str, str]]) -> bool:
    first_word, first_tag = span[0]
    if first_tag == "A" or first_word.lower() in VI_GENERIC:
        return False
    if not any(tag in _VI_NOUN_TAGS for _, tag in span):
        return False
    if first_tag == "V" and (len(span) == 1 or span[1][1] not in _VI_NOUN_TAGS):
        return False  # a verb starts a noun phrase only as the noun of an action on a noun
    if len(span) > 1 and span[-1][0].lower() in VI_GENERIC:
        return False
    if len(span) > 2 and span[-1][1] == "V":
        return False
    syllables = sum(word.count("_") + 1 for word, _ in span)
    return 2 <= syllables <= MAX_SYLLABLES and not all(w.lower() in VI_GENERIC for w, _ in span)


def _en_word_breaks(word: str) -> bool:
    lowered = word.lower()
    return (
        lowered in EN_STOPWORDS
        or lowered in EN_GENERIC
        or "'" in lowered
        or "’" in lowered
        or lowered.endswith(_EN_VERB_ENDINGS)
        or not any(ch.isalpha() for ch in lowered)
        or len(lowered) < 2
    )


def _en_head_ok(word: str) -> bool:
    lowered = word.lower()
    past = lowered.endswith("ed") and not lowered.endswith("eed") and len(lowered) > 4
    verb_ing = lowered.endswith("ing") and lowered not in _EN_ING_NOUNS
    return not past and not verb_ing and len(lowered) >= 3


def _en_nounish(word: str, mid_sentence: bool) -> bool:
    """Evidence without a tagger that a word is a noun: plural, a noun suffix, or a name."""
    lowered = word.lower()
    plural = lowered.endswith("s") and not lowered.endswith(("ss", "us", "is", "ous"))
    return plural or lowered.endswith(_EN_NOUN_SUFFIXES) or (mid_sentence and word[0].isupper())


@dataclass
class _EnChunk:
    words: list[str]
    after_determiner: bool
    first_index: int  # position of the chunk's first word in its sentence


def _en_chunks(text: str) -> list[_EnChunk]:
    chunks: list[_EnChunk] = []
    index = 0
    for piece in _PUNCT_SPLIT.split(text):
        run: list[str] = []
        previous = ""
        start = index
        for word in _EN_TOKEN.findall(piece):
            if _en_word_breaks(word):
                if run:
                    chunks.append(_EnChunk(run, previous in _EN_DETERMINERS, start))
                run = []
                previous = word.lower()
            else:
                if not run:
                    start = index
                run.append(word)
            index += 1
        if run:
            chunks.append(_EnChunk(run, previous in _EN_DETERMINERS, start))
    return chunks


def _en_occurrences(text: str) -> list[Occurrence]:
    found: list[Occurrence] = []
    for chunk in _en_chunks(text):
        words = chunk.words
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + MAX_WORDS - 1) + 1):
                span = words[start:end]
                head_mid = chunk.first_index + end - 1 > 0
                evidence = (start == 0 and chunk.after_determiner) or _en_nounish(
                    span[-1], head_mid
                )
                if _en_head_ok(span[-1]) and evidence:
                    at_start = chunk.first_index + start == 0
                    found.append(Occurrence(_syllables(span), " ".join(span), at_start))
    return found


def _unmarked(text: str) -> bool:
    syllables = text.lower().split()
    marked = sum(1 for s in syllables if _VI_MARKED.intersection(s))
    return marked < UNMARKED_SHARE * len(syllables)


def _syllables(words: Sequence[str]) -> tuple[str, ...]:
    return tuple(s for w in words for s in w.lower().replace("_", " ").split())


@lru_cache(maxsize=20_000)
def occurrences(sentence: str) -> tuple[Occurrence, ...]:
    """Every candidate phrase of one sentence."""
    text = canonical(sentence)
    found: list[Occurrence] = []
    if detect_language(text) == "en":
        return tuple(_en_occurrences(text))
    if _unmarked(text):
        return ()  # Vietnamese typed without diacritics: the tagger cannot read it
    for chunk in _vi_chunks(text):
        for start in range(len(chunk)):
            for end in range(start + 1, min(len(chunk), start + MAX_WORDS) + 1):
                vi_span = chunk[start:end]
                if _vi_phrase_ok(vi_span):
                    words = [w for w, _ in vi_span]
                    surface = " ".join(words).replace("_", " ")
                    at_start = text.lstrip().startswith(surface.split(" ")[0])
                    found.append(Occurrence(_syllables(words), surface, at_start))
    return tuple(found)


@dataclass
class PhraseTable:
    """Candidate phrases of a set of opinions: in how many opinions each is, and as written."""

    support: Counter[tuple[str, ...]] = field(default_factory=Counter)
    surfaces: dict[tuple[str, ...], Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    by_syllable: dict[str, set[tuple[str, ...]]] = field(default_factory=lambda: defaultdict(set))

    def add_opinion(self, sentences: Sequence[str]) -> None:
        seen: set[tuple[str, ...]] = set()
        for sentence in sentences:
            for found in occurrences(sentence):
                if not found.sentence_start:
                    self.surfaces[found.key][found.surface] += 1
                elif found.key not in self.surfaces:
                    self.surfaces[found.key][found.surface.lower()] += 0
                seen.add(found.key)
        for key in seen:
            self.support[key] += 1
            for syllable in key:
                self.by_syllable[syllable].add(key)

    def shown(self, key: tuple[str, ...]) -> str:
        """The phrase as most often written inside a sentence (else lower-cased)."""
        counts = self.surfaces[key]
        surface, count = counts.most_common(1)[0]
        return surface if count > 0 else surface.lower()


def _contains(key: tuple[str, ...], seed: tuple[str, ...]) -> bool:
    size = len(seed)
    return any(key[i : i + size] == seed for i in range(len(key) - size + 1))


def expand(table: PhraseTable, seed: tuple[str, ...], least: int) -> tuple[str, ...] | None:
    """The longest phrase holding the seed that is nearly as common as the commonest such."""
    if not seed:
        return None
    holding = [
        k
        for k in table.by_syllable.get(seed[0], ())
        if table.support[k] >= least and _contains(k, seed)
    ]
    if not holding:
        return None
    most = max(table.support[k] for k in holding)
    close = [k for k in holding if table.support[k] >= EXPAND_SHARE * most]
    return max(close, key=lambda k: (len(k), table.support[k], k))


def seed_syllables(term: str) -> tuple[str, ...]:
    """A TF-IDF term ("cải_cách hành_chính", "minimum wage") as lower-case syllables."""
    return _syllables(term.split(" "))


def choose(table: PhraseTable, seeds: Sequence[str], *, opinions: int, most: int) -> list[str]:
    """Up to `most` phrases, one per seed in order; a phrase whose seed, or more than half of
    whose syllables, an earlier phrase holds is skipped."""
    least = 1 if opinions < 6 else 2
    used: set[str] = set()
    picked: list[str] = []
    keys: list[tuple[str, ...]] = []
    for term in seeds:
        seed = seed_syllables(term)
        if not seed or used.intersection(seed):
            continue
        key = expand(table, seed, least)
        if key is None or 2 * len(used.intersection(key)) > len(key):
            continue
        if any(_contains(key, k) or _contains(k, key) for k in keys):
            continue  # "small businesses" after "businesses" says it twice
        keys.append(key)
        used.update(key)
        picked.append(table.shown(key))
        if len(picked) >= most:
            break
    return picked or _fallback(seeds, most)


def _fallback(seeds: Sequence[str], most: int) -> list[str]:
    """Without any phrase (a theme of one short opinion), the seeds that are not generic."""
    kept = []
    for term in seeds:
        words = term.split(" ")
        if any(w in EN_GENERIC or w in VI_GENERIC or w in VI_STOPWORDS for w in words):
            continue
        if "_" not in term and " " not in term and not term.isascii():
            continue  # a single Vietnamese syllable says nothing alone
        kept.append(term.replace("_", " "))
        if len(kept) >= most:
            break
    return kept
