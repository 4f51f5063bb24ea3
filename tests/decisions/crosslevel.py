"""A cross-level world: the centre's consultation on the small law with two subcommittees, and
the bloc's own collection on it (a child consultation) with opinions on both subcommittees'
sections, the bloc's synthesis consolidating unit A's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from tests.factories import NOW, World, build_world
from ykien.accounts import service as accounts
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation, Subcommittee
from ykien.opinions import service as opinions
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation
from ykien.synthesis import service as synthesis


@dataclass
class CrossWorld:
    world: World
    centre: Organisation
    parent: Consultation  # the centre's consultation: it owns the draft
    child: Consultation  # the bloc's collection on it
    general_sub: Subcommittee  # the centre's: Điều 1, Điều 2
    terms_sub: Subcommittee  # the centre's: Điều 3, Điều 4
    on_1: int  # member A (unit A) on Điều 1
    on_4: int  # member A on Điều 4
    on_3: int  # given on behalf of the bloc, on Điều 3
    general: int  # member A, no section
    direct: int  # an opinion given directly in the centre's consultation, on Điều 4
    chair: int  # person id: chair of the centre (approves)


def build_cross_world(
    session: Session, world: World | None = None, *, now: datetime | None = NOW
) -> CrossWorld:
    """The centre's consultation and the bloc's collection on it (opinions given at `now`)."""
    world = world or build_world(session)
    centre = orgs.create(session=session, name="Ban Chấp hành Trung ương", kind="party_committee")
    version_id = world.consultation.draft_version_id
    window = world.consultation.opens_at, world.consultation.closes_at
    parent = consultations.create(
        session=session,
        title="Lấy ý kiến của Trung ương về Luật thử nghiệm",
        draft_version_id=version_id,
        organiser_id=centre.id,
        scope_organisation_ids=[centre.id, world.bloc.id],
        opens_at=window[0],
        closes_at=window[1] + timedelta(days=5),
    )
    consultations.open_(session=session, consultation_id=parent.id)
    child = consultations.create(
        session=session,
        title="Đảng bộ Khối lấy ý kiến về dự thảo của Trung ương",
        draft_version_id=version_id,
        organiser_id=world.bloc.id,
        opens_at=window[0],
        closes_at=window[1],
        parent_id=parent.id,
    )
    consultations.open_(session=session, consultation_id=child.id)
    general_sub, terms_sub = (
        consultations.add_subcommittee(
            session=session,
            consultation_id=parent.id,
            organisation_id=centre.id,
            name=name,
            section_ids=[world.section(label).id for label in labels],
        )
        for name, labels in [
            ("Tiểu ban Văn kiện Trung ương", ["Điều 1", "Điều 2"]),
            ("Tiểu ban Tổ chức lấy ý kiến", ["Điều 3", "Điều 4"]),
        ]
    )
    chair = accounts.create_person(session=session, full_name="Chủ tịch", organisation_id=centre.id)
    delegate = accounts.create_person(
        session=session, full_name="Phạm Văn Khối", organisation_id=world.bloc.id
    )

    def say(text: str, label: str | None, consultation_id: int = child.id, **extra: int) -> int:
        return opinions.submit(
            session=session,
            consultation_id=consultation_id,
            text=text,
            section_id=world.section(label).id if label else None,
            now=now,
            **extra,
        ).opinion.id

    cross = CrossWorld(
        world=world,
        centre=centre,
        parent=parent,
        child=child,
        general_sub=general_sub,
        terms_sub=terms_sub,
        on_1=say("Phạm vi điều chỉnh cần rộng hơn.", "Điều 1", author_person_id=world.member_a),
        on_4=say("Thời hạn 30 ngày là quá ngắn.", "Điều 4", author_person_id=world.member_a),
        on_3=say(
            "Cần thêm hình thức qua thư.",
            "Điều 3",
            author_person_id=delegate.id,
            on_behalf_of_id=world.bloc.id,
        ),
        general=say("Dự thảo nhìn chung tốt.", None, author_person_id=world.member_a),
        direct=say("Đề nghị 45 ngày.", "Điều 4", parent.id, author_person_id=world.member_a),
        chair=chair.id,
    )
    return cross


def sign_bloc_synthesis(session: Session, cross: CrossWorld) -> int:
    """Unit A submits its synthesis to the bloc; the bloc drafts and signs its own off."""
    world = cross.world
    unit = synthesis.draft_synthesis(
        session=session,
        consultation_id=cross.child.id,
        organisation_id=world.unit_a.id,
        by=None,
        summarise=False,
    )
    synthesis.sign_off(session=session, synthesis_id=unit.id, by=None)
    synthesis.submit(session=session, synthesis_id=unit.id, by=None)
    bloc = synthesis.draft_synthesis(
        session=session,
        consultation_id=cross.child.id,
        organisation_id=world.bloc.id,
        by=None,
        summarise=False,
    )
    synthesis.sign_off(session=session, synthesis_id=bloc.id, by=None)
    return bloc.id
