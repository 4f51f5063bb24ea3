"""Organisation levels: tiers from the configured list, moving a subtree, roots."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import build_world
from ykien.accounts import service as accounts
from ykien.audit import service as audit
from ykien.audit.models import AuditEvent
from ykien.config import Settings
from ykien.errors import UserError
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation
from ykien.web.deps import load_principal

TIERS = Settings().tier_list


def test_the_default_tiers_and_a_configured_list() -> None:
    assert TIERS == ["Trung ương", "Tỉnh/Thành phố", "Khối/Huyện", "Cơ sở"]
    assert Settings(tiers=" Tỉnh , Huyện ,, Xã").tier_list == ["Tỉnh", "Huyện", "Xã"]
    with pytest.raises(ValueError):
        Settings(tiers=" , ")


def test_a_tier_is_one_of_the_list(session: Session) -> None:
    centre = orgs.create(session=session, name="Trung ương", tier="Trung ương", tiers=TIERS)
    assert centre.tier == "Trung ương" and centre.level == 0 and centre.parent_id is None
    with pytest.raises(UserError) as refused:
        orgs.create(session=session, name="Phường 1", tier="Phường", tiers=TIERS)
    assert refused.value.code == "org_tier_invalid" and "Cơ sở" in refused.value.message("vi")
    edited = orgs.update(
        session=session, organisation_id=centre.id, name="Ban Chấp hành Trung ương",
        kind="party_committee", tier="", tiers=TIERS,
    )  # fmt: skip
    assert edited.tier is None and edited.name == "Ban Chấp hành Trung ương"
    with pytest.raises(UserError):
        orgs.update(session=session, organisation_id=centre.id, name="X", kind="other",
                    tier="Tỉnh", tiers=TIERS)  # fmt: skip


def _paths(session: Session) -> dict[str, tuple[str, int, int | None]]:
    rows = session.scalars(select(Organisation))
    return {o.name: (o.tree_path, o.level, o.parent_id) for o in rows}


def test_moving_rewrites_the_whole_subtree_and_keeps_roles(session: Session) -> None:
    world = build_world(session)
    city = orgs.create(session=session, name="Thành phố", tier="Tỉnh/Thành phố", tiers=TIERS)
    cell = orgs.create(session=session, name="Tổ Đảng", parent_id=world.unit_a.id)
    person = accounts.create_person(session=session, full_name="Thư Ký", organisation_id=None)
    account = accounts.create_account(
        session=session, person_id=person.id, username="thuky2", password="mat-khau-thu-nghiem"
    )
    accounts.grant_role(
        session=session, person_id=person.id, organisation_id=world.unit_a.id, role="secretary"
    )
    orgs.move(session=session, organisation_id=world.bloc.id, parent_id=city.id)
    paths = _paths(session)
    bloc, unit = world.bloc.id, world.unit_a.id
    assert paths["Đảng bộ Khối các cơ quan"] == (f"/{city.id}/{bloc}/", 1, city.id)
    assert paths["Chi bộ Sở Tài chính"] == (f"/{city.id}/{bloc}/{unit}/", 2, bloc)
    assert paths["Tổ Đảng"] == (f"/{city.id}/{bloc}/{unit}/{cell.id}/", 3, unit)
    assert paths["Hội Nông dân xã"] == (f"/{world.outsider.id}/", 0, None)  # untouched
    principal = load_principal(session, account.id)
    assert principal is not None
    assert principal.roles["secretary"] == (f"/{city.id}/{bloc}/{unit}/",)
    assert orgs.subtree_ids(session=session, organisation_id=city.id) == {
        city.id, bloc, unit, world.unit_b.id, cell.id
    }  # fmt: skip
    # and back to the top
    orgs.move(session=session, organisation_id=bloc, parent_id=None)
    assert _paths(session)["Tổ Đảng"] == (f"/{bloc}/{unit}/{cell.id}/", 2, unit)
    moved = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "organisation.moved")
    ).all()
    assert [(e.entity_id) for e in moved] == [bloc, bloc]
    assert audit.verify(session=session).ok


def test_a_move_under_itself_or_a_descendant_is_refused(session: Session) -> None:
    world = build_world(session)
    cell = orgs.create(session=session, name="Tổ Đảng", parent_id=world.unit_a.id)
    before = _paths(session)
    for target in (world.bloc.id, world.unit_a.id, cell.id):
        with pytest.raises(UserError) as refused:
            orgs.move(session=session, organisation_id=world.bloc.id, parent_id=target)
        assert refused.value.code == "org_move_into_itself"
    assert _paths(session) == before


def test_a_sibling_with_a_longer_id_prefix_does_not_move(session: Session) -> None:
    """/1/ must not catch /12/: the paths end with a slash."""
    first = orgs.create(session=session, name="Tổ chức đầu")
    other = orgs.create(session=session, name="Tổ chức khác")
    longer = orgs.create(session=session, name="Tổ chức 0")
    while not str(longer.id).startswith(str(first.id)):  # e.g. 1 and 10, 13 and 130
        longer = orgs.create(session=session, name=f"Tổ chức {longer.id}")
    assert longer.tree_path.startswith(f"/{first.id}")
    orgs.move(session=session, organisation_id=first.id, parent_id=other.id)
    session.refresh(longer)
    assert longer.tree_path == f"/{longer.id}/" and longer.level == 0
