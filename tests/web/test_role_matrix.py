"""Every GET route of the app, for every role: allowed or denied as declared below.

A new GET route fails this test until it is added to ACCESS, so no page ships unreviewed.
State-changing routes are covered per domain (test_reader, test_opinions_list, test_secretariat,
test_admin): each checks CSRF and the 403 of the wrong role or unit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.analysis.conftest import (
    CAMPAIGN_VARIANTS,
    MEETING_TOPIC,
    ONLINE_TOPIC,
    add_opinions,
)
from tests.factories import World
from tests.web.browser.support import _walk_routes
from tests.web.conftest import PASSWORD, csrf_of
from ykien.accounts import service as accounts
from ykien.analysis import jobs
from ykien.analysis import service as analysis
from ykien.analysis.models import DuplicateGroup, Theme
from ykien.config import Settings
from ykien.db.engine import make_session_factory, unit_of_work
from ykien.opinions import service as opinions
from ykien.opinions.importer import import_opinions

ROLES = ("anonymous", "participant", "other_unit_secretary", "secretary", "subcommittee", "admin")
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
STAFF = {"other_unit_secretary", "secretary", "subcommittee", "admin"}
BLOC_MANAGERS = {"secretary", "admin"}
# staff whose roles cover the organiser (the bloc): not a secretary of one unit only
ANALYSTS = {"secretary", "subcommittee", "admin"}
# a unit's secretary inside the scope sees the consultation's events and records her own
UNIT_EVENTS = ANALYSTS | {"other_unit_secretary"}
ANY = "any"  # answers without 401/403 checks (redirects, per-session or unknown-token pages)

ACCESS: dict[str, set[str] | str] = {
    "/api/openapi.json": EVERYONE,
    "/api/docs": EVERYONE,
    "/docs/oauth2-redirect": EVERYONE,
    "/login": EVERYONE,
    "/": EVERYONE,
    "/me": ANY,
    "/account": SIGNED_IN,
    "/api/v1/me": SIGNED_IN,
    "/me/opinions": SIGNED_IN,
    "/api/v1/me/opinions": SIGNED_IN,
    "/api/v1/consultations": EVERYONE,
    "/api/v1/consultations/{consultation_id}": EVERYONE,
    "/c/{consultation_id}": EVERYONE,
    "/c/{consultation_id}/received": ANY,
    "/api/v1/consultations/{consultation_id}/sections": EVERYONE,
    "/api/v1/drafts/{draft_id}": EVERYONE,
    "/api/v1/draft-versions/{version_id}/sections": EVERYONE,
    # a draft's secretariat: the web world's draft names no organisation, so any secretariat
    "/secretariat/drafts/{draft_id}": BLOC_MANAGERS | {"other_unit_secretary"},
    "/api/v1/secretariat/drafts/{draft_id}": BLOC_MANAGERS | {"other_unit_secretary"},
    "/secretariat/draft-versions/{version_id}/changes": BLOC_MANAGERS | {"other_unit_secretary"},
    "/api/v1/draft-versions/{version_id}/changes": BLOC_MANAGERS | {"other_unit_secretary"},
    "/c/{consultation_id}/opinions": EVERYONE,
    "/api/v1/consultations/{consultation_id}/opinions": EVERYONE,
    "/api/v1/search": EVERYONE,
    "/c/{consultation_id}/moderation": BLOC_MANAGERS | {"other_unit_secretary"},
    "/api/v1/consultations/{consultation_id}/moderation": BLOC_MANAGERS | {"other_unit_secretary"},
    "/secretariat": STAFF,
    "/api/v1/secretariat/consultations": STAFF,
    "/secretariat/consultations/new": BLOC_MANAGERS | {"other_unit_secretary"},
    "/c/{consultation_id}/import": BLOC_MANAGERS,
    "/c/{consultation_id}/import/{batch_id}/report": BLOC_MANAGERS | {"subcommittee"},
    "/admin/organisations": {"admin"},
    "/admin/organisations/{organisation_id}": {"admin"},
    "/admin/organisations/{organisation_id}/edit": {"admin"},
    "/api/v1/organisation-tiers": STAFF,
    "/api/v1/organisations": STAFF,
    "/api/v1/organisations/{organisation_id}/members": {"admin"},
    "/api/v1/organisations/{organisation_id}/forward-up": BLOC_MANAGERS,
    "/organisations/{organisation_id}/forward-up": BLOC_MANAGERS,
    "/invite/{token}": ANY,
    "/opinions/{opinion_id}": ANY,  # by the consultation's policy: tests/web/test_opinions_list.py
    "/api/v1/opinions/{opinion_id}": ANY,
    "/c/{consultation_id}/analysis": ANALYSTS,
    "/c/{consultation_id}/analysis/progress": ANALYSTS,
    "/c/{consultation_id}/analysis/campaigns": ANALYSTS,
    "/c/{consultation_id}/analysis/themes": ANALYSTS,
    "/c/{consultation_id}/analysis/proposals": ANALYSTS,
    "/analysis/campaigns/{group_id}": ANALYSTS,
    "/analysis/themes/{theme_id}": ANALYSTS,
    "/api/v1/consultations/{consultation_id}/analysis": ANALYSTS,
    "/api/v1/consultations/{consultation_id}/analysis/campaigns": ANALYSTS,
    "/api/v1/consultations/{consultation_id}/analysis/themes": ANALYSTS,
    "/api/v1/analysis/runs/{run_id}": ANALYSTS,
    "/api/v1/analysis/campaigns/{group_id}": ANALYSTS,
    "/api/v1/invitations/{token}": ANY,
    "/c/{consultation_id}/events": UNIT_EVENTS,
    "/c/{consultation_id}/events/new": BLOC_MANAGERS | {"other_unit_secretary"},
    "/c/{consultation_id}/events/ingest": BLOC_MANAGERS,
    "/c/{consultation_id}/submissions/new": BLOC_MANAGERS,
    "/c/{consultation_id}/lookup/people": UNIT_EVENTS,
    "/c/{consultation_id}/lookup/sections": UNIT_EVENTS,
    "/events/{event_id}": UNIT_EVENTS,
    "/events/{event_id}/lookup/sections": BLOC_MANAGERS,
    "/events/{event_id}/edit": BLOC_MANAGERS,
    "/events/{event_id}/entry": BLOC_MANAGERS,
    "/event-reports/{report_id}": BLOC_MANAGERS,
    "/submissions/{submission_id}": BLOC_MANAGERS,
    "/recommendations": STAFF,
    "/recommendations/{recommendation_id}": ANALYSTS,
    "/api/v1/consultations/{consultation_id}/events": UNIT_EVENTS,
    "/api/v1/consultations/{consultation_id}/lookup/people": UNIT_EVENTS,
    "/api/v1/consultations/{consultation_id}/lookup/sections": UNIT_EVENTS,
    "/api/v1/events/{event_id}": UNIT_EVENTS,
    "/api/v1/event-reports/{report_id}": BLOC_MANAGERS,
    "/api/v1/submissions/{submission_id}": BLOC_MANAGERS,
    "/api/v1/recommendations": STAFF,
    "/c/{consultation_id}/subcommittees": ANALYSTS,
    "/subcommittees/{subcommittee_id}": ANALYSTS,
    "/subcommittees/{subcommittee_id}/decide": {"subcommittee"},
    "/decisions/{decision_id}": ANALYSTS,
    "/c/{consultation_id}/decisions": ANALYSTS,
    "/c/{consultation_id}/responses": EVERYONE,
    "/me/opinions/trace": SIGNED_IN,
    "/me/notifications": SIGNED_IN,
    "/api/v1/consultations/{consultation_id}/subcommittees": ANALYSTS,
    "/api/v1/subcommittees/{subcommittee_id}/queue": ANALYSTS,
    "/secretariat/consultations/{consultation_id}/subcommittees": BLOC_MANAGERS,
    "/secretariat/consultations/{consultation_id}/subcommittees/new": BLOC_MANAGERS,
    "/secretariat/subcommittees/{subcommittee_id}": BLOC_MANAGERS,
    "/api/v1/subcommittees/{subcommittee_id}": BLOC_MANAGERS,
    "/api/v1/decisions/{decision_id}": ANALYSTS,
    "/api/v1/consultations/{consultation_id}/decisions": ANALYSTS,
    "/api/v1/consultations/{consultation_id}/responses": EVERYONE,
    "/api/v1/me/opinions/trace": SIGNED_IN,
    "/api/v1/me/notifications": SIGNED_IN,
    "/c/{consultation_id}/syntheses": STAFF,
    "/api/v1/consultations/{consultation_id}/syntheses": STAFF,
    "/syntheses/{synthesis_id}": ANALYSTS,
    "/syntheses/{synthesis_id}/report.{fmt}": ANALYSTS,
    "/synthesis-items/{item_id}": ANALYSTS,
    "/api/v1/syntheses/{synthesis_id}": ANALYSTS,
    "/api/v1/synthesis-items/{item_id}": ANALYSTS,
    "/c/{consultation_id}/responses/report.{fmt}": EVERYONE,
    "/c/{consultation_id}/dashboard": ANALYSTS,
    "/api/v1/consultations/{consultation_id}/dashboard": ANALYSTS,
    "/c/{consultation_id}/levels": ANALYSTS,
    "/api/v1/consultations/{consultation_id}/levels": ANALYSTS,
    "/syntheses/{synthesis_id}/forward-up": BLOC_MANAGERS,
    "/api/v1/syntheses/{synthesis_id}/forward-up": BLOC_MANAGERS,
    "/subcommittees/{subcommittee_id}/forwarded/{forwarded_id}": ANALYSTS,
    "/api/v1/subcommittees/{subcommittee_id}/forwarded/{forwarded_id}": ANALYSTS,
}


def _get_routes(client: TestClient) -> list[str]:
    return sorted(
        {path for path, methods in _walk_routes(client.app.routes, "") if "GET" in methods}
    )  # type: ignore[attr-defined]


def _accounts(engine: Engine, world: World, tmp_path: Path) -> dict[str, int]:
    """The extra role accounts, an opinion from unit A and an import batch; returns ids."""
    with unit_of_work(make_session_factory(engine)) as session:
        for username, org_id, role in [
            ("thuky.b", world.unit_b.id, "secretary"),
            ("tieuban", world.bloc.id, "subcommittee_member"),
            ("quantri", world.bloc.id, "admin"),
        ]:
            person = accounts.create_person(
                session=session, full_name=f"Người {username}", organisation_id=org_id
            )
            accounts.create_account(
                session=session, person_id=person.id, username=username, password=PASSWORD
            )
            accounts.grant_role(
                session=session, person_id=person.id, organisation_id=org_id, role=role
            )
        opinion_id = opinions.submit(
            session=session,
            consultation_id=world.consultation.id,
            text="Ý kiến của đơn vị A",
            author_person_id=world.member_a,
        ).opinion.id
        source = tmp_path / "y-kien.csv"
        source.write_text("Nội dung,Điều khoản\nMột ý kiến,Điều 1\n,Điều 2\n", encoding="utf-8")
        batch = import_opinions(
            session=session, consultation_id=world.consultation.id, source=source
        ).batch_id
        version_id = world.consultation.draft_version_id
        from ykien.drafts.models import DraftVersion

        draft_id = session.get(DraftVersion, version_id).draft_id  # type: ignore[union-attr]
    return {
        "batch_id": batch,
        "opinion_id": opinion_id,
        "version_id": version_id,
        "draft_id": draft_id,
        **_analysed(engine, world, tmp_path),
        **_events(engine, world),
        **_decided(engine, world),
        **_synthesised(engine, world),
        **_forwarded_up(engine, world),
    }


def _analysed(engine: Engine, world: World, tmp_path: Path) -> dict[str, int]:
    """One analysis run over a campaign and two topics: the ids of the run, a campaign, a theme."""
    add_opinions(engine, world, CAMPAIGN_VARIANTS + ONLINE_TOPIC + MEETING_TOPIC, now=None)
    with unit_of_work(make_session_factory(engine)) as session:
        run_id = analysis.request_run(
            session=session, consultation_id=world.consultation.id, requested_by=None
        ).id
    settings = Settings(
        environment="test",
        data_dir=tmp_path,
        database_url=engine.url.render_as_string(hide_password=False),
    )
    jobs.execute_run(engine=engine, run_id=run_id, settings=settings)
    with Session(engine) as session:
        group_id = session.scalars(select(DuplicateGroup.id)).first()
        theme_id = session.scalars(select(Theme.id)).first()
    assert group_id is not None and theme_id is not None
    return {"run_id": run_id, "group_id": group_id, "theme_id": theme_id}


def _events(engine: Engine, world: World) -> dict[str, int]:
    """An event, a report under review, a comment letter and a recommendation: their ids."""
    from ykien.events import service as events
    from ykien.events.recommendations import service as event_recommendations
    from ykien.events.reports import service as event_reports
    from ykien.events.submissions import service as event_submissions

    with unit_of_work(make_session_factory(engine)) as session:
        event = events.create_event(
            session=session,
            consultation_id=world.consultation.id,
            title="Tọa đàm",
            kind="seminar",
            starts_at=world.consultation.opens_at,
            organiser_ids=[world.bloc.id],
        )
        report = event_reports.ingest_report(
            session=session,
            consultation_id=world.consultation.id,
            text="Hội nghị góp ý dự thảo\nCác đại biểu kiến nghị sớm ban hành hướng dẫn.",
        )
        submission = event_submissions.preview_submission(
            session=session,
            consultation_id=world.consultation.id,
            organisation_id=world.unit_b.id,
            data="Có ý kiến như sau:\n1. Tại Điều 1, đề nghị làm rõ.\n".encode(),
            filename="cv.txt",
        )
        recommendation = event_recommendations.create_recommendation(
            session=session,
            consultation_id=world.consultation.id,
            text="Sớm ban hành hướng dẫn",
            event_id=event.id,
            addressee_organisation_id=world.bloc.id,
        )
        return {
            "event_id": event.id,
            "report_id": report.id,
            "submission_id": submission.id,
            "recommendation_id": recommendation.id,
        }


def _decided(engine: Engine, world: World) -> dict[str, int]:
    """A subcommittee of the bloc for Điều 1 and a draft decision on an opinion there."""
    from ykien.consultations import service as consultations
    from ykien.decisions import service as decisions

    with unit_of_work(make_session_factory(engine)) as session:
        sub = consultations.add_subcommittee(
            session=session,
            consultation_id=world.consultation.id,
            organisation_id=world.bloc.id,
            name="Tiểu ban Văn kiện",
            section_ids=[world.section("Điều 1").id],
        )
        opinion = opinions.submit(
            session=session,
            consultation_id=world.consultation.id,
            text="Ý kiến về Điều 1",
            section_id=world.section("Điều 1").id,
            author_person_id=world.member_a,
        ).opinion
        decision = decisions.draft(
            session=session,
            subcommittee_id=sub.id,
            target_type="opinion",
            target_id=opinion.id,
            outcome="noted",
            explanation="Ghi nhận.",
        )
        return {"subcommittee_id": sub.id, "decision_id": decision.id}


def _synthesised(engine: Engine, world: World) -> dict[str, Any]:
    """The bloc's draft consolidating unit A's submitted synthesis, one of its items, and the
    report format to download."""
    from ykien.synthesis import service as syntheses

    with unit_of_work(make_session_factory(engine)) as session:
        for org_id in (world.unit_a.id, world.bloc.id):
            drafted = syntheses.draft_synthesis(
                session=session,
                consultation_id=world.consultation.id,
                organisation_id=org_id,
                by=None,
                summarise=False,
            )
            if org_id == world.unit_a.id:
                syntheses.sign_off(session=session, synthesis_id=drafted.id, by=None)
                syntheses.submit(session=session, synthesis_id=drafted.id, by=None)
        item = syntheses.items_of(session=session, synthesis_id=drafted.id)[0]
        return {"synthesis_id": drafted.id, "item_id": item.id, "fmt": "json"}


def _forwarded_up(engine: Engine, world: World) -> dict[str, int]:
    """Unit A's collection on the bloc's draft, its signed synthesis forwarded to the bloc's
    subcommittee (made by _decided): the synthesis and the forwarded row."""
    from ykien.consultations import service as consultations
    from ykien.decisions import forwarding
    from ykien.synthesis import service as syntheses

    with unit_of_work(make_session_factory(engine)) as session:
        child = consultations.create(
            session=session,
            title="Chi bộ lấy ý kiến",
            draft_version_id=world.consultation.draft_version_id,
            organiser_id=world.unit_a.id,
            opens_at=world.consultation.opens_at,
            closes_at=world.consultation.closes_at,
            parent_id=world.consultation.id,
        )
        consultations.open_(session=session, consultation_id=child.id)
        opinions.submit(
            session=session,
            consultation_id=child.id,
            text="Ý kiến ở chi bộ",
            section_id=world.section("Điều 1").id,
            author_person_id=world.member_a,
        )
        drafted = syntheses.draft_synthesis(
            session=session,
            consultation_id=child.id,
            organisation_id=world.unit_a.id,
            by=None,
            summarise=False,
        )
        syntheses.sign_off(session=session, synthesis_id=drafted.id, by=None)
        row = forwarding.forward_up(session=session, synthesis_id=drafted.id, by=None).rows[0]
        return {"child_synthesis_id": drafted.id, "forwarded_id": row.id}


def _url(path: str, world: World, ids: dict[str, int]) -> str:
    if "forward-up" in path:
        ids = {**ids, "synthesis_id": ids["child_synthesis_id"]}
    url = path.format(
        consultation_id=world.consultation.id,
        organisation_id=world.unit_a.id,
        token="no-such-invitation",
        **ids,
    )
    if path == "/api/v1/search":
        url += f"?q=don+vi&consultation_id={world.consultation.id}"
    return url


def _sign_in(client: TestClient, role: str) -> None:
    client.cookies.clear()
    username = {
        "participant": "dangvien",
        "other_unit_secretary": "thuky.b",
        "secretary": "thuky",
        "subcommittee": "tieuban",
        "admin": "quantri",
    }.get(role)
    if username is None:
        return
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303, (role, response.text[:300])


def test_every_get_route_is_declared(client: TestClient) -> None:
    routes = _get_routes(client)
    assert sorted(set(routes) - set(ACCESS)) == [], "add the new GET routes to ACCESS"
    assert sorted(set(ACCESS) - set(routes)) == [], "ACCESS names routes that no longer exist"


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(
    client: TestClient, web_world: World, fresh_engine: Engine, tmp_path: Path, role: str
) -> None:
    ids = _accounts(fresh_engine, web_world, tmp_path)
    _sign_in(client, role)
    problems = []
    for path in _get_routes(client):
        response = client.get(_url(path, web_world, ids), follow_redirects=False)
        status = response.status_code
        denied = status in (401, 403) or (
            status == 303 and response.headers.get("location", "").startswith("/login")
        )
        if status >= 500:
            problems.append(f"{path}: {status}")
            continue
        allowed = ACCESS[path]
        if allowed == ANY:
            continue
        if role in allowed and (denied or status != 200):
            problems.append(f"{path}: {role} should be allowed, got {status}")
        if role not in allowed and not denied:
            problems.append(f"{path}: {role} should be denied, got {status}")
    assert problems == []
