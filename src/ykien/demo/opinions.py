"""Deterministic generator of realistic Vietnamese opinions on a draft, for the demo.

Opinions are composed from templates per kind, filled with phrases of a handful of topics so
that themes emerge; a few near-duplicate petition campaigns are mixed in, and some opinions use
the other tone placement ("hoà", "uỷ") or are typed without diacritics, as real people do.
Everything is drawn from the caller's seeded ``random.Random``: same seed, same opinions.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from ykien.demo.phrases import (
    AGENCIES,
    ARGUED_KINDS,
    CAMPAIGN_CLOSERS,
    CAMPAIGNS,
    CLOSERS,
    DEPTS,
    EXTRA_SENTENCE_WEIGHTS,
    FEMALE_GIVEN,
    FEMALE_MIDDLE,
    GENERAL_SHARE,
    KIND_WEIGHTS,
    MALE_GIVEN,
    MALE_MIDDLE,
    NO_DIACRITICS_SHARE,
    OTHER_TONE_SHARE,
    PRAISE,
    SUPPORT_ACTION,
    SUPPORT_AGREE,
    SUPPORT_ALL,
    SUPPORT_DELETE,
    SUPPORT_ISSUE,
    SURNAMES,
    TEMPLATES,
    THANKS,
    TITLES,
    TOPICS,
    VAGUE,
    Campaign,
    Topic,
)

T = TypeVar("T")

KINDS: tuple[str, ...] = (
    "comment",
    "amend",
    "add",
    "delete",
    "agree",
    "disagree",
    "recommendation",
    "question",
)


@dataclass(frozen=True, slots=True)
class DemoOpinion:
    """One opinion as a participant or a secretary would enter it."""

    section_ref: str | None
    quote: str | None
    text: str
    kind: str
    proposed_wording: str | None
    author_name: str
    author_title: str


@dataclass(frozen=True, slots=True)
class _Author:
    name: str
    title: str
    org: str
    dept: str


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _pick_weighted(rng: random.Random, items: Sequence[tuple[T, int]]) -> T:
    values = [value for value, _ in items]
    weights = [weight for _, weight in items]
    return rng.choices(values, weights=weights, k=1)[0]


def strip_diacritics(text: str) -> str:
    """Text as typed on a keyboard without Vietnamese input: "Đảng ủy" -> "Dang uy"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return _nfc("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def _tone_pairs() -> dict[str, str]:
    """Map the classic tone placement ("hòa", "ủy") to the new one ("hoà", "uỷ")."""
    pairs: dict[str, str] = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for mark in "\u0300\u0301\u0309\u0303\u0323":
            for a, b in ((first, second), (first.upper(), second), (first.upper(), second.upper())):
                classic = _nfc(a + mark) + b
                new = a + _nfc(b + mark)
                pairs[classic] = new
    return pairs


_TONE_PAIRS = _tone_pairs()
# Only at the end of a syllable ("hòa" but not "hoàn"), and not after q ("quý" stays).
_TONE_RE = re.compile(
    "(?<![qQ])(" + "|".join(sorted(_TONE_PAIRS, key=len, reverse=True)) + r")(?![^\W\d_])"
)


def other_tone_placement(text: str) -> str:
    """Rewrite "hòa", "thủy", "ủy" to "hoà", "thuỷ", "uỷ" (both spellings are in real use)."""
    return _TONE_RE.sub(lambda m: _TONE_PAIRS[m.group(1)], text)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _random_name(rng: random.Random) -> str:
    surname = _pick_weighted(rng, SURNAMES)
    middles, givens = (
        (MALE_MIDDLE, MALE_GIVEN) if rng.random() < 0.5 else (FEMALE_MIDDLE, FEMALE_GIVEN)
    )
    middle = rng.choice(middles)
    given = rng.choice([name for name in givens if name not in middle.split()])
    return f"{surname} {middle} {given}"


def _fill_title(template: str, *, agency: str, dept: str) -> str:
    dept_lower = dept[:1].lower() + dept[1:] if dept.startswith("Phòng") else dept
    return template.format(agency=agency, dept=dept, dept_lower=dept_lower)


def _random_author(rng: random.Random, title_templates: Sequence[str] | None = None) -> _Author:
    agency = rng.choice(AGENCIES)
    dept = rng.choice(DEPTS)
    if dept == "Văn phòng" and agency.startswith("Văn phòng"):
        dept = "Phòng Tổng hợp"
    if title_templates is None:
        template = _pick_weighted(rng, [(tmpl, weight) for weight, tmpl in TITLES])
        if "Giám đốc" in template and not agency.startswith("Sở"):
            template = "chuyên viên chính {dept}, {agency}"
        if "{dept_lower}" in template and not dept.startswith("Phòng"):
            template = "Chánh Văn phòng {agency}"
    else:
        template = rng.choice(title_templates)
    title = _fill_title(template, agency=agency, dept=dept)
    return _Author(name=_random_name(rng), title=title, org=agency, dept=dept)


def _as_written(rng: random.Random, ref: str) -> str:
    """A section reference the way people type it: "khoản 2 Điều 5", "Mục 2, Phần I"."""
    words = ref.split()
    if words and words[0].lower() in {"khoản", "điểm", "tiểu"}:
        words[0] = words[0].lower()
    roll = rng.random()
    if roll < 0.12 and len(words) == 4:
        return f"{words[0]} {words[1]}, {words[2]} {words[3]}"
    if roll < 0.2:
        return " ".join(_lower_first(word) if not word.isupper() else word for word in words)
    return " ".join(words)


def _where(rng: random.Random, ref: str | None) -> str:
    if ref is None:
        return rng.choice(("trong dự thảo", "trong toàn bộ dự thảo", "của dự thảo"))
    if rng.random() < 0.5:
        return rng.choice(("tại", "ở", "thuộc")) + " " + ref
    return rng.choice(("ở phần này", "tại phần này", "trong đoạn này", "ở mục này"))


def _compose(
    rng: random.Random,
    *,
    kind: str,
    topic: Topic,
    ref: str | None,
    author: _Author,
) -> tuple[str, str | None]:
    """Return the opinion text and, for amend/add, the proposed wording."""
    wording = rng.choice(topic.wordings)
    issue, action = rng.choice(topic.issues), rng.choice(topic.actions)
    slots = {
        "topic": topic.name,
        "issue": issue,
        "issue2": _other(rng, topic.issues, issue),
        "action": action,
        "action2": _other(rng, topic.actions, action),
        "wording": wording,
        "where": _where(rng, ref),
        "org": author.org,
        "dept": author.dept,
        "vague": rng.choice(VAGUE),
        "praise": rng.choice(PRAISE),
    }
    sentences = [_capitalize(rng.choice(TEMPLATES[kind]).format(**slots))]
    extra = rng.choices(range(len(EXTRA_SENTENCE_WEIGHTS)), weights=EXTRA_SENTENCE_WEIGHTS)[0]
    pool = _support_pool(rng, kind, topic)
    closing = min(extra, rng.choice((0, 1, 1, 2)))
    supporting = min(extra - closing, len(pool))
    sentences += [_capitalize(s.format(**slots)) for s in rng.sample(pool, k=supporting)]
    if closing == 2:
        sentences += [rng.choice(CLOSERS), rng.choice(THANKS)]
    elif closing == 1:
        sentences.append(rng.choice(CLOSERS if rng.random() < 0.7 else THANKS))
    proposed = wording if kind in {"amend", "add"} else None
    return " ".join(sentences), proposed


def _support_pool(rng: random.Random, kind: str, topic: Topic) -> list[str]:
    """Sentences that may follow the main one; one phrasing each of issue2 and action2."""
    if kind in ARGUED_KINDS:
        by_issue, by_action = rng.choice(SUPPORT_ISSUE), rng.choice(SUPPORT_ACTION)
        return [*topic.facts, by_issue, by_action, *SUPPORT_ALL]
    if kind == "question":
        return [*topic.facts, *SUPPORT_ALL]
    if kind == "delete":
        return [*SUPPORT_DELETE, *SUPPORT_ALL]
    return [*SUPPORT_AGREE, *SUPPORT_ALL]


def _other(rng: random.Random, options: Sequence[str], taken: str) -> str:
    """A phrase from options other than taken, when there is one."""
    rest = [option for option in options if option != taken]
    return rng.choice(rest) if rest else taken


def _scribble(rng: random.Random, text: str) -> str:
    """Some people type without diacritics or with the other tone placement."""
    roll = rng.random()
    if roll < NO_DIACRITICS_SHARE:
        text = strip_diacritics(text)
        if rng.random() < 0.5:
            text = text[:1].lower() + text[1:].rstrip(".")
        return text
    if roll < NO_DIACRITICS_SHARE + OTHER_TONE_SHARE:
        return other_tone_placement(text)
    return text


def _ordinary_opinion(rng: random.Random, refs: Sequence[tuple[str, int]]) -> DemoOpinion:
    author = _random_author(rng)
    kind = _pick_weighted(rng, KIND_WEIGHTS)
    ref = None
    if refs and rng.random() >= GENERAL_SHARE:
        ref = _as_written(rng, _pick_weighted(rng, refs))
    topic = _pick_weighted(rng, [(topic, topic.weight) for topic in TOPICS])
    text, proposed = _compose(rng, kind=kind, topic=topic, ref=ref, author=author)
    return DemoOpinion(
        section_ref=ref,
        quote=None,
        text=_scribble(rng, text),
        kind=kind,
        proposed_wording=proposed,
        author_name=author.name,
        author_title=author.title,
    )


def _variant(rng: random.Random, options: Sequence[str]) -> str:
    """Most copies keep the petition's own wording (the first option); some change a phrase."""
    return options[0] if rng.random() < 0.6 else rng.choice(options)


def _campaign_copies(
    rng: random.Random, campaign: Campaign, *, size: int, ref: str | None
) -> list[DemoOpinion]:
    copies: list[DemoOpinion] = []
    for _ in range(size):
        author = _random_author(rng, campaign.titles)
        opener = rng.choice(campaign.openers).format(agency=author.org, dept=author.dept)
        body = "".join(_variant(rng, segment) for segment in campaign.body)
        wording = "".join(_variant(rng, segment) for segment in campaign.wording)
        parts = [_capitalize(opener + body + wording)]
        parts += [_variant(rng, campaign.reasons), _variant(rng, CAMPAIGN_CLOSERS)]
        text = " ".join(part for part in parts if part).replace(" ,", ",")
        roll = rng.random()
        if roll < 0.08:
            text = strip_diacritics(text)
        elif roll < 0.18:
            text = other_tone_placement(text)
        elif roll < 0.25:
            text = text.rstrip(".")
        copy_ref = ref if rng.random() < 0.8 else None
        copies.append(
            DemoOpinion(
                section_ref=copy_ref,
                quote=None,
                text=text,
                kind=campaign.kind,
                proposed_wording=wording.strip("“”") if wording else None,
                author_name=author.name,
                author_title=author.title,
            )
        )
    return copies


def _campaign_sizes(rng: random.Random, count: int) -> list[int]:
    """Three campaigns of 10-25 copies each, shrunk to about a sixth of the total at most."""
    budget = count // 6
    if budget < 6:
        return []
    share = budget // len(CAMPAIGNS)
    return [max(2, min(rng.randint(10, 25), share)) for _ in CAMPAIGNS]


def _section_weights(rng: random.Random, section_refs: Sequence[str]) -> list[tuple[str, int]]:
    """Some sections draw many more opinions than others: a shuffled, Zipf-like weighting."""
    shuffled = list(dict.fromkeys(section_refs))
    rng.shuffle(shuffled)
    return [(ref, max(1, round(100 / (rank + 1) ** 0.7))) for rank, ref in enumerate(shuffled)]


def _nfc_opinion(opinion: DemoOpinion) -> DemoOpinion:
    def norm(value: str | None) -> str | None:
        return None if value is None else _nfc(value)

    return DemoOpinion(
        section_ref=norm(opinion.section_ref),
        quote=norm(opinion.quote),
        text=_nfc(opinion.text),
        kind=opinion.kind,
        proposed_wording=norm(opinion.proposed_wording),
        author_name=_nfc(opinion.author_name),
        author_title=_nfc(opinion.author_title),
    )


def generate_opinions(
    rng: random.Random, *, count: int, section_refs: Sequence[str]
) -> list[DemoOpinion]:
    """Return `count` opinions on the given sections, all drawn from `rng` (same seed, same list).

    About 15% are general (no section); a few campaigns of near-identical petitions are mixed in.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    refs = _section_weights(rng, section_refs)
    opinions: list[DemoOpinion] = []
    for campaign, size in zip(CAMPAIGNS, _campaign_sizes(rng, count), strict=False):
        ref = _as_written(rng, rng.choice(section_refs)) if section_refs else None
        opinions += _campaign_copies(rng, campaign, size=size, ref=ref)
    while len(opinions) < count:
        opinions.append(_ordinary_opinion(rng, refs))
    rng.shuffle(opinions)
    return [_nfc_opinion(opinion) for opinion in opinions[:count]]
