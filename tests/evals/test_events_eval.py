"""The scoring functions of evals.events, on tiny made-up proposals and gold labels."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from evals import events
from evals.events import (
    GOLD_DIR,
    HELDOUT_DIR,
    MINUTES_DIR,
    MINUTES_HELDOUT_DIR,
    Score,
    baseline_items,
    gold_from_json,
    match_items,
    proposal_items,
    score_article,
    span_similarity,
    total_scores,
)
from tests.conftest import shared_data


@dataclass
class Mention:
    text: str
    start: int = 0
    end: int = 0


@dataclass
class DateMention:
    mention: Mention
    day: int | None
    month: int | None
    year: int | None = None
    hour: int | None = None
    minute: int | None = None


@dataclass
class PersonMention:
    name: Mention
    titles: tuple[Mention, ...] = ()
    honorific: str = ""


@dataclass
class Proposal:
    text: str = ""
    people: list[PersonMention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    organisations: list[Mention] = field(default_factory=list)
    drafts: list[Mention] = field(default_factory=list)
    opinions: list[Mention] = field(default_factory=list)
    recommendations: list[Mention] = field(default_factory=list)
    resolutions: list[Mention] = field(default_factory=list)


GOLD = gold_from_json(
    {
        "file": "made-up.txt",
        "dates": [{"day": 12, "month": 5, "year": None, "hour": 8, "minute": 0}],
        "people": [
            {"name": "Nguyễn Văn An", "titles": ["Thành ủy viên", "Bí thư Đảng ủy Khối"]},
            {"name": "Trần Thị Bình", "titles": [["Phó Chủ tịch UBND TP", "Phó Chủ tịch"]]},
        ],
        "organisations": [["Bộ VHTTDL", "Bộ Văn hóa, Thể thao và Du lịch"], "Hội Cựu chiến binh"],
        "drafts": ["dự thảo Luật Quy hoạch"],
        "opinions": ["cần quy định rõ trách nhiệm của cơ quan soạn thảo trong việc công khai"],
        "recommendations": ["đề nghị Ban Thường vụ chuyển các ý kiến lên Tiểu ban Văn kiện"],
        "resolutions": ["Nghị quyết số 18-NQ/ĐUK ngày 16/01/2019"],
    }
)


def test_score_precision_recall_f1() -> None:
    score = Score(tp=3, fp=1, fn=3)
    assert score.precision == pytest.approx(0.75)
    assert score.recall == pytest.approx(0.5)
    assert score.f1 == pytest.approx(0.6)
    assert Score().f1 == 0.0


def test_people_match_on_name_key_only() -> None:
    matching = match_items(
        ["nguyen van an", "Nguyễn Văn Ân"],
        GOLD.items["people"],
        similarity=events.name_similarity,
        threshold=100.0,
    )
    # diacritics and case are ignored; a different tone on the same letters is the same key
    assert len(matching.hits) == 1
    assert [gold[0] for gold in matching.misses] == ["Trần Thị Bình"]
    assert matching.score == Score(tp=1, fp=0, fn=1, dup=1)


def test_matching_is_one_to_one_and_best_first() -> None:
    gold = [("dự thảo Luật Quy hoạch",), ("dự thảo Luật Đất đai",)]
    matching = match_items(
        ["dự thảo Luật Đất đai (sửa đổi)", "dự thảo Luật Quy hoạch", "dự thảo Luật Quy hoạch"],
        gold,
        similarity=events.fuzzy_similarity,
        threshold=85.0,
    )
    assert sorted((item, hit[0]) for item, hit, _ in matching.hits) == [
        ("dự thảo Luật Quy hoạch", "dự thảo Luật Quy hoạch"),
        ("dự thảo Luật Đất đai (sửa đổi)", "dự thảo Luật Đất đai"),
    ]
    assert matching.duplicates == ["dự thảo Luật Quy hoạch"]
    assert matching.score == Score(tp=2, fp=0, fn=0, dup=1)


def test_gold_alternatives_accept_any_spelling() -> None:
    matching = match_items(
        ["Bộ Văn hoá, Thể thao và Du lịch", "Hội Nông dân"],
        GOLD.items["organisations"],
        similarity=events.fuzzy_similarity,
        threshold=85.0,
    )
    assert matching.score == Score(tp=1, fp=1, fn=1)


def test_span_similarity_tolerates_small_edits_but_not_fragments() -> None:
    gold = "cần quy định rõ trách nhiệm của cơ quan soạn thảo trong việc công khai"
    assert span_similarity("Cần quy định rõ trách nhiệm của cơ quan soạn thảo.", gold) >= 70
    assert span_similarity("cơ quan soạn thảo", gold) == 0.0
    whole_paragraph = f"Ông A cho rằng {gold}. " + "Ngoài ra còn nhiều ý kiến khác nữa. " * 5
    assert span_similarity(whole_paragraph, gold) == 0.0


def test_titles_need_the_same_person() -> None:
    predicted = [
        ("Nguyễn Văn An", "Thành ủy viên"),
        ("Trần Thị Bình", "Bí thư Đảng ủy Khối"),
        ("Trần Thị Bình", "Phó Chủ tịch UBND thành phố"),
    ]
    matching = match_items(
        predicted, GOLD.items["titles"], similarity=events.title_similarity, threshold=85.0
    )
    # Bình's second title matches the gold alternative "Phó Chủ tịch"; her first is An's title
    assert matching.score == Score(tp=2, fp=1, fn=1)
    assert matching.extras == [("Trần Thị Bình", "Bí thư Đảng ủy Khối")]


def test_dates_ignore_year_only_when_gold_has_none() -> None:
    predicted = [(12, 5, 2017), (13, 5, None)]
    matching = match_items(
        predicted, GOLD.items["dates"], similarity=events.date_similarity, threshold=100.0
    )
    assert matching.score == Score(tp=1, fp=1, fn=0)
    with_year = gold_from_json({"file": "x", "dates": [{"day": 12, "month": 5, "year": 2019}]})
    matching = match_items(
        [(12, 5, 2017)], with_year.items["dates"], similarity=events.date_similarity, threshold=100
    )
    assert matching.score == Score(tp=0, fp=1, fn=1)


def test_score_article_from_an_extractor_like_proposal() -> None:
    proposal = Proposal(
        people=[
            PersonMention(
                Mention("Nguyễn Văn An"),
                (Mention("Thành ủy viên"), Mention("Bí thư Đảng ủy Khối Cơ quan")),
            )
        ],
        dates=[DateMention(Mention("ngày 12/5"), 12, 5)],
        organisations=[Mention("Bộ VHTTDL")],
        drafts=[Mention("Dự thảo Luật Quy hoạch")],
        opinions=[Mention("cần quy định rõ trách nhiệm của cơ quan soạn thảo trong công khai")],
        recommendations=[Mention("Chúng tôi đề nghị xem xét lại toàn bộ dự án")],
        resolutions=[Mention("Nghị quyết số 18-NQ/ĐUK")],
    )
    result = score_article(proposal_items(proposal), GOLD)
    totals = total_scores([result])
    assert totals["people"] == Score(tp=1, fp=0, fn=1)
    assert totals["titles"] == Score(tp=2, fp=0, fn=1)
    assert totals["dates"] == Score(tp=1)
    assert totals["organisations"] == Score(tp=1, fp=0, fn=1)
    assert totals["drafts"] == Score(tp=1)
    assert totals["opinions"] == Score(tp=1)
    assert totals["recommendations"] == Score(tp=0, fp=1, fn=1)
    assert totals["resolutions"] == Score(tp=1)
    assert totals["micro"] == Score(tp=8, fp=1, fn=4)


def test_empty_proposal_scores_zero_recall() -> None:
    totals = total_scores([score_article(proposal_items(Proposal()), GOLD)])
    assert totals["micro"].tp == 0
    assert totals["micro"].fn == sum(len(items) for items in GOLD.items.values())


def test_baseline_finds_dates_and_drafts() -> None:
    items = baseline_items(
        "Sáng 12/5, góp ý dự thảo Luật Quy hoạch. Ông Nguyễn Văn An cho rằng ổn."
    )
    assert (12, 5, None) in items["dates"]
    assert "dự thảo Luật Quy hoạch" in items["drafts"]
    assert "Nguyễn Văn An" in items["people"]


def test_gold_files_are_well_formed_and_verbatim() -> None:
    """Every labelled string occurs in its article (so spans can be found and highlighted)."""
    news = shared_data("vn-news", "data")
    paths = sorted(GOLD_DIR.glob("*.json"))
    assert len(paths) >= 30
    heldout = sorted((GOLD_DIR / "heldout").glob("*.json"))
    assert heldout and not {p.name for p in heldout} & {p.name for p in paths}
    paths += heldout
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["file"] == f"{path.stem}.txt"
        assert data["kind"] in (None, "seminar", "conference", "dialogue", "supervision")
        text = events.nfc((news / data["file"]).read_text(encoding="utf-8"))
        for spellings in _labelled_strings(data):
            for spelling in spellings:
                assert spelling in text, (path.name, spelling)


def _labelled_strings(data: dict[str, object]) -> list[list[str]]:
    found: list[list[str]] = []

    def add(value: object) -> None:
        found.append(list(value) if isinstance(value, list) else [str(value)])

    for person in data["people"]:  # type: ignore[attr-defined]
        add(person["name"])
        for title in person["titles"]:
            add(title)
    for name in ("organisations", "drafts", "opinions", "recommendations", "resolutions"):
        for value in data[name]:  # type: ignore[attr-defined]
            add(value)
    return found


def test_program_exits_cleanly_without_data(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the shared data the news articles are skipped and the minutes still scored."""
    monkeypatch.setattr(events, "NEWS_DIR", tmp_path / "absent")
    monkeypatch.setattr(events, "_load_extractor", lambda: None)
    monkeypatch.setattr(events, "_frozen_extractor", lambda: None)
    assert events.main([]) == 0
    out = capsys.readouterr().out
    assert "not available" in out
    assert "article missing" not in out and "text missing" not in out
    dev_minutes = len(list(MINUTES_DIR.glob("*.json")))
    held_minutes = len(list(MINUTES_HELDOUT_DIR.glob("*.json")))
    assert f"=== dev: {dev_minutes} gold documents (0 news, {dev_minutes} minutes)" in out
    assert f"=== held-out: {held_minutes} gold documents (0 news, {held_minutes} minutes)" in out
    assert "  micro minutes" in out and "  micro news" not in out


def test_gold_set_size_and_splits() -> None:
    """At least 100 documents, 20 of them minutes; no document in both splits."""
    news_dev = {p.name for p in GOLD_DIR.glob("*.json")}
    news_held = {p.name for p in HELDOUT_DIR.glob("*.json")}
    minutes_dev = {p.name for p in MINUTES_DIR.glob("*.json")}
    minutes_held = {p.name for p in MINUTES_HELDOUT_DIR.glob("*.json")}
    assert len(news_dev | news_held | minutes_dev | minutes_held) >= 100
    assert len(minutes_dev) + len(minutes_held) >= 20
    assert minutes_dev and minutes_held and news_held
    assert not news_dev & news_held and not minutes_dev & minutes_held
    splits = events.load_splits()
    assert {gold.source for gold in splits["dev"]} == {"news", "minutes"}
    assert {gold.source for gold in splits["held-out"]} == {"news", "minutes"}


def test_minutes_gold_is_well_formed_and_verbatim() -> None:
    """Minutes are in the repository: every label is checked without the shared data."""
    paths = sorted(MINUTES_DIR.glob("*.json")) + sorted(MINUTES_HELDOUT_DIR.glob("*.json"))
    assert paths
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["source"] == "minutes" and data["file"] == f"{path.stem}.txt", path.name
        assert data["kind"] in (None, "seminar", "conference", "dialogue", "supervision")
        raw = (path.parent / data["file"]).read_text(encoding="utf-8")
        assert raw == events.nfc(raw), path.name
        assert data["dates"] and all(
            1 <= d["day"] <= 31 and 1 <= d["month"] <= 12 for d in data["dates"]
        )
        for spellings in _labelled_strings(data):
            for spelling in spellings:
                assert spelling in raw, (path.name, spelling)
        gold = events.gold_from_json(data, path.parent)
        assert gold.source == "minutes" and gold.text_path == path.parent / data["file"]


def test_gold_from_json_checks_the_source() -> None:
    with pytest.raises(ValueError, match="unknown source"):
        gold_from_json({"file": "x.txt", "source": "blog"})
    with pytest.raises(ValueError, match="beside their labels"):
        gold_from_json({"file": "../x.txt", "source": "minutes"}, MINUTES_DIR)
    news = gold_from_json({"file": "x.txt"}, GOLD_DIR)
    assert news.source == "news" and news.text_path is None


def test_ties_go_to_the_closest_spelling() -> None:
    gold = [("Thanh tra Chính phủ",), ("Chính phủ",)]
    matching = match_items(
        ["Chính phủ", "Thanh tra Chính phủ"],
        gold,
        similarity=events.fuzzy_similarity,
        threshold=85.0,
    )
    assert sorted((item, hit[0]) for item, hit, _ in matching.hits) == [
        ("Chính phủ", "Chính phủ"),
        ("Thanh tra Chính phủ", "Thanh tra Chính phủ"),
    ]
