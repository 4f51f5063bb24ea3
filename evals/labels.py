"""Theme labels on real text: fragments, generic words, noun phrases.

Themes are found as shipped (k chosen automatically) on every English polis conversation, on the
dev split of uit-vsfc, on vnexpress-comments and on the demo consultation's generated opinions,
and every key phrase is checked:
- fragment: a contraction fragment ("t", "s", "don", "doesn", ...), a single letter, or a phrase
  that starts or ends with a function word ("of", "the", "và", "của", "ở", ...);
- generic: a phrase made only of words that say nothing about a subject ("need", "live",
  "think", "số", "bo", "vấn đề", ...; the list below, written for this evaluation);
- single syllable: a Vietnamese phrase of one syllable ("số", "bỏ", "so"), never readable alone;
- noun phrase: Vietnamese phrases are tagged by underthesea (a different tagger from the pyvi
  one the labels are built with) and count as noun phrases when a word is a noun and none is a
  preposition, conjunction, adverb, particle or number; English phrases when the last word (the
  head) is neither a function word, an adverb (-ly), a past form (-ed) nor a verb or adjective of
  the list below (a rule, not a tagger: no English tagger ships inside a PyPI wheel).
Prints the labels of each set and the shares. Run: `python -m evals.labels`.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

from evals.data import DATA
from ykien.analysis.textpipe import EN_STOPWORDS
from ykien.analysis.themes import find_themes

FRAGMENTS = frozenset(
    "t s don doesn isn aren wasn weren didn couldn shouldn wouldn ve ll re".split()  # noqa: SIM905
)
GENERIC_EN = frozenset(
    """need needs live think make going go get say let may still try better good new less
    people thing things way lot really want know believe sure also well like much many one
    use used work come take give see look seem seems mean means put keep yes agree issue
    issues problem idea point part""".split()  # noqa: SIM905
)
GENERIC_VI = frozenset(
    """số bo so bỏ cái điều phần đoạn mục lần việc vấn_đề nội_dung ý_kiến dự_thảo người cách
    thấy nói làm có không được cần nên rất khác chi thêm tăng một_số hơn ở ko đấy mấy""".split()  # noqa: SIM905
)
VERBS_EN = frozenset(
    """need think make go get say let try want know believe agree disagree support oppose
    pay cut raise work live help stop allow keep take give ban vote stay leave remain""".split()  # noqa: SIM905
)
VI_FUNCTION = frozenset(
    """và với của các những một là thì mà nhưng hoặc hay nên vì do bởi tại theo trong ngoài
    trên dưới về cho đến từ tới qua lại ra vào này kia đó ấy đây thế vậy như nếu khi để được
    bị có không chưa đã đang sẽ vẫn còn cũng rất quá lắm hơn nhất ở""".split()  # noqa: SIM905
)
_VI_FUNCTION_TAGS = frozenset("E C CC R T X M L P I Z CH".split())  # noqa: SIM905
_WORD = re.compile(r"\w+")


@dataclass
class Counts:
    phrases: int = 0
    fragments: int = 0
    generic: int = 0
    single: int = 0
    nouns: int = 0
    multiword: int = 0

    def add(self, phrase: str, english: bool) -> None:
        self.phrases += 1
        words = _WORD.findall(phrase.lower())
        self.fragments += is_fragment(words, english)
        self.generic += is_generic(words, english)
        self.single += (not english) and len(words) == 1
        self.nouns += is_noun_phrase(phrase, words, english)
        self.multiword += len(phrase.split()) >= 2

    def line(self, name: str) -> str:
        n = max(self.phrases, 1)
        return (
            f"  {name:<28} phrases {self.phrases:4}  fragments {self.fragments / n:6.1%}  "
            f"generic {self.generic / n:6.1%}  one syllable {self.single / n:6.1%}  "
            f"noun phrases {self.nouns / n:6.1%}  of 2+ syllables/words {self.multiword / n:6.1%}"
        )


def is_fragment(words: list[str], english: bool) -> bool:
    if not words or FRAGMENTS & set(words) or (min(map(len, words)) < 2 and not words[0].isdigit()):
        return True
    stop = EN_STOPWORDS if english else VI_FUNCTION
    return words[0] in stop or words[-1] in stop


def is_generic(words: list[str], english: bool) -> bool:
    if english:
        return all(w in GENERIC_EN for w in words)
    joined = "_".join(words)
    return joined in GENERIC_VI or all(w in GENERIC_VI for w in words)


def is_noun_phrase(phrase: str, words: list[str], english: bool) -> bool:
    if not words:
        return False
    if english:
        head = words[-1]
        return not (
            head in EN_STOPWORDS
            or head in VERBS_EN
            or head in GENERIC_EN
            or head.endswith(("ly", "ed"))
        )
    from underthesea import pos_tag

    tags = [tag for _, tag in pos_tag(phrase)]
    return any(t.startswith("N") for t in tags) and not _VI_FUNCTION_TAGS.intersection(tags)


def polis() -> Iterator[tuple[str, list[str]]]:
    for path in sorted((DATA / "polis").glob("*/comments.csv")):
        if "austria" in path.parent.name:  # German
            continue
        with path.open(encoding="utf-8") as handle:
            rows = [r for r in csv.DictReader(handle) if r["moderated"] != "-1"]
        yield path.parent.name, [row["comment-body"] for row in rows]


def vietnamese() -> Iterator[tuple[str, list[str]]]:
    from evals.themes import read_uit, read_vnexpress
    from ykien.demo.opinions import generate_opinions

    refs = [f"Điều {n}" for n in range(1, 20)]
    demo = generate_opinions(random.Random(0), count=900, section_refs=refs)
    yield "demo", [o.text for o in demo]
    yield "uit-vsfc dev", read_uit("dev")[0]
    yield "vnexpress-comments", read_vnexpress()[0]


def main() -> None:
    totals = {"polis (en)": Counts(), "vietnamese": Counts()}
    rows = []
    for group, sets in (("polis (en)", polis()), ("vietnamese", vietnamese())):
        for name, texts in sets:
            result, _ = find_themes(list(enumerate(texts)), seed=0)
            print(f"\n{name}: {len(texts)} opinions, {result.chosen_k} themes")
            counts = Counts()
            for theme in result.themes:
                for phrase in theme.key_phrases:
                    counts.add(phrase, group.startswith("polis"))
                    totals[group].add(phrase, group.startswith("polis"))
                print(f"  {len(theme.member_ids):>4}  {theme.label}")
            rows.append(counts.line(name))
    print("\nKey phrases (all of each theme's, not only the label's three):")
    print("\n".join(rows))
    for name, counts in totals.items():
        print(counts.line(f"all {name}"))


if __name__ == "__main__":
    main()
