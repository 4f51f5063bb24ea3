"""Near-miss pairs: real short comments and the same comment with one claim-changing word.

Pairs are built from real comments of ../shared/data (polis in English, vnexpress-comments and
uit-vsfc in Vietnamese) of 5 to 25 words, by one edit that changes the claim: a number replaced
by another, a negation put in ("không", "not"), a word replaced by its opposite, or a content
word replaced by another content word of the same corpus. A pair counts as joined when
find_duplicates puts both texts in one group. Printed per edit kind: the share joined by the
method before (word pairs, Jaccard 0.6) and by the shipped one (with the claim check).
Run: `python -m evals.near_miss [--pairs 800]`.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
from collections import Counter

from evals.data import DATA
from ykien.analysis import claims, dedupe
from ykien.analysis.textpipe import EN_STOPWORDS, VI_STOPWORDS

_NUMBER = re.compile(r"\b\d+\b")


def _comments() -> list[str]:
    texts: list[str] = []
    for folder in sorted((DATA / "polis").glob("*/comments.csv")):
        if "austria" in folder.parent.name:
            continue
        with folder.open(encoding="utf-8") as handle:
            texts += [row["comment-body"] for row in csv.DictReader(handle)]
    path = DATA / "vnexpress-comments" / "comments.csv"
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            texts += [r["content"] for r in csv.DictReader(handle, skipinitialspace=True)]
    sents = DATA / "uit-vsfc" / "dev" / "sents.txt"
    if sents.exists():
        texts += sents.read_text(encoding="utf-8").splitlines()
    return [t for t in texts if 5 <= len(t.split()) <= 25]


def _vietnamese(text: str) -> bool:
    return any(ch in "ăâđêôơư" for ch in text.lower())


def _edit(text: str, kind: str, rng: random.Random, pool: list[str]) -> str | None:
    words = text.split()
    if kind == "number":
        found = _NUMBER.findall(text)
        if not found:
            return None
        old = rng.choice(found)
        return _NUMBER.sub(lambda m: str(int(old) * 2 + 3) if m.group() == old else m.group(),
                           text, count=1)  # fmt: skip
    if kind == "negation":
        stop = VI_STOPWORDS if _vietnamese(text) else EN_STOPWORDS
        spots = [i for i, w in enumerate(words) if w.lower() not in stop and w.isalpha()]
        if not spots:
            return None
        at = rng.choice(spots)
        return " ".join([*words[:at], "không" if _vietnamese(text) else "not", *words[at:]])
    if kind == "opposite":
        lowered = [w.lower().strip(".,!?") for w in words]
        for left, right in rng.sample(claims.OPPOSITE_PAIRS, len(claims.OPPOSITE_PAIRS)):
            for old, new in ((left, right), (right, left)):
                if " " not in old and old in lowered:
                    at = lowered.index(old)
                    return " ".join([*words[:at], new, *words[at + 1 :]])
        return None
    stop = VI_STOPWORDS | EN_STOPWORDS
    spots = [i for i, w in enumerate(words) if w.isalpha() and len(w) > 3 and w.lower() not in stop]
    if not spots:
        return None
    at = rng.choice(spots)
    other = rng.choice(pool)
    return (
        None
        if other.lower() == words[at].lower()
        else " ".join([*words[:at], other, *words[at + 1 :]])
    )


def build(count: int, seed: int = 1) -> list[tuple[str, str, str]]:
    """(kind, original, edited) pairs, the kinds in turn."""
    rng = random.Random(seed)
    texts = _comments()
    pool = [w for t in texts for w in t.split() if w.isalpha() and len(w) > 3]
    kinds = ["number", "negation", "opposite", "content word"]
    pairs: list[tuple[str, str, str]] = []
    tries = 0
    while len(pairs) < count and tries < 200 * count:
        tries += 1
        kind = kinds[len(pairs) % len(kinds)]
        text = rng.choice(texts)
        edited = _edit(text, kind, rng, pool)
        if edited and edited != text:
            pairs.append((kind, text, edited))
    return pairs


def joined(a: str, b: str, *, meaning: bool) -> bool:
    return bool(dedupe.find_duplicates([(1, a), (2, b)], meaning=meaning))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=800)
    parser.add_argument("--show", type=int, default=0, help="print this many joined pairs")
    args = parser.parse_args(argv)
    pairs = build(args.pairs)
    total: Counter[str] = Counter()
    before: Counter[str] = Counter()
    after: Counter[str] = Counter()
    for kind, a, b in pairs:
        total[kind] += 1
        before[kind] += joined(a, b, meaning=False)
        now = joined(a, b, meaning=True)
        after[kind] += now
        if now and args.show:
            args.show -= 1
            print(f"  joined: {a!r} / {b!r}")
    print(f"{'edit':<14} {'pairs':>6} {'joined before':>14} {'joined now':>11}")
    for kind in total:
        print(f"{kind:<14} {total[kind]:>6} {before[kind] / total[kind]:>14.1%} "
              f"{after[kind] / total[kind]:>11.1%}")  # fmt: skip
    n = sum(total.values())
    print(f"{'all':<14} {n:>6} {sum(before.values()) / n:>14.1%} {sum(after.values()) / n:>11.1%}")


if __name__ == "__main__":
    main()
