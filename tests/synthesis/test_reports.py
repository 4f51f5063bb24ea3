"""Official reports built from the database: the synthesis report of one synthesis and the
response table of the published decisions (both databases); one real-data DOCX through
LibreOffice (slow)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.conftest import IN_CI, shared_data
from tests.factories import NOW, World, build_world
from ykien.accounts import service as accounts
from ykien.analysis.models import AnalysisRun, DuplicateGroup, DuplicateMember
from ykien.consultations import service as consultations
from ykien.decisions import report as response_report
from ykien.decisions import service as decisions
from ykien.drafts import service as drafts
from ykien.exports import render
from ykien.exports import reports as exports
from ykien.opinions import service as opinions
from ykien.orgs import service as orgs
from ykien.synthesis import reports
from ykien.synthesis import service as synthesis
from ykien.synthesis.routes.downloads import report_labels

ISSUE = reports.Issue(issued_on=date(2025, 6, 20))


def _say(
    session: Session,
    world: World,
    text: str,
    *,
    author: int,
    section: str | None = None,
    on_behalf_of: int | None = None,
) -> int:
    return opinions.submit(
        session=session,
        consultation_id=world.consultation.id,
        text=text,
        section_id=world.section(section).id if section else None,
        author_person_id=author,
        on_behalf_of_id=on_behalf_of,
        now=NOW,
    ).opinion.id


def _signed_off(session: Session, world: World, org_id: int, by: int | None) -> int:
    drafted = synthesis.draft_synthesis(
        session=session,
        consultation_id=world.consultation.id,
        organisation_id=org_id,
        by=by,
        summarise=False,
    )
    synthesis.sign_off(session=session, synthesis_id=drafted.id, by=by)
    return drafted.id


def test_synthesis_report_of_a_unit(session: Session) -> None:
    world = build_world(session)
    signer = accounts.create_person(
        session=session, full_name="Bùi Thị Ngọc Lan", organisation_id=world.unit_a.id
    )
    first = _say(session, world, "Đề nghị làm rõ phạm vi.", author=world.member_a, section="Điều 1")
    _say(session, world, "Bổ sung đối tượng.", author=world.member_a, section="Điều 2")
    _say(session, world, "Ý kiến chung về dự thảo.", author=world.member_a)
    drafted = _signed_off(session, world, world.unit_a.id, signer.id)
    item = synthesis.items_of(session=session, synthesis_id=drafted)[0]
    report = reports.synthesis_report(
        session=session, synthesis_id=drafted, issue=ISSUE, labels=report_labels()
    )

    head = report.letterhead
    assert (head.issuing_body, head.parent_body) == (world.unit_a.name, world.bloc.name)
    assert head.motto == "party"  # a party cell
    assert head.number_symbol.strip() == "/BC"
    assert (head.place, head.issued_on) == ("Hà Nội", date(2025, 6, 20))
    assert report.signature.name == "Bùi Thị Ngọc Lan"
    assert report.recipients[0] == f"{world.bloc.name} (để báo cáo)"
    assert report.consultation_title == "dự thảo Luật thử nghiệm"
    assert report.period_start == (world.consultation.opens_at + timedelta(hours=7)).date()
    assert (report.totals.raw, report.totals.deduplicated) == (3, 3)
    assert [c.label for c in report.totals.by_organisation] == [world.unit_a.name]
    assert [c.label for c in report.totals.by_channel] == ["Trực tuyến"]
    labels = [s.label for s in report.sections]
    assert labels == [item.title, "Điều 2. Đối tượng áp dụng", reports.GENERAL_SECTION]
    assert len(report.sections) == 3 and report.themes == []
    assert report.sections[0].opinion_ids == [first]
    quotes = [q for s in report.sections for q in s.quotes]
    if quotes:  # quotes are chosen when the summary is pre-filled
        assert quotes[0].receipt_code


def test_quotes_carry_receipt_code_author_and_organisation(session: Session) -> None:
    world = build_world(session)
    said = _say(
        session, world, "Cần quy định rõ thời hạn.", author=world.member_a, section="Điều 4"
    )
    drafted = synthesis.draft_synthesis(
        session=session,
        consultation_id=world.consultation.id,
        organisation_id=world.unit_a.id,
        by=None,
        summarise=False,
    )
    item = synthesis.items_of(session=session, synthesis_id=drafted.id)[0]
    synthesis.set_quotes(session=session, item_id=item.id, opinion_ids=[said], by=None)
    report = reports.synthesis_report(
        session=session, synthesis_id=drafted.id, issue=ISSUE, labels=report_labels()
    )
    (quote,) = report.sections[0].quotes
    assert quote.opinion_id == said
    assert quote.author == "Nguyễn Doãn Hoàn"
    assert quote.organisation == world.unit_a.name
    assert len(quote.receipt_code) >= 6
    assert "Cần quy định rõ thời hạn." in exports.to_json(report)


def test_state_motto_and_given_number_for_a_trade_union(session: Session) -> None:
    world = build_world(session)
    issue = reports.Issue(place="Hòa Bình", number_symbol="07/BC-CĐ", issued_on=date(2025, 1, 2))
    head = reports.letterhead_for(session=session, organisation_id=world.unit_b.id, issue=issue)
    assert head.motto == "state"
    assert (head.number_symbol, head.place) == ("07/BC-CĐ", "Hòa Bình")
    top = reports.letterhead_for(session=session, organisation_id=world.bloc.id, issue=issue)
    assert top.parent_body is None


def _published(session: Session, world: World, targets: list[tuple[int, str, str]]) -> None:
    sub = consultations.add_subcommittee(
        session=session,
        consultation_id=world.consultation.id,
        organisation_id=world.bloc.id,
        name="Tiểu ban Văn kiện",
        section_ids=[s.id for s in world.sections],
    )
    ids = []
    for opinion_id, outcome, wording in targets:
        decision = decisions.draft(
            session=session,
            subcommittee_id=sub.id,
            target_type="opinion",
            target_id=opinion_id,
            outcome=outcome,
            explanation=f"Giải trình {opinion_id}.",
            new_wording=wording or None,
        )
        decisions.approve(session=session, decision_id=decision.id)
        ids.append(decision.id)
    decisions.publish(session=session, consultation_id=world.consultation.id, decision_ids=ids)


def test_response_table_groups_published_decisions_by_section(session: Session) -> None:
    world = build_world(session)
    member_b = accounts.create_person(
        session=session, full_name="Lê Văn Bình", organisation_id=world.unit_b.id
    )
    on_4 = _say(session, world, "Rút ngắn thời hạn.", author=world.member_a, section="Điều 4")
    on_1 = _say(session, world, "Mở rộng phạm vi.", author=member_b.id, section="Điều 1")
    general = _say(session, world, "Dự thảo cần ngắn gọn.", author=world.member_a)
    unanswered = _say(session, world, "Chưa trả lời.", author=world.member_a, section="Điều 1")
    _published(
        session,
        world,
        [(on_4, "accepted", "Thời hạn ít nhất là 20 ngày."), (on_1, "not_accepted", "")],
    )
    decisions.draft(  # drafted, never published: not in the table
        session=session,
        subcommittee_id=decisions.subcommittees_of(
            session=session, consultation_id=world.consultation.id
        )[0].id,
        target_type="opinion",
        target_id=unanswered,
        outcome="noted",
        explanation="Ghi nhận.",
    )
    _published(session, world, [(general, "noted", "")])
    table = response_report.response_table(
        session=session, consultation_id=world.consultation.id, issue=ISSUE
    )
    assert table.letterhead.issuing_body == world.bloc.name
    labels = [s.label for s in table.sections]
    assert labels[0].startswith("Điều 1") and labels[1].startswith("Điều 4")
    assert labels[-1] == reports.GENERAL_SECTION
    first = table.sections[0].items
    assert [(i.summary, i.outcome) for i in first] == [
        ("Mở rộng phạm vi.", exports.Outcome.NOT_ACCEPTED)
    ]
    assert first[0].raised_by == [exports.Contributor(world.unit_b.name, 1)]
    assert first[0].opinion_ids == [on_1]
    accepted = table.sections[1].items[0]
    assert accepted.new_wording == "Thời hạn ít nhất là 20 ngày."
    rows = list(csv.reader(exports.to_csv(table).lstrip("\ufeff").splitlines()))
    assert len(rows) == 1 + 3


def test_hidden_opinions_are_not_counted_in_the_response_table(session: Session) -> None:
    world = build_world(session)
    kept = _say(session, world, "Giữ lại.", author=world.member_a, section="Điều 3")
    _published(session, world, [(kept, "partly_accepted", "Sửa khoản 2.")])
    opinions.hide(session=session, opinion_id=kept, reason="Trùng lặp")
    table = response_report.response_table(
        session=session, consultation_id=world.consultation.id, issue=ISSUE
    )
    assert table.sections == []


def test_content_disposition_is_vietnamese_safe() -> None:
    from ykien.synthesis.routes.downloads import content_disposition

    header = content_disposition("Báo cáo tổng hợp ý kiến - Đảng bộ Khối.docx")
    assert header.startswith('attachment; filename="bao-cao-tong-hop-y-kien-dang-bo-khoi.docx"')
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o" in header
    assert header.isascii()


# --- real data through LibreOffice -----------------------------------------------------------


def _real_comments(limit: int) -> list[str]:
    path = shared_data("vnexpress-comments", "comments.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, skipinitialspace=True)
        texts = [" ".join(row["content"].split()) for row in rows]
    return [t for t in texts if len(t) > 40][:limit]


@pytest.mark.slow
def test_real_synthesis_report_renders_through_libreoffice(
    sqlite_session: Session, tmp_path: Path
) -> None:
    missing = render.missing_tools()
    if missing and not IN_CI:
        pytest.skip(f"{', '.join(missing)} not installed (Debian: libreoffice-writer-nogui)")
    law = shared_data("vn-legal", "luat-thue-tieu-thu-dac-biet.txt").read_bytes()
    comments = _real_comments(120)
    session = sqlite_session
    bloc = orgs.create(session=session, name="Đảng bộ Khối các cơ quan", kind="party_committee")
    unit = orgs.create(
        session=session, name="Đảng bộ Sở Tài chính", kind="party_committee", parent_id=bloc.id
    )
    member = accounts.create_person(
        session=session, full_name="Trần Văn An", organisation_id=unit.id
    )
    draft = drafts.create_draft(session=session, title="Luật Thuế tiêu thụ đặc biệt", kind="law")
    version = drafts.import_version(session=session, draft_id=draft.id, data=law, filename="l.txt")
    articles = [s for s in drafts.sections_of(session=session, version_id=version.id) if s.label][
        :6
    ]
    consultation = consultations.create(
        session=session,
        title="Lấy ý kiến dự thảo Luật Thuế tiêu thụ đặc biệt",
        draft_version_id=version.id,
        organiser_id=bloc.id,
        opens_at=NOW - timedelta(days=10),
        closes_at=NOW + timedelta(days=20),
    )
    consultations.open_(session=session, consultation_id=consultation.id)
    for number, text in enumerate(comments):
        opinions.submit(
            session=session,
            consultation_id=consultation.id,
            text=text,
            section_id=articles[number % len(articles)].id if number % 4 else None,
            author_person_id=member.id,
            now=NOW,
        )
    drafted = synthesis.draft_synthesis(
        session=session, consultation_id=consultation.id, organisation_id=unit.id, by=member.id
    )
    synthesis.sign_off(session=session, synthesis_id=drafted.id, by=member.id)
    report = reports.synthesis_report(
        session=session, synthesis_id=drafted.id, issue=ISSUE, labels=report_labels()
    )
    pdf = render.docx_to_pdf(exports.to_docx(report), out_dir=tmp_path, stem="real")
    text = " ".join(render.pdf_text(pdf).split())
    assert "ĐẢNG BỘ SỞ TÀI CHÍNH" in text
    assert "BÁO CÁO" in text
    assert "Luật Thuế tiêu thụ đặc biệt" in text
    assert f"Tổng số ý kiến nhận được: {len(comments)} ý kiến" in text
    assert render.pdf_page_count(pdf) >= 2


@pytest.fixture
def sqlite_session(sqlite_engine: Engine) -> Iterator[Session]:
    """The rolled-back session on SQLite only (rendering once is enough)."""
    connection = sqlite_engine.connect()
    outer = connection.begin()
    db = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield db
    finally:
        db.close()
        outer.rollback()
        connection.close()


def _campaign(session: Session, world: World, opinion_ids: list[int]) -> None:
    """A confirmed campaign over the opinions (as a person confirms the analysis's proposal)."""
    run = AnalysisRun(consultation_id=world.consultation.id, status="done")
    session.add(run)
    session.flush()
    group = DuplicateGroup(
        consultation_id=world.consultation.id,
        run_id=run.id,
        canonical_opinion_id=opinion_ids[0],
        size=len(opinion_ids),
        status="confirmed",
    )
    session.add(group)
    session.flush()
    session.add_all(DuplicateMember(group_id=group.id, opinion_id=o) for o in opinion_ids)
    session.flush()


def _docx_text(data: bytes) -> tuple[list[str], list[list[str]]]:
    """The paragraphs and the table rows of a DOCX, as text."""
    import docx

    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    return paragraphs, rows


def test_a_bloc_report_gives_one_deduplicated_total(session: Session) -> None:
    """Issue 12: the bloc's report gave three de-duplicated totals for the same opinions (each
    count table added up its rows) and a summary reading "0 ý kiến ..."."""
    world = build_world(session)
    member_b = accounts.create_person(
        session=session, full_name="Lê Thị Hà", organisation_id=world.unit_b.id
    )
    campaign_text = "Đề nghị giữ thời hạn lấy ý kiến 60 ngày."
    campaign = [
        _say(session, world, campaign_text, author=world.member_a, section="Điều 1"),
        _say(session, world, campaign_text, author=world.member_a, section="Điều 2"),
        _say(session, world, campaign_text, author=member_b.id, section="Điều 1"),
    ]
    _campaign(session, world, campaign)
    # given by a member of unit A on behalf of unit B: in both units' syntheses
    _say(session, world, "Ý kiến thay mặt đơn vị B.", author=world.member_a,
         section="Điều 2", on_behalf_of=world.unit_b.id)  # fmt: skip
    _say(session, world, "Ý kiến chung của đơn vị B.", author=member_b.id)
    _say(session, world, "Góp ý tại hội nghị.", author=world.member_a, section="Điều 1")
    for unit in (world.unit_a, world.unit_b):
        synthesis.submit(
            session=session, synthesis_id=_signed_off(session, world, unit.id, None), by=None
        )
    bloc = _signed_off(session, world, world.bloc.id, None)
    report = reports.synthesis_report(
        session=session, synthesis_id=bloc, issue=ISSUE, labels=report_labels()
    )
    # 6 opinions, the campaign of 3 counts once
    assert (report.totals.raw, report.totals.deduplicated) == (6, 4)
    view = synthesis.view(session=session, synthesis_id=bloc)
    assert (view.totals.total.raw, view.totals.total.unique) == (6, 4), "the page says the same"
    paragraphs, rows = _docx_text(exports.to_docx(report))
    totals = [row for row in rows if row[1] == "Cộng"]
    assert len(totals) == 3  # by organisation, by channel, by kind
    assert {(row[2], row[3]) for row in totals} == {("6", "4")}
    text = "\n".join(paragraphs)
    assert "Tổng số ý kiến nhận được: 6 ý kiến; sau khi gộp các ý kiến trùng lặp còn 4" in text
    assert exports.NOT_SUMMED_NOTE in text, "why the rows do not add up to the total"
    summary = view.synthesis.summary
    assert "0 ý kiến" not in summary
    assert "6 ý kiến" in summary and "4 ý kiến" in summary and "2 đơn vị" in summary


def test_the_report_states_speakers_against_attendees_and_quotes_proposed_wordings(
    session: Session,
) -> None:
    from ykien.events import service as events

    world = build_world(session)
    seminar = events.create_event(
        session=session,
        consultation_id=world.consultation.id,
        title="Tọa đàm góp ý dự thảo",
        kind="seminar",
        starts_at=NOW,
        organiser_ids=[world.unit_a.id],
        attendees=[events.AttendeeIn(name=n) for n in ("Lê Thị Mai", "Trần Văn Khách", "Hà An")],
    )
    for speaker, text in (("Lê Thị Mai", "Ý kiến một."), ("Lê Thị Mai", "Ý kiến hai.")):
        opinions.submit(
            session=session, consultation_id=world.consultation.id, text=text, channel="event",
            event_id=seminar.id, author_name=speaker, on_behalf_of_id=world.unit_a.id, now=NOW,
        )  # fmt: skip
    wording = "  Phạm vi điều chỉnh gồm cả các tổ chức đoàn thể.  "
    opinions.submit(
        session=session, consultation_id=world.consultation.id, text="Sửa Điều 1.",
        kind="amend", proposed_wording=wording, section_id=world.section("Điều 1").id,
        author_person_id=world.member_a, now=NOW,
    )  # fmt: skip
    drafted = _signed_off(session, world, world.unit_a.id, None)

    report = reports.synthesis_report(session=session, synthesis_id=drafted, issue=ISSUE)
    assert [(m.title, m.speakers, m.attendees) for m in report.meetings] == [
        ("Tọa đàm góp ý dự thảo", 1, 3)  # one speaker gave two opinions; three attended
    ]
    assert [(w.section, w.quote.text) for w in report.wordings] == [
        ("Điều 1", "Phạm vi điều chỉnh gồm cả các tổ chức đoàn thể.")
    ]
    paragraphs, rows = _docx_text(exports.to_docx(report))
    assert ["1", "Tọa đàm góp ý dự thảo", f"{NOW + timedelta(hours=7):%d/%m/%Y}", "1", "3"] in rows
    assert any("Điều 1: “Phạm vi điều chỉnh gồm cả các tổ chức đoàn thể.”" in p for p in paragraphs)
    assert exports.from_json(exports.to_json(report)) == report
