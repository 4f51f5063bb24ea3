"""One test per extraction rule of issue 14, on short reports written for these tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ykien.events.clean import Removed, clean_report
from ykien.events.dates import all_dates, anchored_year
from ykien.events.extract import extract_event
from ykien.events.mentions import DateMention, Mention

LEAD = (
    "Sáng 12/5, Công đoàn Khối các cơ quan thành phố tổ chức tọa đàm góp ý dự thảo văn kiện "
    "Đại hội Đảng bộ thành phố lần thứ XVII với sự tham dự của hơn 100 đoàn viên."
)


def _day_month(found: list[DateMention]) -> list[tuple[int, int, int | None]]:
    return [(d.day, d.month, d.year) for d in found]


# --- cleaning by structure ---


def test_a_lone_letter_line_is_furniture_and_not_the_title() -> None:
    text, removed = clean_report(f"M\nTọa đàm góp ý văn kiện\n{LEAD}")
    assert text.split("\n")[0] == "Tọa đàm góp ý văn kiện"
    assert removed == [Removed("lone_letter", "M")]
    assert extract_event(f"M\nTọa đàm góp ý văn kiện\n{LEAD}").title.text == (  # type: ignore[union-attr]
        "Tọa đàm góp ý văn kiện"
    )


def test_a_drop_cap_is_joined_to_its_word() -> None:
    text, removed = clean_report(
        "Tọa đàm góp ý văn kiện\nS\náng 12/5, Công đoàn Khối tổ chức tọa đàm."
    )
    assert text.split("\n")[1].startswith("Sáng 12/5,")
    assert removed == []


def test_a_publication_timestamp_line_is_removed() -> None:
    for stamp in ("12/05/2020 17:59", "Thứ ba, 12/5/2020 - 17:59 (GMT+7)", "17:59 12-05-2020"):
        text, removed = clean_report(f"Tọa đàm góp ý văn kiện\n{stamp}\n{LEAD}")
        assert stamp not in text
        assert removed == [Removed("timestamp", stamp)]


def test_image_file_ids_and_their_captions_are_removed() -> None:
    raw = (
        f"Tọa đàm góp ý văn kiện\n{LEAD}\n1234 nguyen van a\nĐồng chí Nguyễn Văn A phát biểu"
        f"\nCác ý kiến đều tán thành dự thảo và đề nghị bổ sung nội dung về chuyển đổi số.\n"
        "5678 anh 2 1\nQuang cảnh tọa đàm."
    )
    text, removed = clean_report(raw)
    assert [r.text for r in removed] == [
        "1234 nguyen van a",
        "Đồng chí Nguyễn Văn A phát biểu",
        "5678 anh 2 1",
        "Quang cảnh tọa đàm.",
    ]
    assert {r.reason for r in removed} == {"photo_caption"}
    assert "Các ý kiến đều tán thành" in text


def test_a_paragraph_after_an_image_id_is_not_taken_for_its_caption() -> None:
    paragraph = "Tọa đàm kết thúc lúc 11 giờ. Các đại biểu thống nhất gửi ý kiến lên Thành ủy."
    text, removed = clean_report(f"Tọa đàm\n{LEAD}\n1234 nguyen van a\n{paragraph}")
    assert paragraph in text
    assert removed == [Removed("photo_caption", "1234 nguyen van a")]


def test_related_headlines_between_the_lead_and_the_body_are_removed() -> None:
    headlines = [
        "Quận Tây Hồ lấy ý kiến nhân dân về quy hoạch phân khu",
        "Thanh niên Thủ đô ra quân tình nguyện hè",
    ]
    body = (
        "Dự tọa đàm có đồng chí Nguyễn Văn A, Bí thư Đảng ủy Khối và hơn 150 đoàn viên, hội viên."
    )
    text, removed = clean_report("\n".join(["Tọa đàm góp ý văn kiện", LEAD, *headlines, body]))
    assert text.split("\n") == ["Tọa đàm góp ý văn kiện", LEAD, body]
    assert removed == [Removed("related_headlines", h) for h in headlines]


def test_a_single_subheading_in_the_body_is_kept() -> None:
    body = (
        "Dự tọa đàm có đồng chí Nguyễn Văn A, Bí thư Đảng ủy Khối và hơn 150 đoàn viên, hội viên."
    )
    lines = ["Tọa đàm góp ý văn kiện", LEAD, "Nhiều ý kiến tâm huyết", body]
    text, removed = clean_report("\n".join(lines))
    assert text.split("\n") == lines
    assert removed == []


# --- dates ---


def test_day_dot_month_after_a_time_of_day_is_a_date() -> None:
    found = all_dates("Chiều 19.6, Quốc hội thảo luận. Tỷ lệ tăng 19.6% so với cùng kỳ.")
    assert _day_month(found) == [(19, 6, None)]


def test_every_written_form_of_a_date() -> None:
    text = "Sáng 23/6 họp; chiều 23-6 họp; tối 23.6 họp; ngày 23 tháng 6 năm 2020 họp."
    assert _day_month(all_dates(text)) == [
        (23, 6, None),
        (23, 6, None),
        (23, 6, None),
        (23, 6, 2020),
    ]


def test_a_range_gives_its_first_and_last_day() -> None:
    assert _day_month(all_dates("Kỳ họp diễn ra từ ngày 24-25/6.")) == [
        (24, 6, None),
        (25, 6, None),
    ]


def test_the_event_year_comes_from_the_timestamp_line() -> None:
    proposal = extract_event(f"Tọa đàm góp ý văn kiện\n12/05/2020 17:59\n{LEAD}")
    first = proposal.dates[0]
    assert (first.day, first.month, first.year) == (12, 5, None)
    assert proposal.reference_date == date(2020, 5, 12)
    assert proposal.year_of(first) == 2020


def test_a_year_turn_between_the_event_and_the_report() -> None:
    december = DateMention(Mention("28/12", 0, 5), 28, 12, None, None, None)
    january = DateMention(Mention("5/1", 0, 3), 5, 1, None, None, None)
    assert anchored_year(december, date(2021, 1, 5)) == 2020
    assert anchored_year(january, date(2020, 12, 20)) == 2021
    assert anchored_year(january, None) is None


def test_only_the_event_dates_are_proposed_as_the_event_dates() -> None:
    raw = (
        "Tọa đàm góp ý văn kiện\n"
        f"{LEAD} Theo Nghị quyết số 05-NQ/ĐUK ngày 10/01/2020, ý kiến gửi trước ngày 30/5."
    )
    proposal = extract_event(raw)
    assert _day_month(proposal.dates) == [(12, 5, None)]
    assert (30, 5, None) in _day_month(proposal.other_dates)


# --- kind ---


def test_a_national_assembly_debate_is_not_a_seminar() -> None:
    proposal = extract_event(
        "Quốc hội thảo luận dự án Luật Quy hoạch\n"
        "Chiều 23.5, Quốc hội thảo luận ở hội trường về dự án Luật Quy hoạch."
    )
    assert proposal.kind is None


def test_the_kind_comes_from_the_headline_and_the_lead() -> None:
    lead = "Sáng 12/5, Đoàn đại biểu Quốc hội thành phố tiếp xúc cử tri quận Hải Châu."
    later = "Tại cuộc đối thoại của Thủ tướng tuần trước, doanh nghiệp đã nêu vấn đề này."
    proposal = extract_event(f"Cử tri kiến nghị về quy hoạch\n{lead}\nÝ kiến.\n{later}")
    assert proposal.kind == "dialogue"
    other = extract_event(f"Doanh nghiệp kiến nghị\nSáng 12/5, Quốc hội họp.\nÝ kiến.\nB.\n{later}")
    assert other.kind is None


def test_a_dialogue_conference_is_a_dialogue() -> None:
    proposal = extract_event("Hội nghị đối thoại với đoàn viên\nSáng 12/5, hội nghị diễn ra.")
    assert proposal.kind == "dialogue"


# --- drafts and resolutions ---


def test_three_drafts_in_one_coordinated_phrase() -> None:
    proposal = extract_event(
        "Tọa đàm\nĐoàn viên góp ý dự thảo văn kiện Đại hội Đảng bộ Khối lần thứ XIII, Đại hội "
        "Đảng bộ thành phố lần thứ XVII và Đại hội đại biểu toàn quốc lần thứ XIII của Đảng. "
        "Ý kiến về dự thảo văn kiện Đại hội Đảng bộ Khối lần thứ XIII rất sâu sắc."
    )
    assert [m.text for m in proposal.drafts] == [
        "dự thảo văn kiện Đại hội Đảng bộ Khối lần thứ XIII",
        "Đại hội Đảng bộ thành phố lần thứ XVII",
        "Đại hội đại biểu toàn quốc lần thứ XIII của Đảng",
    ]
    for draft in proposal.drafts:
        assert proposal.text[draft.start : draft.end] == draft.text


def test_a_bill_is_a_draft() -> None:
    proposal = extract_event("Phiên họp\nQuốc hội thảo luận dự án Luật Thủy lợi tại hội trường.")
    assert [m.text for m in proposal.drafts] == ["dự án Luật Thủy lợi"]


def test_decrees_and_circulars_are_not_resolutions() -> None:
    proposal = extract_event(
        "Hội nghị\nHội nghị quán triệt Nghị quyết số 18-NQ/TW, Nghị định 15/2020/NĐ-CP, "
        "Thông tư 23/2015/TT-BGDĐT và Luật số 77/2015/QH13."
    )
    assert [m.text for m in proposal.resolutions] == ["Nghị quyết số 18-NQ/TW"]
    assert [m.text for m in proposal.legal_documents] == [
        "Nghị định 15/2020/NĐ-CP",
        "Thông tư 23/2015/TT-BGDĐT",
        "Luật số 77/2015/QH13",
    ]


def test_every_decision_of_a_coordinated_list() -> None:
    proposal = extract_event(
        "Hội nghị\nThực hiện Quyết định 101, 102 của Ban Thường vụ và Quyết định 103 của Thành ủy."
    )
    assert [m.text for m in proposal.resolutions] == ["Quyết định 101", "102", "Quyết định 103"]


def test_a_resolution_named_by_its_plenum() -> None:
    proposal = extract_event(
        "Hội nghị\nHọc tập Nghị quyết Hội nghị lần thứ tư Ban Chấp hành Trung ương Đảng khóa XII."
    )
    assert [m.text for m in proposal.resolutions] == [
        "Nghị quyết Hội nghị lần thứ tư Ban Chấp hành Trung ương Đảng khóa XII"
    ]


# --- people ---


def _people(raw: str) -> list[tuple[str, list[str]]]:
    return [(p.name.text, [t.text for t in p.titles]) for p in extract_event(raw).people]


def test_a_title_before_a_name_without_an_honorific() -> None:
    raw = (
        "Hội nghị\nPhó Chủ nhiệm Ủy ban Kinh tế Nguyễn Văn An, Bí thư Tỉnh đoàn Trần Văn Bình "
        "và Cử tri Lê Thị Cúc phát biểu."
    )
    assert _people(raw) == [
        ("Nguyễn Văn An", ["Phó Chủ nhiệm Ủy ban Kinh tế"]),
        ("Trần Văn Bình", ["Bí thư Tỉnh đoàn"]),
        ("Lê Thị Cúc", ["Cử tri"]),
    ]


def test_a_name_never_keeps_its_honorific() -> None:
    raw = "Hội nghị\nÔng Phạm Văn Dũng - Phó Tổng thư ký Quốc hội cho biết lịch làm việc."
    proposal = extract_event(raw)
    assert _people(raw) == [("Phạm Văn Dũng", ["Phó Tổng thư ký Quốc hội"])]
    assert proposal.people[0].honorific == "ông"


def test_office_honorifics_and_delegations_are_titles() -> None:
    raw = (
        "Quốc hội thảo luận\nĐại biểu Vũ Thị Nguyệt (Đoàn Hưng Yên) cho rằng cần sửa. "
        "GS.TS Nguyễn Quý Thanh nhấn mạnh vai trò kiểm định. ĐB Trần Thị Hiền (Hà Nam) đồng tình."
    )
    assert _people(raw) == [
        ("Vũ Thị Nguyệt", ["Đại biểu", "Đoàn Hưng Yên"]),
        ("Nguyễn Quý Thanh", ["GS.TS"]),
        ("Trần Thị Hiền", ["ĐB"]),
    ]


def test_one_record_per_person_with_all_titles() -> None:
    raw = (
        "Tọa đàm\nDự có đồng chí Đỗ Quang Vinh, Thành ủy viên, Bí thư Đảng ủy Khối. "
        "Phó Chánh Văn phòng Hà Minh Tâm phát biểu. Ông Hà Minh Tâm - Phó Chánh Văn phòng UBND "
        "thành phố cho rằng cần sửa. Đồng chí Đỗ Quang Vinh kết luận."
    )
    assert _people(raw) == [
        ("Đỗ Quang Vinh", ["Thành ủy viên", "Bí thư Đảng ủy Khối"]),
        ("Hà Minh Tâm", ["Phó Chánh Văn phòng UBND thành phố"]),
    ]


def test_people_only_referred_to_are_not_proposed() -> None:
    raw = (
        "Hội nghị\nTheo chỉ đạo của Phó Thủ tướng Vũ Đức Đam, Bộ trưởng Nguyễn Văn Cường "
        "cho biết sẽ lấy ý kiến. Quốc hội ra nghị quyết đối với ông Trần Văn Dũng."
    )
    assert _people(raw) == [("Nguyễn Văn Cường", ["Bộ trưởng"])]


def test_a_generic_draft_beside_named_ones_is_left_out() -> None:
    proposal = extract_event(
        "Tọa đàm góp ý dự thảo văn kiện đại hội các cấp\n"
        "Đoàn viên góp ý dự thảo văn kiện Đại hội Đảng bộ Khối lần thứ XIII."
    )
    assert [m.text for m in proposal.drafts] == [
        "dự thảo văn kiện Đại hội Đảng bộ Khối lần thứ XIII"
    ]


# --- organisers ---


def test_the_lead_organiser_of_a_joint_event() -> None:
    proposal = extract_event(
        "Hội nghị\nSáng 12/5, Ủy ban MTTQ quận Hoàn Kiếm phối hợp với Hội Luật gia quận và Hội "
        "Nông dân quận tổ chức hội nghị lấy ý kiến."
    )
    assert [m.text for m in proposal.organisers] == [
        "Ủy ban MTTQ quận Hoàn Kiếm",
        "Hội Luật gia quận",
        "Hội Nông dân quận",
    ]


# --- the role of each sentence ---


def _roles(raw: str) -> dict[str, list[str]]:
    proposal = extract_event(f"Tọa đàm\n{raw}")
    names = ("opinions", "recommendations", "commitments", "directives", "explanations")
    return {
        name: [m.text for m in getattr(proposal, name)] for name in names if getattr(proposal, name)
    }


def test_a_caption_and_a_reporting_sentence_are_not_opinions() -> None:
    assert (
        _roles(
            "Đồng chí Nguyễn Văn An phát biểu tại buổi tọa đàm. "
            "Ông Trần Văn Bình cho biết tọa đàm thu hút 150 đại biểu tham dự. "
            "Đại biểu Lê Văn Cường phát biểu - Ảnh: Minh Anh."
        )
        == {}
    )


def test_the_view_starts_after_the_reporting_verb() -> None:
    assert _roles(
        "Đồng tình với đề xuất này, bà Trần Thị Mai nêu rõ, cần công khai kết luận thanh tra. "
        "Theo ông Nguyễn Văn An, quy định này còn chung chung."
    ) == {"opinions": ["cần công khai kết luận thanh tra", "quy định này còn chung chung"]}


def test_the_drafting_body_explains_and_the_chair_directs() -> None:
    assert _roles(
        "Giải trình ý kiến đại biểu, Bộ trưởng Nguyễn Văn An cho rằng quy định đã đủ rõ. "
        "Kết luận hội nghị, đồng chí Trần Văn Bình đề nghị các cơ quan tiếp tục lấy ý kiến."
    ) == {
        "directives": [
            "Kết luận hội nghị, đồng chí Trần Văn Bình đề nghị các cơ quan tiếp tục lấy ý kiến."
        ],
        "explanations": [
            "Giải trình ý kiến đại biểu, Bộ trưởng Nguyễn Văn An cho rằng quy định đã đủ rõ."
        ],
    }


def test_a_request_word_used_as_a_noun_is_no_recommendation() -> None:
    assert _roles("Việc trả lời kiến nghị của cử tri vẫn là khâu yếu.") == {}
    assert _roles("Cử tri kiến nghị, đề xuất Quốc hội giám sát an toàn thực phẩm.") == {
        "recommendations": ["Quốc hội giám sát an toàn thực phẩm"]
    }


def test_a_list_of_views_gives_one_item_each() -> None:
    assert _roles(
        "Bà Trần Thị Mai cho rằng cần làm rõ tiêu chí; nên rút gọn phần mở đầu; cần bổ sung số liệu."
    ) == {"opinions": ["cần làm rõ tiêu chí", "nên rút gọn phần mở đầu", "cần bổ sung số liệu"]}


def test_the_design_report_every_item_right_nothing_extra() -> None:
    """A city newspaper's report of a joint seminar on three drafts (tests/events/reports)."""
    raw = (Path(__file__).parent / "reports" / "news_three_drafts.txt").read_text(encoding="utf-8")
    p = extract_event(raw)
    assert p.title is not None and p.title.text.startswith("Ba tổ chức đoàn thể Khối tọa đàm")
    assert p.kind == "seminar"
    assert [(d.day, d.month, p.year_of(d)) for d in p.dates] == [(12, 5, 2020)]
    assert [m.text for m in p.organisers] == [
        "Công đoàn Khối các cơ quan thành phố",
        "Hội Cựu chiến binh Khối",
        "Đoàn Thanh niên Khối",
    ]
    assert [m.text for m in p.drafts] == [
        "dự thảo văn kiện Đại hội Đảng bộ Khối lần thứ XIII",
        "Đại hội Đảng bộ thành phố lần thứ XVII",
        "Đại hội đại biểu toàn quốc lần thứ XIII của Đảng",
    ]
    assert [(x.name.text, [t.text for t in x.titles]) for x in p.people] == [
        ("Đỗ Quang Vinh", ["Thành ủy viên", "Bí thư Đảng ủy Khối các cơ quan thành phố"]),
        ("Hà Minh Tâm", ["Phó Bí thư Đảng ủy Khối"]),
        ("Lương Thị Hạnh", ["Chủ tịch Công đoàn Khối"]),
        ("Trịnh Văn Sơn", ["Bí thư Đoàn Thanh niên Khối"]),
    ]
    assert len(p.opinions) == 7  # six enumerated themes and one view
    assert p.opinions[-1].text.startswith("dự thảo cần làm rõ hơn giải pháp")
    assert [m.text for m in p.recommendations] == [
        "Đảng ủy Khối sớm ban hành quy chế đối thoại định kỳ giữa người đứng đầu cấp ủy với "
        "đoàn viên thanh niên"
    ]
    assert len(p.commitments) == 1 and "sẽ tiếp thu đầy đủ" in p.commitments[0].text
    assert len(p.directives) == 1 and p.directives[0].text.startswith("Kết luận tọa đàm")
    assert p.explanations == []
    assert [m.text for m in p.resolutions] == [
        "Quyết định 101",
        "102",
        "Quyết định 103",
        "Nghị quyết số 05-NQ/ĐUK ngày 10/01/2020",
    ]
    assert [m.text for m in p.legal_documents] == ["Nghị định 15/2020/NĐ-CP"]
    assert {r.reason for r in p.removed} == {
        "lone_letter", "timestamp", "photo_caption", "related_headlines", "outlet_tag", "byline"
    }  # fmt: skip
    for m in p.opinions + p.recommendations + p.drafts + p.resolutions:
        assert p.text[m.start : m.end] == m.text
