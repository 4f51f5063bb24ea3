"""Summary citations: the paraphrase threshold, and whether every cited opinion gives the facts.

1. Threshold (`--threshold`, needs the shipped summaries module): pairs of real sentences (polis
   in English, vnexpress-comments, uit-vsfc dev, the demo) of at least 4 words. Paraphrases: the
   same sentence with a reporting lead added ("Theo tôi,", "I think"), the punctuation or case
   changed, a typo, a stop word dropped, a synonym (1 or 2 of these). Other claims: the near-miss
   edits of evals.near_miss (a number, a negation, an opposite, a content word changed). For
   each word-set Jaccard threshold: the share of paraphrases cited and of other claims cited,
   by the Jaccard alone and with the claim and facts check that the summaries apply.
2. Citations: themes are found as shipped on each English polis conversation and the demo (k
   chosen automatically), on uit-vsfc dev (k = 4, its topics) and vnexpress-comments (k = 39,
   its articles); 200 summary sentences are drawn (seeded, 50 from each of polis, the demo,
   uit-vsfc and vnexpress where they have them). For each, the numbers (digit runs, "1.000"
   read as 1000) and the named entities are found by this program's own means: underthesea's
   NER and proper-noun tags for Vietnamese (not the capitalisation rule the summaries use),
   capitalised words inside the sentence and acronyms for English. Every opinion the sentence
   cites must hold every one of them (as whole words, case and diacritics aside). Also printed:
   the share of summary sentences that are a courtesy or procedure formula, and citations per
   sentence.
Run: `python -m evals.citations [--threshold] [--sentences 200]`.
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from evals.labels import polis
from ykien.analysis.textpipe import canonical, detect_language, tokens
from ykien.analysis.themes import find_themes
from ykien.text import fold

FORMULAS = re.compile(
    r"cảm ơn|cám ơn|^trân trọng|vấn đề được nhiều .* quan tâm|được thống nhất tại|"
    r"nghiên cứu, tiếp thu|xem xét\.?$|không có ý kiến|góp một ý|hoàn toàn nhất trí|"
    r"hoàn toàn đồng ý|thank you|^thanks",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
_DIGITS = re.compile(r"\d+")


def _vietnamese_sets() -> Iterator[tuple[str, list[str]]]:
    from evals.labels import vietnamese

    yield from vietnamese()


def _theme_sets() -> Iterator[tuple[str, list[str], int]]:
    """(name, texts, k): polis conversations and the demo with k chosen automatically, uit-vsfc
    with its 4 topics and vnexpress-comments with its 39 articles (their sensible k)."""
    for name, texts in polis():
        yield f"polis {name[:24]}", texts, 0
    for name, texts in _vietnamese_sets():
        yield name, texts, {"uit-vsfc dev": 4, "vnexpress-comments": 39}.get(name, 0)


def numbers(text: str) -> set[str]:
    return set(_DIGITS.findall(re.sub(r"(?<=\d)[.,](?=\d)", "", text)))


def names(sentence: str) -> set[str]:
    """Named entities by this program's means (not the summaries' capitalisation rule)."""
    text = canonical(sentence)
    if detect_language(text) == "en":
        words = _WORD.findall(text)
        found = {w for i, w in enumerate(words) if i > 0 and w[:1].isupper() and w != "I"}
        return {w.lower() for w in found | {w for w in words if w.isupper() and len(w) >= 2}}
    from underthesea import ner

    return {
        word.lower()
        for word, pos, _chunk, entity in ner(text)
        if (entity != "O" or pos == "Np") and any(ch.isalpha() for ch in word)
    }


def holds(text: str, sentence: str) -> tuple[bool, bool]:
    """(numbers all there, names all there) of the sentence in the cited text."""
    words = " " + fold(" ".join(_WORD.findall(canonical(text).lower()))) + " "
    number_ok = numbers(canonical(sentence)) <= numbers(canonical(text))
    name_ok = all(f" {fold(' '.join(_WORD.findall(n)))} " in words for n in names(sentence))
    return number_ok, name_ok


@dataclass
class Drawn:
    corpus: str
    text: str
    cited: tuple[int, ...]


def summary_sentences(count: int, seed: int) -> tuple[list[Drawn], dict[str, list[str]], dict]:
    per_set: dict[str, list[Drawn]] = {}
    texts_of: dict[str, list[str]] = {}
    stats = {"sentences": 0, "formulas": 0, "citations": 0}
    for name, texts, k in _theme_sets():
        low, high = (k, k) if k else (2, 12)
        result, _ = find_themes(list(enumerate(texts)), seed=0, min_themes=low, max_themes=high)
        texts_of[name] = texts
        drawn = [Drawn(name, s.text, s.opinion_ids) for t in result.themes for s in t.summary]
        per_set[name] = drawn
        stats["sentences"] += len(drawn)
        stats["formulas"] += sum(1 for d in drawn if FORMULAS.search(d.text))
        stats["citations"] += sum(len(d.cited) for d in drawn)
    rng = random.Random(seed)
    picked: list[Drawn] = []
    corpora = {"polis": [d for n, v in per_set.items() if n.startswith("polis") for d in v]}
    corpora |= {n: v for n, v in per_set.items() if not n.startswith("polis")}
    share = count // len(corpora)
    for drawn in corpora.values():
        picked += rng.sample(drawn, min(share, len(drawn)))
    rest = [d for drawn in per_set.values() for d in drawn if d not in picked]
    picked += rng.sample(rest, min(count - len(picked), len(rest)))
    return picked, texts_of, stats


def check_citations(count: int, seed: int) -> None:
    picked, texts_of, stats = summary_sentences(count, seed)
    sentences_ok = citations = citations_ok = number_bad = name_bad = 0
    failures: list[str] = []
    for drawn in picked:
        ok = True
        for opinion_id in drawn.cited:
            number_ok, name_ok = holds(texts_of[drawn.corpus][opinion_id], drawn.text)
            citations += 1
            citations_ok += number_ok and name_ok
            number_bad += not number_ok
            name_bad += not name_ok
            if not (number_ok and name_ok):
                ok = False
                failures.append(
                    f"  {drawn.text[:90]!r} cites {texts_of[drawn.corpus][opinion_id][:90]!r}"
                )
        sentences_ok += ok
    by_set: dict[str, int] = {}
    for d in picked:
        key = "polis" if d.corpus.startswith("polis") else d.corpus
        by_set[key] = by_set.get(key, 0) + 1
    print(f"\nSummary sentences drawn: {len(picked)} ({by_set})")
    print(f"  every cited opinion gives the sentence's numbers and names: "
          f"{sentences_ok}/{len(picked)} ({sentences_ok / max(len(picked), 1):.1%})")  # fmt: skip
    print(f"  citations checked {citations}: {citations_ok / max(citations, 1):.1%} give them "
          f"(numbers missing {number_bad}, names missing {name_bad})")  # fmt: skip
    for line in failures[:10]:
        print(line)
    n = max(stats["sentences"], 1)
    print(f"All summary sentences of these themes: {stats['sentences']}; a courtesy or "
          f"procedure formula {stats['formulas'] / n:.1%}; citations per sentence "
          f"{stats['citations'] / n:.2f}")  # fmt: skip


# ------------------------------------------------------------------ the paraphrase threshold

_LEADS_VI = ["Theo tôi, ", "Tôi thấy ", "Chúng tôi cho rằng "]
_LEADS_EN = ["I think ", "In my opinion, ", "I believe that "]


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    at = rng.randrange(1, len(word) - 1)
    return word[:at] + word[at + 1 :]


def paraphrase(sentence: str, rng: random.Random) -> str:
    from evals.campaigns import SYNONYMS

    english = detect_language(sentence) == "en"
    edits = rng.sample(["lead", "punct", "typo", "drop", "synonym"], rng.choice([1, 2]))
    text = sentence
    for edit in edits:
        words = text.split()
        if edit == "lead":
            lead = rng.choice(_LEADS_EN if english else _LEADS_VI)
            text = lead + text[:1].lower() + text[1:]
        elif edit == "punct":
            text = text.rstrip(".!?;,") + rng.choice(["!", ".", " ...", ""])
        elif edit == "typo" and words:
            at = rng.randrange(len(words))
            words[at] = _typo(words[at], rng)
            text = " ".join(words)
        elif edit == "drop":
            stop = {"the", "a", "very", "really", "rất", "thì", "là", "cũng", "đã", "các", "những"}
            spots = [i for i, w in enumerate(words) if w.lower() in stop]
            if spots:
                del words[rng.choice(spots)]
                text = " ".join(words)
        elif edit == "synonym":
            for phrase, choices in SYNONYMS.items():
                if phrase in text:
                    text = text.replace(phrase, rng.choice(choices), 1)
                    break
    return text


def nearest_others(sentences: list[str], count: int, rng: random.Random) -> list[tuple[str, str]]:
    """Sampled sentences, each with the other sentence of its corpus that shares most words."""
    from sklearn.feature_extraction.text import CountVectorizer

    sets = [sorted(set(tokens(s))) for s in sentences]
    matrix = CountVectorizer(analyzer=lambda w: w, binary=True).fit_transform(sets)
    sizes = np.asarray(matrix.sum(axis=1)).ravel()
    pairs = []
    for row in rng.sample(range(len(sentences)), count):
        shared = np.asarray((matrix[row] @ matrix.T).todense()).ravel()
        jaccard = shared / np.maximum(sizes[row] + sizes - shared, 1)
        jaccard[jaccard >= 1.0] = 0.0  # the sentence itself and word-for-word copies
        pairs.append((sentences[row], sentences[int(jaccard.argmax())]))
    return pairs


def threshold_pairs(seed: int) -> tuple[list, list, list]:
    from evals import near_miss

    rng = random.Random(seed)
    corpora = [[t for _, texts in polis() for t in texts]]
    corpora += [texts for _, texts in _vietnamese_sets()]
    corpora = [[s for s in texts if 4 <= len(s.split()) <= 40] for texts in corpora]
    sentences = [s for texts in corpora for s in texts]
    positives = [(s, paraphrase(s, rng)) for s in rng.sample(sentences, 800)]
    others = near_miss.build(800, seed=seed)
    neighbours = [pair for texts in corpora for pair in nearest_others(texts, 200, rng)]
    return positives, [(a, b) for _, a, b in others], neighbours


def measure_threshold(seed: int) -> None:
    from ykien.analysis.summaries import PARAPHRASE, same_claim, similarity

    positives, others, neighbours = threshold_pairs(seed)

    def scored(pairs: list[tuple[str, str]]) -> list[tuple[float, bool]]:
        return [
            (similarity(frozenset(tokens(a)), frozenset(tokens(b))), same_claim(a, b))
            for a, b in pairs
        ]

    groups = [scored(positives), scored(others), scored(neighbours)]
    print(f"Paraphrase threshold (shipped PARAPHRASE = {PARAPHRASE}): {len(positives)} "
          f"paraphrase pairs, {len(others)} one-claim-word edits, {len(neighbours)} nearest "
          "other sentences")  # fmt: skip
    print("  share cited: paraphrases / edits / nearest others, by the Jaccard alone, then "
          "with the claim and facts check")  # fmt: skip
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        alone = [sum(s >= threshold for s, _ in g) / len(g) for g in groups]
        checked = [sum(s >= threshold and ok for s, ok in g) / len(g) for g in groups]
        print(f"  Jaccard ≥ {threshold:.1f}: " + " / ".join(f"{v:6.1%}" for v in alone)
              + "    checked: " + " / ".join(f"{v:6.1%}" for v in checked))  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sentences", type=int, default=200)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--threshold", action="store_true", help="measure the threshold too")
    args = parser.parse_args(argv)
    if args.threshold:
        measure_threshold(args.seed)
    check_citations(args.sentences, args.seed)


if __name__ == "__main__":
    main()
