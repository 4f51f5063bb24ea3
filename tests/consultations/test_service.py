"""Consultations services on SQLite and PostgreSQL: which consultations a unit takes part in."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tests.factories import build_world
from ykien.consultations import service as consultations
from ykien.orgs.models import Organisation


def test_a_unit_inside_the_scope_takes_part_in_the_blocs_consultation(session: Session) -> None:
    world = build_world(session)

    def part(*orgs: Organisation) -> list[int]:
        roots = [org.tree_path for org in orgs]
        return [i.consultation.id for i in consultations.taking_part(session=session, roots=roots)]

    assert part(world.unit_b) == [world.consultation.id]
    assert part(world.unit_a, world.unit_b) == [world.consultation.id]
    assert part(world.bloc) == []  # the bloc runs it (managed_under), it does not take part
    assert part(world.bloc, world.unit_b) == []
    assert part(world.outsider) == []
    assert part() == []
