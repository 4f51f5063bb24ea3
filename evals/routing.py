"""Section routing quality on real laws: top-1/top-3 accuracy of generated opinions.

Opinions are generated from the Điều texts of laws in ../shared/data/vn-legal, with no explicit
reference: a random clause wrapped in an opinion frame, then perturbed (words dropped and
reordered, synonyms swapped, diacritics removed, or all of these). Each law's opinions are routed
against that law's Điều sections, beside a baseline (TF-IDF cosine on raw syllables) in the same
run. A second set names the section explicitly ("khoản 2 Điều 5") and is routed against all the
law's sections.

Run: .venv/bin/python -m evals.routing [--per-law N] [--laws a.txt,b.txt] [--fit]
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from ykien.analysis.routing import SectionDoc, SectionProposal, SectionRouter
from ykien.drafts.parse import ParsedDraft, ParsedSection, parse_file
from ykien.drafts.refs import find_references
from ykien.text import fold

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "vn-legal"
LAWS = (
    "hien-phap.txt",
    "luat-an-ninh-quoc-gia.txt",
    "luat-bao-chi.txt",
    "luat-giao-duc.txt",
    "luat-phong-chong-tham-nhung.txt",
    "luat-chung-khoan.txt",
    "bo-luat-lao-dong.txt",
    "bo-luat-dan-su.txt",
)
PERTURBATIONS = ("clause", "dropped", "synonyms", "unaccented", "heading", "all")

FRAMES = (
    "Tôi đề nghị cần quy định rõ hơn việc {x}.",
    "Về nội dung {x}, đề nghị Ban soạn thảo cân nhắc thêm.",
    "Theo tôi, quy định {x} là chưa hợp lý, cần sửa đổi cho phù hợp với thực tiễn.",
    "Đề nghị bổ sung hướng dẫn cụ thể đối với {x}.",
    "Chúng tôi nhất trí với nội dung {x} nhưng đề nghị làm rõ trách nhiệm thực hiện.",
    "Cần xem xét lại {x} vì thực tế ở cơ sở rất khó áp dụng.",
    "{x} - đề nghị viết lại cho dễ hiểu hơn.",
)
# A small synonym table (legal wording -> everyday wording); applied word-group by word-group.
SYNONYMS = {
    "nhà nước": "chính quyền",
    "công dân": "người dân",
    "cơ quan": "đơn vị",
    "trách nhiệm": "nghĩa vụ",
    "bảo đảm": "đảm bảo",
    "thực hiện": "triển khai",
    "xử lý": "giải quyết",
    "nghiêm cấm": "cấm",
    "người lao động": "công nhân",
    "người sử dụng lao động": "chủ doanh nghiệp",
    "quốc hội": "cơ quan lập pháp",
    "chính phủ": "cơ quan hành pháp",
    "tài sản": "của cải",
    "vi phạm": "làm trái",
    "kiểm tra": "rà soát",
    "ban hành": "đưa ra",
    "quyền lợi": "lợi ích",
    "doanh nghiệp": "công ty",
    "trẻ em": "con trẻ",
    "học sinh": "học trò",
    "phát triển": "mở rộng",
    "thời hạn": "thời gian",
    "cá nhân": "người",
    "nâng cao": "tăng cường",
    "hỗ trợ": "giúp đỡ",
    "thẩm quyền": "quyền hạn",
    "nhân dân": "người dân",
    "tổ chức": "đơn vị",
    "hợp đồng": "giao kèo",
    "bồi thường": "đền bù",
    "nhiệm vụ": "công việc",
    "quy định": "nêu",
    "được": "có quyền",
    "phải": "buộc phải",
    "theo": "căn cứ",
}
_SENTENCE = re.compile(r"[^.;:\n]+")


@dataclass(frozen=True)
class Case:
    """One generated opinion and the section it is about."""

    law: str
    kind: str
    text: str
    expected: int  # SectionDoc id


# ---------------------------------------------------------------------------------------------
# Laws and sections


def load_law(path: Path) -> ParsedDraft:
    return parse_file(path.read_bytes(), path.name)


def full_text(sections: Sequence[ParsedSection], position: int) -> str:
    """A section's own text followed by its sub-sections' texts."""
    parts = [sections[position].text]
    parts += [full_text(sections, i) for i, s in enumerate(sections) if s.parent == position]
    return "\n".join(part for part in parts if part)


def article_docs(draft: ParsedDraft) -> list[SectionDoc]:
    """The law's Điều sections (each with its khoản text), ids = positions in the draft."""
    return [
        SectionDoc(i, s.path, s.label, s.heading, full_text(draft.sections, i), None)
        for i, s in enumerate(draft.sections)
        if s.kind == "dieu"
    ]


def all_docs(draft: ParsedDraft) -> list[SectionDoc]:
    """Every section with its own text only, parents given (as stored in the database)."""
    return [
        SectionDoc(i, s.path, s.label, s.heading, s.text, s.parent)
        for i, s in enumerate(draft.sections)
    ]


# ---------------------------------------------------------------------------------------------
# Generating opinions


def clause(text: str, rng: random.Random) -> str | None:
    """A random span of 6-18 words from one sentence of the text, references removed."""
    sentences = [s.strip() for s in _SENTENCE.findall(text) if len(s.split()) >= 6]
    if not sentences:
        return None
    words = rng.choice(sentences).split()
    size = min(len(words), rng.randint(6, 18))
    start = rng.randint(0, len(words) - size)
    return strip_references(" ".join(words[start : start + size]))


def strip_references(text: str) -> str:
    """The text without section references (the opinion must not name its section)."""
    for ref in reversed(find_references(text)):
        text = text[: ref.start] + text[ref.end :]
    return " ".join(text.split())


def drop_and_reorder(text: str, rng: random.Random) -> str:
    """About a quarter of the words dropped and the two halves swapped."""
    words = [w for w in text.split() if rng.random() > 0.25] or text.split()
    cut = len(words) // 2
    return " ".join(words[cut:] + words[:cut])


def swap_synonyms(text: str, rng: random.Random) -> str:
    """Legal wording replaced by everyday wording (each match with probability 0.8)."""
    for word, synonym in SYNONYMS.items():
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)

        def swap(match: re.Match[str], replacement: str = synonym) -> str:
            return replacement if rng.random() < 0.8 else match.group(0)

        text = pattern.sub(swap, text)
    return text


def perturb(kind: str, section: SectionDoc, rng: random.Random) -> str | None:
    """One opinion about the section, perturbed as kind says."""
    if kind == "heading":
        if not section.heading:
            return None
        return rng.choice(FRAMES).format(x=section.heading.lower())
    span = clause(section.text, rng)
    if not span:
        return None
    if kind in ("dropped", "all"):
        span = drop_and_reorder(span, rng)
    if kind in ("synonyms", "all"):
        span = swap_synonyms(span, rng)
    opinion = rng.choice(FRAMES).format(x=span[0].lower() + span[1:])
    if kind in ("unaccented", "all"):
        opinion = fold(opinion)
    return opinion


def generate(law: str, docs: list[SectionDoc], per_law: int, rng: random.Random) -> list[Case]:
    """per_law sampled articles, one opinion per perturbation each (when possible)."""
    cases = []
    for section in rng.sample(docs, min(per_law, len(docs))):
        for kind in PERTURBATIONS:
            text = perturb(kind, section, rng)
            if text and not find_references(text):
                cases.append(Case(law, kind, text, section.id))
    return cases


def reference_cases(law: str, draft: ParsedDraft, count: int, rng: random.Random) -> list[Case]:
    """Opinions naming their section: "khoản 2 Điều 5", "dieu 5", "điểm a khoản 1 Điều 3"."""
    usable = [
        i
        for i, s in enumerate(draft.sections)
        if s.kind in ("dieu", "khoan", "diem") and "~" not in s.path
    ]
    cases = []
    for position in rng.sample(usable, min(count, len(usable))):
        label = draft.sections[position].label
        written = label if rng.random() < 0.6 else fold(label)
        written = written[0].lower() + written[1:] if rng.random() < 0.5 else written
        frame = rng.choice(FRAMES)
        cases.append(Case(law, "reference", frame.format(x=f"{written} về vấn đề này"), position))
    return cases


# ---------------------------------------------------------------------------------------------
# Routing and scoring


class TfidfBaseline:
    """Plain TF-IDF cosine on raw syllables (lower-cased, no folding, no segmentation)."""

    def __init__(self, docs: Sequence[SectionDoc]) -> None:
        self.ids = [doc.id for doc in docs]
        self.vectorizer = TfidfVectorizer(token_pattern=r"(?u)\b\w+\b")
        self.matrix = self.vectorizer.fit_transform([f"{d.heading} {d.text}" for d in docs])

    def rank(self, texts: Sequence[str], limit: int = 3) -> list[list[int]]:
        scores = (self.vectorizer.transform(texts) @ self.matrix.T).toarray()
        best = np.argsort(-scores, axis=1, kind="stable")[:, :limit]
        return [[self.ids[i] for i in row] for row in best]


@dataclass
class Tally:
    """Top-1 and top-3 hits."""

    total: int = 0
    top1: int = 0
    top3: int = 0

    def add(self, ranked: Sequence[int], expected: int | set[int]) -> None:
        wanted = expected if isinstance(expected, set) else {expected}
        self.total += 1
        self.top1 += bool(ranked[:1] and ranked[0] in wanted)
        self.top3 += any(r in wanted for r in ranked[:3])

    def row(self) -> str:
        if not self.total:
            return "    -      -"
        return f"{self.top1 / self.total:6.3f} {self.top3 / self.total:6.3f}"


def subtree(draft: ParsedDraft, position: int) -> set[int]:
    """The section and all its descendants."""
    found = {position}
    for i, section in enumerate(draft.sections):
        if section.parent in found:
            found.add(i)
    return found


def route(router: SectionRouter, cases: Sequence[Case]) -> dict[int, list[SectionProposal]]:
    return router.propose_many(list(enumerate(c.text for c in cases)), limit=3)


def print_table(title: str, tallies: dict[str, tuple[Tally, Tally]]) -> None:
    print(f"\n{title}")
    width = max(14, *(len(name) for name in tallies))
    print(f"{'':{width}} {'n':>5}   {'ykien top1  top3':>16}   {'baseline top1  top3':>19}")
    for name, (ours, base) in tallies.items():
        print(f"{name:{width}} {ours.total:5d}   {ours.row():>16}   {base.row():>19}")


def calibration_rows(
    outcomes: list[tuple[float, bool]],
) -> list[tuple[str, int, float, float]]:
    """(bin, count, mean confidence, accuracy) of top-1 retrieval proposals."""
    edges = (0.0, 0.3, 0.5, 0.7, 0.85, 0.95, 1.01)
    rows = []
    for low, high in itertools.pairwise(edges):
        chosen = [(c, ok) for c, ok in outcomes if low <= c < high]
        if chosen:
            mean = sum(c for c, _ in chosen) / len(chosen)
            accuracy = sum(ok for _, ok in chosen) / len(chosen)
            rows.append((f"{low:.2f}-{min(high, 1.0):.2f}", len(chosen), mean, accuracy))
    return rows


def fit_calibration(router_features: list[tuple[list[float], bool]]) -> None:
    """Print logistic coefficients for routing._CALIBRATION from the collected candidates."""
    from sklearn.linear_model import LogisticRegression

    features = np.array([f for f, _ in router_features])
    labels = np.array([ok for _, ok in router_features])
    model = LogisticRegression(C=10.0, max_iter=1000).fit(features, labels)
    coefs = ", ".join(f"{c:.2f}" for c in model.coef_[0])
    print(f"\ncalibration fit: _CALIBRATION = ({coefs}, {model.intercept_[0]:.2f})")


def candidate_features(router: SectionRouter, text: str) -> list[tuple[int, list[float]]]:
    """(section id, features) of the top retrieval candidates, as routing._confidence uses."""
    columns = router._query_columns(text)
    scores = router._scores([columns])[0]
    ranked = router._ranked(scores, limit=3)
    if not ranked:
        return []
    top = ranked[0][1]
    values = [v for _, v in ranked]
    rows = []
    for rank, (position, value) in enumerate(ranked[:3]):
        following = values[rank + 1] if rank + 1 < len(values) else 0.0
        previous = values[rank - 1] if rank else value
        features = [value / top, (value - following) / top, (previous - value) / top]
        rows.append((router.sections[position].id, [*features, float(np.log1p(value))]))
    return rows


def evaluate(laws: Sequence[str], per_law: int, seed: int, fit: bool, segmenter: str) -> None:
    rng = random.Random(seed)
    by_kind: dict[str, tuple[Tally, Tally]] = defaultdict(lambda: (Tally(), Tally()))
    by_law: dict[str, tuple[Tally, Tally]] = defaultdict(lambda: (Tally(), Tally()))
    nested = Tally()
    references = Tally()
    outcomes: list[tuple[float, bool]] = []
    features: list[tuple[list[float], bool]] = []
    seconds = 0.0
    routed = 0
    for name in laws:
        draft = load_law(DATA / name)
        docs = article_docs(draft)
        cases = generate(name, docs, per_law, rng)
        started = time.perf_counter()
        router = SectionRouter(docs, segmenter=segmenter)
        proposals = route(router, cases)
        seconds += time.perf_counter() - started
        routed += len(cases)
        baseline = TfidfBaseline(docs).rank([c.text for c in cases])
        for i, case in enumerate(cases):
            ranked = [p.section_id for p in proposals[i]]
            for tallies in (by_kind[case.kind], by_kind["overall"], by_law[name]):
                tallies[0].add(ranked, case.expected)
                tallies[1].add(baseline[i], case.expected)
            if proposals[i]:
                outcomes.append((proposals[i][0].confidence, ranked[0] == case.expected))
            if fit:
                features += [
                    (f, sid == case.expected) for sid, f in candidate_features(router, case.text)
                ]
        hierarchical = SectionRouter(all_docs(draft), segmenter=segmenter)
        found = route(hierarchical, cases)
        for i, case in enumerate(cases):
            nested.add([p.section_id for p in found[i]], subtree(draft, case.expected))
        ref_cases = reference_cases(name, draft, per_law, rng)
        ref_found = route(hierarchical, ref_cases)
        for i, case in enumerate(ref_cases):
            references.add([p.section_id for p in ref_found[i]], case.expected)
    overall = by_kind.pop("overall")
    print_table("By perturbation (routed against each law's Điều sections)", dict(by_kind))
    print_table("By law", dict(by_law))
    print_table("Overall", {"all": overall})
    print(
        f"\nAgainst all sections (Chương/Điều/Khoản, own texts, parents given): "
        f"n={nested.total} top1 {nested.row()[:6].strip()} top3 {nested.row()[7:].strip()} "
        f"(hit = the Điều or one of its sub-sections)"
    )
    print(
        f"With explicit references (against all sections): n={references.total} "
        f"top1 {references.row()[:6].strip()}"
    )
    print("\nTop-1 confidence calibration (bin, n, mean confidence, accuracy):")
    for label, count, mean, accuracy in calibration_rows(outcomes):
        print(f"  {label}  {count:5d}  {mean:.3f}  {accuracy:.3f}")
    print(
        f"\nykien router ({segmenter}): {routed} opinions routed in {seconds:.1f} s "
        "(index build included)"
    )
    if fit:
        fit_calibration(features)


def main(argv: Sequence[str] | None = None, *, out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-law", type=int, default=40, help="articles sampled per law")
    parser.add_argument("--laws", default=",".join(LAWS), help="comma-separated file names")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--fit", action="store_true", help="print fitted calibration weights")
    parser.add_argument("--segmenter", default="pyvi", help="pyvi (default) or syllables")
    args = parser.parse_args(argv)
    laws = [name for name in args.laws.split(",") if (DATA / name).exists()]
    if not laws:
        out(f"{DATA} is not available (third-party data lives beside the repo): nothing to do.")
        return 0
    evaluate(laws, args.per_law, args.seed, args.fit, args.segmenter)
    return 0


if __name__ == "__main__":
    sys.exit(main())
