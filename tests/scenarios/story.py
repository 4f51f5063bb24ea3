"""The seed process told through the web app: the centre, the city below it and the bloc below
the city each own a draft; the bloc collects on all three (its own consultation and two child
collections); a joint seminar of the bloc's three mass organisations and online opinions from
members of several units feed unit syntheses, signed and submitted; the bloc's syntheses are
signed and the two child ones forwarded up; each level's subcommittees decide and publish.

Setup that is not the story (people, accounts, roles) goes through the services; the story
goes through HTTP. `Story` keeps what the test submitted, so the checks compute what each
organisation and subcommittee should see independently of the product."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.events.test_collects import REPORT_DRAFT
from tests.factories import SMALL_LAW, World
from tests.web.conftest import PASSWORD, csrf_of
from ykien.accounts import service as accounts
from ykien.db.base import utcnow
from ykien.db.engine import make_session_factory, unit_of_work
from ykien.orgs import service as orgs

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CITY_DRAFT = REPORT_DRAFT.replace("BÁO CÁO CHÍNH TRỊ", "BÁO CÁO CHÍNH TRỊ THÀNH PHỐ")
CENTRE_DRAFT = SMALL_LAW.replace("LUẬT THỬ NGHIỆM", "DỰ THẢO VĂN KIỆN TRUNG ƯƠNG")


@dataclass
class Given:
    """One opinion the story submitted: where it went and whom it counts for."""

    id: int
    draft: str  # "centre", "city" or "bloc": whose draft it is on
    consultation_id: int
    section_id: int | None
    orgs: set[int]  # the author's organisation and the one it is credited to
    author: str | None  # username of an online author (their trace is checked)


@dataclass
class Story:
    world: World
    org: dict[str, int] = field(default_factory=dict)  # centre, city, bloc, units...
    cons: dict[str, int] = field(default_factory=dict)  # centre, city, bloc, bloc-centre, ...
    sections: dict[str, dict[str, int]] = field(default_factory=dict)  # draft -> label -> id
    subs: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> out + draft
    given: list[Given] = field(default_factory=list)
    event_id: int = 0
    unit_syntheses: dict[tuple[str, int], int] = field(default_factory=dict)
    bloc_syntheses: dict[str, int] = field(default_factory=dict)
    decisions: dict[str, list[int]] = field(default_factory=dict)  # consultation -> ids
    people: dict[str, int] = field(default_factory=dict)  # username -> person id


class Http:
    """The client signed in as one person at a time, with that person's CSRF header."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.headers: dict[str, str] = {}

    def as_(self, username: str) -> Http:
        self.client.cookies.clear()
        token = csrf_of(self.client)
        signed = self.client.post(
            "/login",
            data={"username": username, "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert signed.status_code == 303, signed.text
        self.headers = {"X-CSRF-Token": csrf_of(self.client)}
        return self

    def post(self, url: str, expect: int | None = None, extra: dict[str, str] | None = None,
             **kwargs: Any) -> Any:  # fmt: skip
        """The JSON answer of a POST that must succeed (or answer `expect`)."""
        response = self.client.post(url, headers={**self.headers, **(extra or {})}, **kwargs)
        ok = response.status_code == expect if expect else response.is_success
        assert ok, (url, response.status_code, response.text[:800])
        return response.json()

    def get(self, url: str, **kwargs: Any) -> Any:
        response = self.client.get(url, **kwargs)
        assert response.status_code == 200, (url, response.text[:800])
        return response.json()


def _vn(days: int) -> str:
    return (utcnow() + timedelta(days=days)).astimezone(VN).strftime("%d/%m/%Y %H:%M")


def add_people(
    engine: Engine, world: World, story: Story, specs: list[tuple[str, str, str]]
) -> None:
    """Accounts (username, organisation key, role or "member") — setup, through the services."""
    with unit_of_work(make_session_factory(engine)) as session:
        for username, org_key, role in specs:
            org_id = story.org[org_key]
            person = accounts.create_person(
                session=session, full_name=f"Đồng chí {username}", organisation_id=org_id
            )
            accounts.create_account(
                session=session, person_id=person.id, username=username, password=PASSWORD
            )
            if role != "member":
                accounts.grant_role(
                    session=session, person_id=person.id, organisation_id=org_id, role=role
                )
            story.people[username] = person.id


def instance_admin(engine: Engine, world: World) -> None:
    """An admin over every root (the world's bloc and outsider, any other): the instance admin."""
    with unit_of_work(make_session_factory(engine)) as session:
        person = accounts.create_person(
            session=session, full_name="Quản trị hệ thống", organisation_id=world.bloc.id
        )
        accounts.create_account(
            session=session, person_id=person.id, username="quantri", password=PASSWORD
        )
        for root in orgs.roots(session=session):
            accounts.grant_role(
                session=session, person_id=person.id, organisation_id=root.id, role="admin"
            )


def build_levels(http: Http, engine: Engine, world: World) -> Story:
    """The centre (a root, tier Trung ương), the city below it, the bloc moved below the city,
    three mass organisations and three units below the bloc (through the organisations API)."""
    story = Story(world=world)
    instance_admin(engine, world)
    http.as_("quantri")
    centre = http.post(
        "/api/v1/organisations",
        json={"name": "Ban Chấp hành Trung ương", "kind": "party_committee", "tier": "Trung ương"},
    )
    assert centre["parent_id"] is None
    city = http.post(
        "/api/v1/organisations",
        json={"name": "Thành ủy", "kind": "party_committee", "tier": "Tỉnh/Thành phố",
              "parent_id": centre["id"]},
    )  # fmt: skip
    moved = http.post(f"/api/v1/organisations/{world.bloc.id}/move", json={"parent_id": city["id"]})
    assert moved["parent_id"] == city["id"]
    story.org |= {"centre": centre["id"], "city": city["id"], "bloc": world.bloc.id}
    story.org |= {"congdoan": world.unit_b.id, "chibo_tc": world.unit_a.id}
    for key, name, kind in [
        ("doanthanhnien", "Đoàn Thanh niên Khối", "youth_union"),
        ("phunu", "Hội Phụ nữ Khối", "other"),
        ("chibo_xd", "Chi bộ Sở Xây dựng", "party_cell"),
        ("chibo_gd", "Chi bộ Sở Giáo dục", "party_cell"),
    ]:
        made = http.post(
            "/api/v1/organisations", json={"name": name, "kind": kind, "parent_id": world.bloc.id}
        )
        story.org[key] = made["id"]
    add_people(engine, world, story, [
        ("thukytw", "centre", "secretary"), ("chutichtw", "centre", "chair"),
        ("tieubantw", "centre", "subcommittee_member"), ("dangvientw", "centre", "member"),
        ("thukytp", "city", "secretary"), ("chutichtp", "city", "chair"),
        ("dangvientp", "city", "member"), ("chutichkhoi", "bloc", "chair"),
        ("dvxaydung", "chibo_xd", "member"), ("dvgiaoduc", "chibo_gd", "member"),
        ("doanvien", "doanthanhnien", "member"), ("hoivien", "phunu", "member"),
    ])  # fmt: skip
    story.people["dangvien"] = world.member_a
    return story


def _draft_consultation(http: Http, story: Story, key: str, title: str, text: str) -> None:
    draft = http.post(
        "/api/v1/drafts",
        files={"file": (f"{key}.txt", text.encode(), "text/plain")},
        data={"kind": "other", "organisation_id": str(story.org[key])},
    )
    made = http.post(
        "/api/v1/consultations",
        json={"title": title, "draft_version_id": draft["version_id"],
              "organiser_id": story.org[key], "opens_at": _vn(-1), "closes_at": _vn(30),
              "publish": True},
    )  # fmt: skip
    assert made["status"] == "open"
    story.cons[key] = made["id"]
    rows = http.get(f"/api/v1/draft-versions/{draft['version_id']}/sections")
    story.sections[key] = {row["label"]: row["id"] for row in _rows(rows)}


def _rows(body: Any) -> list[dict[str, Any]]:
    return body if isinstance(body, list) else body["sections"]


def _subcommittee(
    http: Http, story: Story, draft: str, name: str, labels: list[str], chair: str,
    members: list[str] = (),  # type: ignore[assignment]
) -> None:  # fmt: skip
    sections = story.sections[draft]
    made = http.post(
        f"/api/v1/consultations/{story.cons[draft]}/subcommittees",
        json={"name": name, "organisation_id": story.org[draft],
              "section_ids": [sections[label] for label in labels],
              "member_ids": [story.people[m] for m in [chair, *members]],
              "chair_id": story.people[chair]},
    )  # fmt: skip
    story.subs[name] = {**made, "draft": draft, "chair": chair}


def build_drafts(http: Http, story: Story) -> None:
    """Three drafts (centre, city, bloc), one consultation each, their subcommittees, and the
    bloc's collections on the centre's and the city's drafts."""
    world = story.world
    http.as_("thukytw")
    _draft_consultation(http, story, "centre", "Lấy ý kiến Văn kiện Trung ương", CENTRE_DRAFT)
    _subcommittee(http, story, "centre", "Tiểu ban Văn kiện TW", ["Điều 1", "Điều 2"],
                  "chutichtw", ["tieubantw"])  # fmt: skip
    _subcommittee(http, story, "centre", "Tiểu ban Tổ chức TW", ["Điều 3", "Điều 4"], "chutichtw")
    http.as_("thukytp")
    _draft_consultation(http, story, "city", "Lấy ý kiến Báo cáo chính trị Thành phố", CITY_DRAFT)
    _subcommittee(http, story, "city", "Tiểu ban Văn kiện Thành phố", ["Phần I", "Phần II"],
                  "chutichtp")  # fmt: skip
    story.cons["bloc"] = world.consultation.id
    story.sections["bloc"] = {s.label: s.id for s in world.sections}
    http.as_("thuky")
    _subcommittee(http, story, "bloc", "Tiểu ban Văn kiện Khối", ["Chương I", "Chương II"],
                  "chutichkhoi")  # fmt: skip
    for parent, what in (
        ("centre", "Văn kiện Trung ương"),
        ("city", "Báo cáo chính trị Thành phố"),
    ):
        child = http.post(
            "/api/v1/consultations",
            json={"title": f"Đảng bộ Khối lấy ý kiến về {what}",
                  "parent_id": story.cons[parent], "organiser_id": world.bloc.id,
                  "opens_at": _vn(-1), "closes_at": _vn(20), "publish": True},
        )  # fmt: skip
        assert child["parent_id"] == story.cons[parent]
        story.cons[f"bloc-{parent}"] = child["id"]
        story.sections[f"bloc-{parent}"] = story.sections[parent]


SEMINAR_LINES = [
    # (draft collected on, section reference, speaker, credited organiser)
    ("bloc", "đ4", "dangvien", "congdoan"),
    ("bloc", "đ1", None, "doanthanhnien"),
    ("bloc-centre", "đ3", None, "phunu"),
    ("bloc-centre", "đ1", "dvxaydung", "congdoan"),
    ("bloc-city", "mục 3 phần II", None, "doanthanhnien"),
    ("bloc-city", "mục 1 phần I", "doanvien", "doanthanhnien"),
]


def create_seminar(http: Http, story: Story) -> None:
    """A joint seminar of the three mass organisations collecting on the bloc's three
    consultations."""
    http.as_("thuky")
    organisers = ["congdoan", "doanthanhnien", "phunu"]
    event = http.post(
        f"/api/v1/consultations/{story.cons['bloc']}/events",
        json={"title": "Tọa đàm liên tịch góp ý các dự thảo", "kind": "seminar",
              "starts_at": _vn(0), "organiser_ids": [story.org[o] for o in organisers],
              "consultation_ids": [story.cons["bloc-centre"], story.cons["bloc-city"]]},
    )  # fmt: skip
    story.event_id = event["id"]


def seminar(http: Http, story: Story) -> None:
    """The seminar's lines, each on its draft and credited to an organiser."""
    create_seminar(http, story)
    for number, (cons, ref, speaker, credit) in enumerate(SEMINAR_LINES):
        body: dict[str, Any] = {
            "text": f"Ý kiến tại tọa đàm số {number + 1} về {ref}.",
            "section_ref": ref,
            "consultation_id": story.cons[cons],
            "credited_organisation_id": story.org[credit],
        }
        if speaker:
            body["speaker_person_id"] = story.people[speaker]
        else:
            body["speaker_name"] = f"Đại biểu {number + 1}"
        made = http.post(f"/api/v1/events/{story.event_id}/opinions", json=body)
        assert made["on_behalf_of_id"] == story.org[credit]
        speaker_org = {_org_of(story, speaker)} if speaker else set()
        story.given.append(
            Given(made["id"], _draft(cons), story.cons[cons], made["section_id"],
                  speaker_org | {story.org[credit]}, None)
        )  # fmt: skip


ONLINE = [
    # (username, organisation key, consultation key, section label)
    ("dangvien", "chibo_tc", "bloc", "Điều 4"),
    ("dangvien", "chibo_tc", "bloc-centre", "Điều 4"),
    ("dangvien", "chibo_tc", "bloc-city", "Mục 3 Phần II"),
    ("dvxaydung", "chibo_xd", "bloc", "Điều 2"),
    ("dvxaydung", "chibo_xd", "bloc-centre", "Điều 2"),
    ("dvgiaoduc", "chibo_gd", "bloc-city", "Mục 1 Phần I"),
    ("dvgiaoduc", "chibo_gd", "bloc-centre", "Điều 3"),
    ("hoivien", "phunu", "bloc", "Điều 3"),
    ("doanvien", "doanthanhnien", "bloc-city", "Mục 1 Phần I"),
    # given directly at the owning levels
    ("dangvientw", "centre", "centre", "Điều 1"),
    ("dangvientp", "city", "city", "Mục 3 Phần II"),
]


def _org_of(story: Story, username: str) -> int:
    return next(story.org[o] for u, o, _, _ in ONLINE if u == username)


def _draft(cons: str) -> str:
    return cons.split("-")[-1]


def online(http: Http, story: Story) -> None:
    """Members of several units give opinions online on the three drafts."""
    for number, (username, org, cons, label) in enumerate(ONLINE):
        http.as_(username)
        section = _label(story, cons, label)
        made = http.post(
            f"/api/v1/consultations/{story.cons[cons]}/opinions",
            json={"text": f"Ý kiến trực tuyến {number + 1} của {username}.",
                  "kind": "comment", "section_id": section},
            extra={"Idempotency-Key": f"truc-tuyen-{number}"},
        )  # fmt: skip
        story.given.append(
            Given(made["id"], _draft(cons), story.cons[cons], section, {story.org[org]}, username)
        )


def _label(story: Story, cons: str, label: str) -> int:
    return story.sections[cons][label]


def iter_units(story: Story) -> Iterator[str]:
    yield from ("congdoan", "doanthanhnien", "phunu", "chibo_tc", "chibo_xd", "chibo_gd")


def syntheses(http: Http, story: Story, *, forward: bool = True) -> None:
    """Every unit's synthesis of each of the bloc's three consultations built, signed and
    submitted; the bloc's own signed; the two child collections' forwarded up."""
    http.as_("thuky")
    for cons in ("bloc", "bloc-centre", "bloc-city"):
        cid = story.cons[cons]
        for unit in iter_units(story):
            made = http.post(
                f"/api/v1/consultations/{cid}/syntheses", json={"organisation_id": story.org[unit]}
            )
            http.post(f"/api/v1/syntheses/{made['id']}/sign-off")
            sent = http.post(f"/api/v1/syntheses/{made['id']}/submit")
            assert sent["status"] == "submitted" and sent["submitted_to_id"] == story.org["bloc"]
            story.unit_syntheses[(cons, story.org[unit])] = made["id"]
        bloc = http.post(
            f"/api/v1/consultations/{cid}/syntheses", json={"organisation_id": story.org["bloc"]}
        )
        signed = http.post(f"/api/v1/syntheses/{bloc['id']}/sign-off")
        assert signed["status"] == "signed_off", signed["status"]
        story.bloc_syntheses[cons] = bloc["id"]
    for cons in ("bloc-centre", "bloc-city") if forward else ():
        done = http.post(f"/api/v1/syntheses/{story.bloc_syntheses[cons]}/forward-up")
        assert done["already"] is False
        again = http.post(f"/api/v1/syntheses/{story.bloc_syntheses[cons]}/forward-up")
        assert again["already"] is True


def queue_opinions(http: Http, sub_id: int) -> tuple[set[int], dict[int, set[int]], Any]:
    """The opinions a subcommittee's queue reaches: those routed to it directly (every page)
    and, per forwarded row, those its drill-down reaches."""
    direct: set[int] = set()
    page = 0
    while True:
        queue = http.get(f"/api/v1/subcommittees/{sub_id}/queue", params={"page": page})
        direct |= {row["target_id"] for row in queue["opinions"]}
        if (page + 1) * 50 >= queue["opinion_total"]:
            break
        page += 1
    forwarded = {
        row["id"]: {
            o["id"]
            for o in http.get(f"/api/v1/subcommittees/{sub_id}/forwarded/{row['id']}")["opinions"]
        }
        for row in queue["forwarded"]
    }
    return direct, forwarded, queue


def decide_and_publish(http: Http, story: Story) -> None:
    """Each subcommittee's chair decides everything in its queue (forwarded items as items),
    approves, and publishes at the consultation."""
    for name, sub in story.subs.items():
        http.as_(sub["chair"])
        _, _, queue = queue_opinions(http, sub["id"])
        targets = [("opinion", row["target_id"]) for row in queue["opinions"]]
        targets += [("item", row["item_id"]) for row in queue["forwarded"]]
        assert targets, name
        made = []
        for target_type, target_id in targets:
            decision = http.post(
                f"/api/v1/subcommittees/{sub['id']}/decisions",
                json={"target_type": target_type, "target_id": target_id,
                      "outcome": "accepted", "explanation": f"{name} tiếp thu."},
            )  # fmt: skip
            http.post(f"/api/v1/decisions/{decision['id']}/approve")
            made.append(decision["id"])
        story.decisions.setdefault(sub["draft"], []).extend(made)
    for draft, ids in story.decisions.items():
        chair = next(s["chair"] for s in story.subs.values() if s["draft"] == draft)
        http.as_(chair)
        published = http.post(
            f"/api/v1/consultations/{story.cons[draft]}/decisions/publish",
            json={"decision_ids": ids},
        )
        assert sorted(published["decision_ids"]) == sorted(ids)


def tell(http: Http, engine: Engine, world: World) -> Story:
    """The whole story, up to publication."""
    story = build_levels(http, engine, world)
    build_drafts(http, story)
    seminar(http, story)
    online(http, story)
    syntheses(http, story)
    decide_and_publish(http, story)
    return story
