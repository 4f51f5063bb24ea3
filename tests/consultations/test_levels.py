"""A lower level's collection on a higher level's draft: the checks of check_child, the link both
ways, and the CLI."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from tests.factories import SMALL_LAW, World, build_world
from ykien.cli import main
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation
from ykien.drafts import service as drafts
from ykien.errors import UserError
from ykien.orgs import service as orgs


def _child(session: Session, world: World, **overrides: object) -> Consultation:
    fields: dict[str, object] = {
        "title": "Chi bộ lấy ý kiến",
        "draft_version_id": world.consultation.draft_version_id,
        "organiser_id": world.unit_a.id,
        "opens_at": world.consultation.opens_at,
        "closes_at": world.consultation.closes_at - timedelta(days=1),
        "parent_id": world.consultation.id,
    }
    fields.update(overrides)
    return consultations.create(session=session, **fields)  # type: ignore[arg-type]


def test_a_child_collection_is_on_the_parents_draft_inside_its_scope(session: Session) -> None:
    world = build_world(session)
    child = _child(session, world)
    assert child.parent_id == world.consultation.id
    assert child.draft_version_id == world.consultation.draft_version_id
    assert consultations.children_of(session=session, consultation_id=world.consultation.id) == [
        child
    ]
    assert consultations.scope_org_ids(session=session, consultation_id=child.id) == {
        world.unit_a.id
    }


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("other_version", "child_version_mismatch"),
        ("same_organiser", "child_same_organiser"),
        ("outsider", "child_organiser_out_of_scope"),
        ("scope_outside", "child_scope_out_of_scope"),
    ],
)
def test_a_child_that_does_not_fit_its_parent_is_refused(
    session: Session, change: str, code: str
) -> None:
    world = build_world(session)
    overrides: dict[str, object] = {}
    if change == "other_version":
        draft = drafts.create_draft(session=session, title="Dự thảo khác", kind="law")
        other = drafts.import_version(
            session=session, draft_id=draft.id, data=SMALL_LAW.encode(), filename="khac.txt"
        )
        overrides["draft_version_id"] = other.id
    elif change == "same_organiser":
        overrides["organiser_id"] = world.bloc.id
    elif change == "outsider":
        overrides["organiser_id"] = world.outsider.id
    else:
        overrides["scope_organisation_ids"] = [world.unit_a.id, world.outsider.id]
    with pytest.raises(UserError) as refused:
        _child(session, world, **overrides)
    assert refused.value.code == code


def test_an_organisation_of_another_tree_named_in_the_scope_may_run_a_child(
    session: Session,
) -> None:
    world = build_world(session)
    centre = orgs.create(session=session, name="Trung ương", kind="party_committee")
    parent = consultations.create(
        session=session,
        title="Trung ương lấy ý kiến",
        draft_version_id=world.consultation.draft_version_id,
        organiser_id=centre.id,
        scope_organisation_ids=[centre.id, world.bloc.id],
        opens_at=world.consultation.opens_at,
        closes_at=world.consultation.closes_at,
    )
    child = _child(session, world, organiser_id=world.bloc.id, parent_id=parent.id)
    assert child.parent_id == parent.id
    with pytest.raises(UserError):  # the outsider is in neither tree of the scope
        _child(session, world, organiser_id=world.outsider.id, parent_id=parent.id)


def test_the_cli_creates_a_child_on_the_parents_version(tmp_path: Path) -> None:
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(main, ["--data-dir", str(tmp_path / "data"), *args])
        assert result.exit_code == 0, result.output
        return result.output

    run("init")
    run("org", "create", "Đảng bộ Khối", "--kind", "party_committee")
    run("org", "create", "Chi bộ Sở Tài chính", "--parent", "1")
    law = tmp_path / "luat.txt"
    law.write_text(SMALL_LAW, encoding="utf-8")
    run("draft", "import", str(law), "--kind", "law", "--org", "1")
    window = ("--opens", "01/01/2020", "--closes", "31/12/2099")
    run("consultation", "create", "--version", "1", "--title", "Khối", "--organiser", "1", *window)
    output = run(
        "consultation", "create", "--parent", "1", "--title", "Chi bộ", "--organiser", "2", *window
    )
    assert "cấp dưới" in output
    with sqlite3.connect(tmp_path / "data" / "ykien.sqlite3") as db:
        rows = db.execute("select id, parent_id, draft_version_id from consultations").fetchall()
    assert sorted(rows) == [(1, None, 1), (2, 1, 1)]
    refused = runner.invoke(
        main,
        ["--data-dir", str(tmp_path / "data"), "consultation", "create", "--parent", "1",
         "--title", "Lại Khối", "--organiser", "1", *window],
    )  # fmt: skip
    assert refused.exit_code == 2 and "phải khác đơn vị tổ chức" in refused.output
