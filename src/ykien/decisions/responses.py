"""What a participant sees: effective decisions and the trace of an opinion, the public response
report and the receipt-code lookup."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ykien.accounts.models import Person
from ykien.analysis.models import (
    DuplicateGroup,
    DuplicateMember,
    Theme,
    ThemeMember,
    ThemeStatus,
    counts_in_campaign,
)
from ykien.consultations import service as consultations
from ykien.decisions.models import (
    Decision,
    DecisionStatus,
    TargetType,
)
from ykien.decisions.queues import PRECEDENCE, check_item, opinions_of_item
from ykien.decisions.sections import SectionChange, section_changes
from ykien.drafts.models import Section
from ykien.errors import UserError
from ykien.opinions.models import Opinion, OpinionStatus
from ykien.orgs.models import Organisation
from ykien.synthesis.models import Synthesis, SynthesisItem, SynthesisItemOpinion

# ---------------------------------------------------------------------------------------------
# effective decisions and the participant's trace


def decisions_of(
    *, session: Session, consultation_id: int, statuses: Sequence[str] | None = None
) -> list[Decision]:
    query = select(Decision).where(Decision.consultation_id == consultation_id)
    if statuses:
        query = query.where(Decision.status.in_(list(statuses)))
    return list(session.scalars(query.order_by(Decision.id)))


@dataclass
class Effective:
    decision: Decision
    via: str  # the target type that answered the opinion: opinion, campaign or theme


def _published_on(session: Session, kind: str, ids: set[int]) -> dict[int, Decision]:
    if not ids:
        return {}
    rows = session.scalars(
        select(Decision)
        .where(
            Decision.target_type == kind,
            Decision.target_id.in_(ids),
            Decision.status == DecisionStatus.PUBLISHED,
        )
        .order_by(Decision.published_at, Decision.id)
    )
    return {d.target_id: d for d in rows}


def _answered_items(session: Session, opinion_ids: set[int]) -> dict[int, int]:
    """opinion id -> the forwarded synthesis item holding it that the owning level answered last
    (an opinion may lie in several: revisions, levels)."""
    if not opinion_ids:
        return {}
    rows = session.execute(
        select(SynthesisItemOpinion.opinion_id, Decision.target_id)
        .join(Decision, Decision.target_id == SynthesisItemOpinion.item_id)
        .where(
            Decision.target_type == TargetType.ITEM,
            Decision.status == DecisionStatus.PUBLISHED,
            SynthesisItemOpinion.opinion_id.in_(opinion_ids),
        )
        .order_by(Decision.published_at, Decision.id)
    )
    return {opinion_id: item_id for opinion_id, item_id in rows}


def campaigns_of(*, session: Session, opinion_ids: Iterable[int]) -> dict[int, int]:
    """opinion id -> its campaign (not undone, not split out)."""
    rows = session.execute(
        select(DuplicateMember.opinion_id, DuplicateMember.group_id)
        .join(DuplicateGroup, DuplicateGroup.id == DuplicateMember.group_id)
        .where(DuplicateMember.opinion_id.in_(set(opinion_ids)), counts_in_campaign())
        .order_by(DuplicateMember.group_id)
    )
    return {opinion_id: group_id for opinion_id, group_id in rows}


def themes_of(*, session: Session, opinion_ids: Iterable[int]) -> dict[int, Theme]:
    """opinion id -> its active theme."""
    rows = session.execute(
        select(ThemeMember.opinion_id, Theme)
        .join(Theme, Theme.id == ThemeMember.theme_id)
        .where(ThemeMember.opinion_id.in_(set(opinion_ids)), Theme.status == ThemeStatus.ACTIVE)
        .order_by(Theme.id)
    )
    return {opinion_id: theme for opinion_id, theme in rows}


def effective_decisions(*, session: Session, opinion_ids: Iterable[int]) -> dict[int, Effective]:
    """The published decision that answers each opinion: its own, else its campaign's, else its
    theme's (from the current memberships)."""
    ids = set(opinion_ids)
    campaign = campaigns_of(session=session, opinion_ids=ids)
    theme = {o: t.id for o, t in themes_of(session=session, opinion_ids=ids).items()}
    owners = {
        TargetType.OPINION: {i: i for i in ids},
        TargetType.CAMPAIGN: campaign,
        TargetType.THEME: theme,
        TargetType.ITEM: _answered_items(session, ids),
    }
    decided = {
        kind: _published_on(session, kind, set(owners[kind].values())) for kind in PRECEDENCE
    }
    found: dict[int, Effective] = {}
    for opinion_id in ids:
        for kind in PRECEDENCE:
            owner = owners[kind].get(opinion_id)
            if owner is not None and owner in decided[kind]:
                found[opinion_id] = Effective(decided[kind][owner], kind)
                break
    return found


@dataclass
class SynthesisStep:
    organisation: str
    level: int
    status: str
    revision: int
    date: datetime | None


@dataclass
class Trace:
    opinion_id: int
    campaign_id: int | None
    campaign_size: int | None
    theme_id: int | None
    theme_label: str | None
    syntheses: list[SynthesisStep]
    decision: Decision | None
    via: str | None


def _syntheses(session: Session, opinion_ids: set[int]) -> dict[int, list[SynthesisStep]]:
    rows = session.execute(
        select(
            SynthesisItemOpinion.opinion_id,
            Organisation.name,
            Organisation.level,
            Synthesis.status,
            Synthesis.revision,
            func.coalesce(Synthesis.submitted_at, Synthesis.signed_off_at, Synthesis.updated_at),
            Synthesis.id,
        )
        .join(SynthesisItem, SynthesisItem.id == SynthesisItemOpinion.item_id)
        .join(Synthesis, Synthesis.id == SynthesisItem.synthesis_id)
        .join(Organisation, Organisation.id == Synthesis.organisation_id)
        .where(SynthesisItemOpinion.opinion_id.in_(opinion_ids))
        .distinct()
        .order_by(Organisation.level.desc(), Synthesis.id)
    )
    found: dict[int, dict[int, SynthesisStep]] = {}
    for opinion_id, name, level, status, revision, when, synthesis_id in rows:
        found.setdefault(opinion_id, {})[synthesis_id] = SynthesisStep(
            name, level, status, revision, when
        )
    return {o: list(steps.values()) for o, steps in found.items()}


def traces(*, session: Session, opinion_ids: Iterable[int]) -> dict[int, Trace]:
    """What happened to each opinion, computed from the current memberships."""
    ids = set(opinion_ids)
    if not ids:
        return {}
    campaign = campaigns_of(session=session, opinion_ids=ids)
    sizes = dict(
        session.execute(
            select(DuplicateGroup.id, DuplicateGroup.size).where(
                DuplicateGroup.id.in_(set(campaign.values()))
            )
        ).all()
    )
    theme = themes_of(session=session, opinion_ids=ids)
    effective = effective_decisions(session=session, opinion_ids=ids)
    steps = _syntheses(session, ids)
    found = {}
    for opinion_id in ids:
        answer = effective.get(opinion_id)
        group = campaign.get(opinion_id)
        found[opinion_id] = Trace(
            opinion_id=opinion_id,
            campaign_id=group,
            campaign_size=sizes.get(group) if group else None,
            theme_id=theme[opinion_id].id if opinion_id in theme else None,
            theme_label=theme[opinion_id].label if opinion_id in theme else None,
            syntheses=steps.get(opinion_id, []),
            decision=answer.decision if answer else None,
            via=answer.via if answer else None,
        )
    return found


# ---------------------------------------------------------------------------------------------
# the public response report and receipt lookup


@dataclass
class Response:
    decision: Decision
    title: str
    opinion_count: int
    sections: list[SectionChange]


def responses(*, session: Session, consultation_id: int) -> list[Response]:
    """The published (current) decisions of a consultation, for the public response report."""
    found = []
    for decision in decisions_of(
        session=session, consultation_id=consultation_id, statuses=[DecisionStatus.PUBLISHED]
    ):
        title = check_item_title(session, decision)
        count = int(
            session.scalar(
                select(func.count()).select_from(
                    opinions_of_item(decision.target_type, decision.target_id).subquery()
                )
            )
            or 0
        )
        found.append(
            Response(decision, title, count, section_changes(session=session, decision=decision))
        )
    return found


def check_item_title(session: Session, decision: Decision) -> str:
    """The item's title, or an empty one when the theme/campaign has since gone."""
    try:
        return check_item(
            session=session,
            consultation_id=decision.consultation_id,
            target_type=decision.target_type,
            target_id=decision.target_id,
        )
    except UserError:
        return ""


@dataclass
class Lookup:
    receipt_code: str
    status: str
    section_label: str | None
    text: str | None  # only when the consultation publishes opinions and it is not hidden
    submitted_at: datetime
    trace: Trace


def lookup(*, session: Session, consultation_id: int, receipt_code: str) -> Lookup | None:
    """One opinion by its receipt code, with only what the policy publishes and its answer."""
    code = receipt_code.strip().upper()
    if not code or len(code) > 20:
        return None
    consultation = consultations.get(session=session, consultation_id=consultation_id)
    row = session.execute(
        select(Opinion, Section.label)
        .outerjoin(Section, Section.id == Opinion.section_id)
        .where(Opinion.consultation_id == consultation_id, Opinion.receipt_code == code)
    ).first()
    if row is None:
        return None
    opinion, label = row
    shown = consultation.opinions_public and opinion.status != OpinionStatus.HIDDEN
    return Lookup(
        receipt_code=opinion.receipt_code,
        status=opinion.status,
        section_label=label,
        text=opinion.text if shown else None,
        submitted_at=opinion.submitted_at,
        trace=traces(session=session, opinion_ids=[opinion.id])[opinion.id],
    )


def people_by_id(*, session: Session, person_ids: Iterable[int]) -> dict[int, Person]:
    ids = set(person_ids)
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}
