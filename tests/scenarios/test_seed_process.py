"""The seed process across levels, through the web app, on SQLite and on PostgreSQL: at every
organisation and level the counts shown equal the de-duplicated union of the opinions beneath
(computed here from what the story submitted), each subcommittee receives exactly its draft's
opinions for its sections, and each participant's trace shows the decision."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.factories import World
from tests.scenarios.story import Given, Http, Story, iter_units, queue_opinions, tell

# what each subcommittee must receive: the labels of the sections the opinions were given on
COVERS = {
    "Tiểu ban Văn kiện TW": {"Điều 1", "Điều 2"},
    "Tiểu ban Tổ chức TW": {"Điều 3", "Điều 4"},
    "Tiểu ban Văn kiện Thành phố": {"Mục 1 Phần I", "Mục 3 Phần II"},
    "Tiểu ban Văn kiện Khối": {"Điều 1", "Điều 2", "Điều 3", "Điều 4"},
}


def test_the_seed_process_across_levels(
    client: TestClient, fresh_engine: Engine, web_world: World
) -> None:
    """The whole story once per database, then every check on what it left."""
    http = Http(client)
    told = http, tell(http, fresh_engine, web_world)
    check_counts_at_every_organisation(told)
    check_each_subcommittee_received_exactly_its_drafts_opinions(told)
    check_each_participants_trace(told)


def _in(story: Story, cons: str) -> list[Given]:
    return [g for g in story.given if g.consultation_id == story.cons[cons]]


def _label(story: Story, given: Given) -> str | None:
    labels = {i: label for label, i in story.sections[given.draft].items()}
    return labels.get(given.section_id) if given.section_id else None


def check_counts_at_every_organisation(told: tuple[Http, Story]) -> None:
    http, story = told
    http.as_("thuky")
    for cons in ("bloc", "bloc-centre", "bloc-city"):
        beneath = _in(story, cons)
        assert beneath, cons
        for unit in iter_units(story):
            expected = {g.id for g in beneath if story.org[unit] in g.orgs}
            sid = story.unit_syntheses[(cons, story.org[unit])]
            totals = http.get(f"/api/v1/syntheses/{sid}")["totals"]["total"]
            assert (totals["raw"], totals["unique"]) == (len(expected),) * 2, (cons, unit)
        bloc = http.get(f"/api/v1/syntheses/{story.bloc_syntheses[cons]}")["totals"]["total"]
        # one seminar line counts for its speaker's unit and its organiser: once for the bloc
        assert (bloc["raw"], bloc["unique"]) == (len(beneath),) * 2, cons
        units = http.get(
            f"/api/v1/consultations/{story.cons[cons]}/syntheses",
            params={"organisation_id": story.org["bloc"]},
        )
        assert units["unit"]["reached"]["raw"] == len(beneath) and units["pending_total"] == 0
        reached = {row["organisation_id"]: row["reached"]["raw"] for row in units["children"]}
        for unit in iter_units(story):
            assert reached[story.org[unit]] == len(
                {g.id for g in beneath if story.org[unit] in g.orgs}
            )
        levels = http.get(f"/api/v1/consultations/{story.cons[cons]}/levels")
        assert levels["counts"] == {"direct": len(beneath), "forwarded": 0, "total": len(beneath)}
    for owner, secretary in (("centre", "thukytw"), ("city", "thukytp")):
        http.as_(secretary)
        direct, forwarded = len(_in(story, owner)), len(_in(story, f"bloc-{owner}"))
        levels = http.get(f"/api/v1/consultations/{story.cons[owner]}/levels")
        assert levels["counts"] == {
            "direct": direct,
            "forwarded": forwarded,
            "total": direct + forwarded,
        }, owner
        [child] = levels["children"]
        assert child["id"] == story.cons[f"bloc-{owner}"]
        assert child["counts"]["direct"] == forwarded and child["items_answered"] > 0
        assert child["items_answered"] == child["items_forwarded"]


def check_each_subcommittee_received_exactly_its_drafts_opinions(told: tuple[Http, Story]) -> None:
    http, story = told
    for name, sub in story.subs.items():
        http.as_(sub["chair"])
        direct, forwarded, _ = queue_opinions(http, sub["id"])
        own = {g.id for g in _in(story, sub["draft"]) if _label(story, g) in COVERS[name]}
        assert direct == own, name
        below = (
            {g.id for g in _in(story, f"bloc-{sub['draft']}") if _label(story, g) in COVERS[name]}
            if sub["draft"] != "bloc"
            else set()
        )
        union = set().union(*forwarded.values())
        assert union == below, name
        # every forwarded opinion reaches this subcommittee through one row only
        assert sum(len(ids) for ids in forwarded.values()) == len(union), name
    every = {g.id for g in story.given}
    reached: set[int] = set()
    for sub in story.subs.values():
        http.as_(sub["chair"])
        direct, forwarded, _ = queue_opinions(http, sub["id"])
        reached |= direct.union(*forwarded.values())
    assert reached == every  # nothing lost between the levels


def check_each_participants_trace(told: tuple[Http, Story]) -> None:
    http, story = told
    authors = sorted({g.author for g in story.given if g.author})
    assert len(authors) >= 5
    for username in authors:
        http.as_(username)
        traces = {t["opinion_id"]: t for t in http.get("/api/v1/me/opinions/trace")}
        for given in (g for g in story.given if g.author == username):
            trace = traces[given.id]
            assert trace["decision"] is not None, (username, given)
            assert trace["decision"]["outcome"] == "accepted"
            # given in a child collection: answered by the owning level on the forwarded item
            expected_via = "item" if given.consultation_id in _child_ids(story) else "opinion"
            assert trace["via"] == expected_via, (username, given)


def _child_ids(story: Story) -> set[int]:
    return {story.cons["bloc-centre"], story.cons["bloc-city"]}
