"""The synthesis page offers forwarding to the owning level only for the organiser's synthesis of
a lower level's collection on a higher level's draft."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.decisions.crosslevel import build_cross_world, sign_bloc_synthesis
from tests.factories import World
from tests.web.conftest import PASSWORD, csrf_of
from ykien.db.engine import make_session_factory, unit_of_work
from ykien.synthesis import service as synthesis


def test_the_forward_link_shows_only_on_a_child_organisers_synthesis(
    client: TestClient, web_world: World, fresh_engine: Engine
) -> None:
    with unit_of_work(make_session_factory(fresh_engine)) as session:
        cross = build_cross_world(session, web_world, now=None)
        child_synthesis = sign_bloc_synthesis(session, cross)
        unit_synthesis = synthesis.latest(
            session=session, consultation_id=cross.child.id, organisation_id=web_world.unit_a.id
        )
        assert unit_synthesis is not None
        own = synthesis.draft_synthesis(
            session=session,
            consultation_id=web_world.consultation.id,
            organisation_id=web_world.bloc.id,
            by=None,
            summarise=False,
        )
        synthesis.sign_off(session=session, synthesis_id=own.id, by=None)
        ids = (child_synthesis, unit_synthesis.id, own.id)
    client.post(
        "/login",
        data={"username": "thuky", "password": PASSWORD, "csrf_token": csrf_of(client)},
    )
    pages = [client.get(f"/syntheses/{synthesis_id}") for synthesis_id in ids]
    assert [page.status_code for page in pages] == [200, 200, 200]
    shown = [f"/syntheses/{i}/forward-up" in page.text for i, page in zip(ids, pages, strict=True)]
    assert shown == [True, False, False]
    assert "Chuyển lên cấp sở hữu dự thảo" in pages[0].text
