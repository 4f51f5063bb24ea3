"""Score event-report extraction against the hand-labelled gold set in evals/gold/events.

Run: `python -m evals.events` (table per field) or `python -m evals.events --show 22413318.txt`
(hits and misses for one document). News articles are read from ../shared/data/vn-news/data
(YKIEN_SHARED_DATA=<folder> when the data lives elsewhere); minutes (biên bản) written for the
project live in the repository beside their labels (evals/gold/events/minutes/), so they are
scored even where the shared data is absent. Two splits are scored apart: the dev set
(evals/gold/events/*.json and minutes/*.json, looked at while writing the rules) and the held-out
set (evals/gold/events/heldout/ and minutes/heldout/, labelled before any extractor was run on
them, and not used for tuning). Each prints the keyword baseline, the extractor as it was before
issue 14 (read from git history, commit db28e073) and today's extractor, over the whole split
and per source kind (news, minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import types
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from ykien.text import name_key, nfc

REPO = Path(__file__).resolve().parents[1]
GOLD_DIR = REPO / "evals" / "gold" / "events"
# Labelled after the rules of issue 14 were written and never looked at while tuning them.
HELDOUT_DIR = GOLD_DIR / "heldout"
# Minutes written for the project: the text (.txt) sits beside its labels (.json).
MINUTES_DIR = GOLD_DIR / "minutes"
MINUTES_HELDOUT_DIR = MINUTES_DIR / "heldout"
SOURCES = ("news", "minutes")
# ../shared/data beside the repository; YKIEN_SHARED_DATA points elsewhere (a git worktree).
SHARED_DATA = Path(os.environ.get("YKIEN_SHARED_DATA", REPO / ".." / "shared" / "data"))
NEWS_DIR = SHARED_DATA / "vn-news" / "data"

FUZZY_THRESHOLD = 85.0
SPAN_THRESHOLD = 70.0
# token_set_ratio alone scores any subset 100, so a fragment or a whole paragraph would match;
# a span may still carry its attribution ("Đại biểu X cho rằng") and a trailing clause.
MIN_SPAN_LENGTH_RATIO = 1 / 3
FIELDS = (
    "people",
    "titles",
    "organisations",
    "drafts",
    "opinions",
    "recommendations",
    "resolutions",
    "dates",
    "kind",
)

# A gold item lists one or more spellings of the same thing; a predicted item is plain.
GoldItem = tuple[Any, ...]
Similarity = Callable[[Any, Any], float]


@dataclass(frozen=True)
class Score:
    """Counts for one field; duplicates (another hit on an already matched item) are not errors."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    dup: int = 0

    def __add__(self, other: Score) -> Score:
        return Score(
            self.tp + other.tp, self.fp + other.fp, self.fn + other.fn, self.dup + other.dup
        )

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass
class Matching:
    """The outcome of matching predicted items to gold items for one field of one article."""

    hits: list[tuple[Any, GoldItem, float]] = field(default_factory=list)
    duplicates: list[Any] = field(default_factory=list)
    extras: list[Any] = field(default_factory=list)
    misses: list[GoldItem] = field(default_factory=list)

    @property
    def score(self) -> Score:
        return Score(len(self.hits), len(self.extras), len(self.misses), len(self.duplicates))


@dataclass(frozen=True)
class GoldArticle:
    """The labels of one article; each list item is a tuple of accepted spellings."""

    file: str
    items: dict[str, list[GoldItem]]
    # "news": `file` names a vn-news article; "minutes": a text file beside the gold JSON
    source: str = "news"
    text_path: Path | None = None


def fuzzy_similarity(predicted: str, gold: str) -> float:
    """token_set_ratio on diacritic-folded keys (tolerant of spelling and word order)."""
    left, right = name_key(predicted), name_key(gold)
    if not left or not right:
        return 0.0
    return float(fuzz.token_set_ratio(left, right))


def name_similarity(predicted: str, gold: str) -> float:
    """100 when the two names have the same name_key, else 0."""
    return 100.0 if name_key(predicted) and name_key(predicted) == name_key(gold) else 0.0


def span_similarity(predicted: str, gold: str) -> float:
    """token_set_ratio of two text spans, 0 when one is under a third of the other's length."""
    left, right = name_key(predicted).split(), name_key(gold).split()
    if not left or not right:
        return 0.0
    if min(len(left), len(right)) / max(len(left), len(right)) < MIN_SPAN_LENGTH_RATIO:
        return 0.0
    return float(fuzz.token_set_ratio(" ".join(left), " ".join(right)))


def title_similarity(predicted: tuple[str, str], gold: tuple[str, str]) -> float:
    """A (person, title) pair: the same person by name_key and a fuzzy-equal title."""
    if name_similarity(predicted[0], gold[0]) == 0.0:
        return 0.0
    return fuzzy_similarity(predicted[1], gold[1])


def date_similarity(predicted: tuple[Any, ...], gold: tuple[Any, ...]) -> float:
    """Day and month equal, and the year too when the gold date has one."""
    day, month, year = predicted[:3]
    gold_day, gold_month, gold_year = gold[:3]
    if (day, month) != (gold_day, gold_month):
        return 0.0
    return 100.0 if gold_year is None or year == gold_year else 0.0


def match_items(
    predicted: Sequence[Any],
    gold: Sequence[GoldItem],
    *,
    similarity: Similarity,
    threshold: float,
) -> Matching:
    """One-to-one greedy matching, best pairs first; a gold item matches via any spelling."""
    candidates: list[tuple[float, float, int, int]] = []
    for pred_index, item in enumerate(predicted):
        for gold_index, spellings in enumerate(gold):
            best = max(similarity(item, spelling) for spelling in spellings)
            if best >= threshold:
                closeness = max(fuzz.ratio(str(item), str(spelling)) for spelling in spellings)
                candidates.append((best, closeness, pred_index, gold_index))
    # Ties (every subset scores 100) go to the closest spelling: "Chính phủ" to "Chính phủ".
    candidates.sort(key=lambda candidate: (-candidate[0], -candidate[1], *candidate[2:]))
    matching = Matching()
    used_pred: set[int] = set()
    used_gold: set[int] = set()
    for best, _, pred_index, gold_index in candidates:
        if pred_index in used_pred or gold_index in used_gold:
            continue
        used_pred.add(pred_index)
        used_gold.add(gold_index)
        matching.hits.append((predicted[pred_index], gold[gold_index], best))
    near = {candidate[2] for candidate in candidates}
    for pred_index, item in enumerate(predicted):
        if pred_index not in used_pred:
            (matching.duplicates if pred_index in near else matching.extras).append(item)
    matching.misses = [item for index, item in enumerate(gold) if index not in used_gold]
    return matching


def _spellings(value: Any) -> GoldItem:
    return tuple(nfc(v) for v in value) if isinstance(value, list) else (nfc(value),)


def gold_from_json(data: dict[str, Any], folder: Path | None = None) -> GoldArticle:
    """Turn one gold JSON document into per-field lists of accepted spellings; a document with
    `"source": "minutes"` is read from its `file` in `folder` (the JSON's own folder)."""
    items: dict[str, list[GoldItem]] = {}
    people = data.get("people", [])
    items["people"] = [_spellings(person["name"]) for person in people]
    items["titles"] = [
        tuple((nfc(person["name"]), spelling) for spelling in _spellings(title))
        for person in people
        for title in person.get("titles", [])
    ]
    for name in ("organisations", "drafts", "opinions", "recommendations", "resolutions"):
        items[name] = [_spellings(value) for value in data.get(name, [])]
    items["dates"] = [
        ((date["day"], date["month"], date.get("year")),) for date in data.get("dates", [])
    ]
    items["kind"] = [(data["kind"],)] if data.get("kind") else []
    source = data.get("source", "news")
    if source not in SOURCES:
        raise ValueError(f"{data['file']}: unknown source {source!r}")
    text_path = None
    if source == "minutes":
        if folder is None or Path(data["file"]).name != data["file"]:
            raise ValueError(f"{data['file']}: minutes are a file name beside their labels")
        text_path = folder / data["file"]
    return GoldArticle(file=data["file"], items=items, source=source, text_path=text_path)


def load_gold(folder: Path = GOLD_DIR) -> list[GoldArticle]:
    """Every gold file in the folder, in file-name order."""
    return [
        gold_from_json(json.loads(path.read_text(encoding="utf-8")), path.parent)
        for path in sorted(folder.glob("*.json"))
    ]


def load_splits() -> dict[str, list[GoldArticle]]:
    """The dev and held-out splits, news articles first, then minutes."""
    return {
        "dev": load_gold() + load_gold(MINUTES_DIR),
        "held-out": load_gold(HELDOUT_DIR) + load_gold(MINUTES_HELDOUT_DIR),
    }


def _text(mention: Any) -> str:
    return str(getattr(mention, "text", mention))


def proposal_items(proposal: Any) -> dict[str, list[Any]]:
    """The predicted items of an EventProposal (ykien.events.extract), per field."""
    people = list(getattr(proposal, "people", []))
    items: dict[str, list[Any]] = {
        "people": [_text(person.name) for person in people],
        "titles": [
            (_text(person.name), _text(title)) for person in people for title in person.titles
        ],
        "dates": [(d.day, d.month, d.year) for d in getattr(proposal, "dates", [])],
    }
    for name in ("organisations", "drafts", "opinions", "recommendations", "resolutions"):
        items[name] = [_text(mention) for mention in getattr(proposal, name, [])]
    kind = getattr(proposal, "kind", None)
    items["kind"] = [kind] if kind else []
    return items


SIMILARITY: dict[str, tuple[Similarity, float]] = {
    "people": (name_similarity, 100.0),
    "titles": (title_similarity, FUZZY_THRESHOLD),
    "organisations": (fuzzy_similarity, FUZZY_THRESHOLD),
    "drafts": (fuzzy_similarity, FUZZY_THRESHOLD),
    "resolutions": (fuzzy_similarity, FUZZY_THRESHOLD),
    "opinions": (span_similarity, SPAN_THRESHOLD),
    "recommendations": (span_similarity, SPAN_THRESHOLD),
    "dates": (date_similarity, 100.0),
    "kind": (lambda predicted, gold: 100.0 if predicted == gold else 0.0, 100.0),
}


def score_article(predicted: dict[str, list[Any]], gold: GoldArticle) -> dict[str, Matching]:
    """Match every field of one article."""
    result = {}
    for name in FIELDS:
        similarity, threshold = SIMILARITY[name]
        result[name] = match_items(
            predicted.get(name, []), gold.items[name], similarity=similarity, threshold=threshold
        )
    return result


def total_scores(articles: Iterable[dict[str, Matching]]) -> dict[str, Score]:
    """Per-field sums over articles, plus the micro total under "micro"."""
    totals = {name: Score() for name in FIELDS}
    for matchings in articles:
        for name in FIELDS:
            totals[name] = totals[name] + matchings[name].score
    micro = Score()
    for name in FIELDS:
        micro = micro + totals[name]
    totals["micro"] = micro
    return totals


# --- a keyword baseline, so the extractor's numbers have something to stand beside ---

_SENTENCE = re.compile(r"[^.!?;\n]+[.!?;]?")
_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{4}))?\b")
_PERSON = re.compile(
    r"(?:[Ôô]ng|[Bb]à|[Đđ]ồng chí|[Đđ]ại biểu|ĐB)\s+((?:[A-ZĐÂĂÊÔƠƯ][\w]*\s?){2,4})", re.UNICODE
)
_DRAFT = re.compile(r"(?:[Dd]ự thảo|[Dd]ự án) (?:Luật|Nghị quyết|Báo cáo|Đề án|Thông tư)[^,.;:()]*")
_ORG = re.compile(r"(?:Bộ|Ủy ban|UBND|Hiệp hội|Hội|Tổng cục|Cục|Ban) (?:[A-ZĐ][\w&-]*\s?)+")
_RESOLUTION = re.compile(r"(?:Nghị quyết|Quyết định|Chỉ thị) (?:số )?\d+[\w/-]*")


def baseline_items(raw: str) -> dict[str, list[Any]]:
    """Regular-expression guesses: what a quick script would extract without the extractor."""
    text = nfc(raw)
    sentences = [match.group(0).strip() for match in _SENTENCE.finditer(text)]
    people = sorted({match.group(1).strip() for match in _PERSON.finditer(text)})
    return {
        "people": people,
        "titles": [],
        "organisations": sorted({m.group(0).strip() for m in _ORG.finditer(text)}),
        "drafts": sorted({m.group(0).strip() for m in _DRAFT.finditer(text)}),
        "resolutions": sorted({m.group(0).strip() for m in _RESOLUTION.finditer(text)}),
        "opinions": [s for s in sentences if "cho rằng" in s or "ý kiến" in s],
        "recommendations": [s for s in sentences if re.search(r"đề nghị|kiến nghị|đề xuất", s)],
        "kind": [
            kind
            for kind, word in (
                ("seminar", "tọa đàm"),
                ("seminar", "hội thảo"),
                ("conference", "hội nghị"),
                ("dialogue", "đối thoại"),
            )
            if word in text.lower()
        ][:1],
        "dates": sorted(
            {
                (int(m.group(1)), int(m.group(2)), m.group(3) and int(m.group(3)))
                for m in _DATE.finditer(text)
            },
            key=str,
        ),
    }


# --- the program ---


# the commit whose ykien.events.extract and .clean were the extractor before issue 14
BEFORE_ISSUE_14 = "db28e0739f9a22450c13b5fc96fbeec34b5465a0"


def _frozen_extractor() -> Callable[[str], Any] | None:
    """The extractor as it was before issue 14, read from the project's git history, to show
    what changed; None (that table left out) where the history is not at hand."""
    root = Path(__file__).resolve().parents[1]
    sources = {}
    for name in ("clean", "extract"):
        shown = subprocess.run(
            ["git", "-C", str(root), "show", f"{BEFORE_ISSUE_14}:src/ykien/events/{name}.py"],
            capture_output=True,
            text=True,
            check=False,
        )
        if shown.returncode != 0:
            print(
                f"the extractor before issue 14 is not in this checkout's history: {shown.stderr}"
            )
            return None
        sources[name] = shown.stdout.replace("ykien.events.clean", "evals_before_14_clean")
    namespace: dict[str, Any] = {}
    for name in ("clean", "extract"):
        module = types.ModuleType(f"evals_before_14_{name}")
        sys.modules[module.__name__] = module  # dataclasses look their module up
        exec(compile(sources[name], f"{BEFORE_ISSUE_14[:8]}:{name}.py", "exec"), module.__dict__)
        namespace[name] = module
    return namespace["extract"].extract_event


def _load_extractor() -> Callable[[str], Any] | None:
    try:
        from ykien.events.extract import extract_event
    except ImportError as error:
        print(f"ykien.events.extract is not available ({error}); showing the baseline only.")
        return None
    return extract_event


def _read_article(gold: GoldArticle) -> str | None:
    path = gold.text_path if gold.text_path is not None else NEWS_DIR / gold.file
    return nfc(path.read_text(encoding="utf-8")) if path.exists() else None


def _format_row(name: str, score: Score) -> str:
    return (
        f"{name:<16}{score.tp:>5}{score.fp:>5}{score.fn:>5}{score.dup:>5}"
        f"{score.precision:>8.2f}{score.recall:>8.2f}{score.f1:>8.2f}"
    )


def print_table(title: str, totals: dict[str, Score]) -> None:
    """One block of per-field precision, recall and F1."""
    print(f"\n{title}")
    print(f"{'field':<16}{'tp':>5}{'fp':>5}{'fn':>5}{'dup':>5}{'P':>8}{'R':>8}{'F1':>8}")
    for name in (*FIELDS, "micro"):
        print(_format_row(name, totals[name]))


def print_details(file: str, matchings: dict[str, Matching]) -> None:
    """Hits, misses and extras of every field for one article."""
    print(f"\n== {file}")
    for name in FIELDS:
        matching = matchings[name]
        print(f"-- {name}: {_format_row('', matching.score).strip()}")
        for item, gold, best in matching.hits:
            print(f"   HIT  {item!r}  ~  {gold[0]!r} ({best:.0f})")
        for gold in matching.misses:
            print(f"   MISS {gold[0]!r}")
        for item in matching.extras:
            print(f"   FP   {item!r}")
        for item in matching.duplicates:
            print(f"   DUP  {item!r}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show", help="print hits and misses for one article (file name)")
    parser.add_argument("--baseline", action="store_true", help="with --show: the baseline's")
    args = parser.parse_args(argv)
    splits = load_splits()
    if not NEWS_DIR.exists():
        print(
            f"{NEWS_DIR} is not available (third-party data lives beside the repo): "
            "news articles skipped, minutes scored."
        )
        splits = {
            name: [gold for gold in golds if gold.source != "news"]
            for name, golds in splits.items()
        }
    if args.show:
        wanted = args.show if args.show.endswith(".txt") else f"{Path(args.show).stem}.txt"
        golds = [gold for split in splits.values() for gold in split if gold.file == wanted]
        if not golds:
            print(f"no gold labels for {wanted}")
            return 0
        return _show(golds[0], baseline=args.baseline)
    for name, golds in splits.items():
        _evaluate(name, golds)
    return 0


def _show(gold: GoldArticle, *, baseline: bool) -> int:
    """Hits and misses of one article, by the extractor (or the keyword baseline)."""
    raw = _read_article(gold)
    if raw is None:
        print(f"{gold.file}: text missing")
        return 0
    extract = _load_extractor()
    if baseline or extract is None:
        print_details(f"{gold.file} (baseline)", score_article(baseline_items(raw), gold))
    else:
        print_details(f"{gold.file} (extractor)", score_article(proposal_items(extract(raw)), gold))
    return 0


def _evaluate(split: str, golds: list[GoldArticle]) -> None:
    """The three tables (keyword baseline, extractor before issue 14, today's) of one split,
    each followed by its micro scores per source kind."""
    extract = _load_extractor()
    frozen = _frozen_extractor()
    runs: dict[str, list[tuple[str, dict[str, Matching]]]] = {
        "baseline": [],
        "frozen": [],
        "extractor": [],
    }
    for gold in golds:
        raw = _read_article(gold)
        if raw is None:
            print(f"{gold.file}: text missing, skipped")
            continue
        runs["baseline"].append((gold.source, score_article(baseline_items(raw), gold)))
        if frozen is not None:
            runs["frozen"].append((gold.source, score_article(proposal_items(frozen(raw)), gold)))
        if extract is not None:
            runs["extractor"].append(
                (gold.source, score_article(proposal_items(extract(raw)), gold))
            )
    counts = {source: sum(1 for s, _ in runs["baseline"] if s == source) for source in SOURCES}
    described = ", ".join(f"{count} {source}" for source, count in counts.items())
    print(f"\n=== {split}: {len(runs['baseline'])} gold documents ({described})")
    print("dup: further mentions of an already matched item (not counted as errors)")
    titles = {
        "baseline": "keyword baseline (evals.events.baseline_items)",
        "frozen": f"extractor before issue 14 (git {BEFORE_ISSUE_14[:8]})",
        "extractor": "ykien.events.extract.extract_event",
    }
    skipped = {name for name, run in (("frozen", frozen), ("extractor", extract)) if run is None}
    for name, title in titles.items():
        if name in skipped:
            continue
        print_table(title, total_scores(matchings for _, matchings in runs[name]))
        for source in SOURCES:
            if counts[source]:
                micro = total_scores(m for s, m in runs[name] if s == source)["micro"]
                print(_format_row(f"  micro {source}", micro))


if __name__ == "__main__":
    sys.exit(main())
