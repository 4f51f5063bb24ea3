"""Minutes (biên bản) of grassroots meetings, written for these tests in tests/events/minutes/:
their sections (Thành phần, Nội dung, Kết luận), "Đ/c A – title phát biểu: ..." speakers, the
chair's conclusion, "Vào lúc 14 giờ 00 phút, ngày 12 tháng 3 năm 2025" and "Địa điểm: ..."."""

from __future__ import annotations

from pathlib import Path

from ykien.events.extract import EventProposal, extract_event
from ykien.events.roles import sentence_role

MINUTES = Path(__file__).with_name("minutes")


def _minutes(name: str) -> EventProposal:
    return extract_event((MINUTES / name).read_text(encoding="utf-8"))


def _people(proposal: EventProposal) -> dict[str, list[str]]:
    return {p.name.text: [t.text for t in p.titles] for p in proposal.people}


def test_cell_meeting_minutes() -> None:
    found = _minutes("chi_bo_gop_y_van_kien.txt")
    assert found.title is not None and found.title.text.endswith("Đảng bộ phường lần thứ XIII")
    assert [(d.day, d.month, d.year, d.hour, d.minute) for d in found.dates][:1] == [
        (12, 3, 2025, 14, 0)
    ]
    assert found.place is not None and found.place.text == "Nhà văn hóa khu phố 3"
    assert [o.text for o in found.organisers] == ["Chi bộ Khu phố 3"]
    assert _people(found) == {
        "Nguyễn Văn Hùng": ["Bí thư chi bộ"],
        "Lê Thị Mai": ["Chi ủy viên"],
        "Trần Quốc Bảo": ["Phó Bí thư Đảng ủy phường"],
        "Phạm Văn Tâm": ["Tổ trưởng tổ dân phố 5"],
        "Võ Thị Hạnh": ["Chi hội trưởng Chi hội Phụ nữ"],
        "Đỗ Minh Quang": [],
    }
    assert [o.text for o in found.opinions] == [
        "Dự thảo đánh giá kết quả phát triển kinh tế còn chung chung, cần bổ sung số liệu cụ "
        "thể về thu nhập bình quân của người dân",
        "Phần phương hướng nên có chỉ tiêu riêng về chăm lo người cao tuổi neo đơn",
    ]
    assert [r.text for r in found.recommendations] == [
        "bổ sung giải pháp chống ngập tại các tuyến hẻm của khu phố"
    ]
    assert len(found.commitments) == 1 and "sẽ tổng hợp" in found.commitments[0].text
    # the chair's conclusion is a directive, never an opinion
    assert len(found.directives) == 1 and "kết luận" in found.directives[0].text
    # who attended and who took the minutes is reporting
    assert not any("Thư ký" in o.text or "vắng" in o.text for o in found.opinions)


def test_voters_meeting_minutes() -> None:
    found = _minutes("hoi_nghi_cu_tri_to_dan_pho.txt")
    assert found.title is not None and found.title.text.startswith("BIÊN BẢN HỘI NGHỊ\nLấy ý kiến")
    assert found.kind == "conference"
    assert [(d.day, d.month, d.year, d.hour, d.minute) for d in found.dates][:1] == [
        (5, 2, 2023, 19, 30)
    ]
    assert found.place is not None and found.place.text == "Hội trường khu phố 2, Phường 7"
    people = _people(found)
    assert people["Lê Văn Phúc"] == ["Trưởng ban công tác Mặt trận khu phố 2"]
    assert people["Nguyễn Thị Thu"] == ["Tổ trưởng tổ dân phố 4"]
    assert "HỘI NGHỊ" not in [o.text for o in found.organisations]
    assert [o.text for o in found.opinions] == [
        "Giá đất bồi thường khi thu hồi còn thấp hơn nhiều so với giá thị trường, người dân "
        "bị thiệt thòi",
        "Thủ tục cấp giấy chứng nhận quyền sử dụng đất vẫn còn rườm rà, phải đi lại nhiều lần",
    ]
    assert [r.text for r in found.recommendations] == [
        "bổ sung quy định công khai bảng giá đất tại trụ sở Ủy ban nhân dân phường"
    ]
    assert [d.text.split(" kết luận")[0] for d in found.directives] == ["Ông Lê Văn Phúc"]


def test_a_speaker_line_of_minutes_is_a_view() -> None:
    role, cue_end = sentence_role("Đ/c Nguyễn Văn A – Bí thư chi bộ: Cần rút gọn phần mở đầu.")
    assert role == "opinion"
    assert cue_end == len("Đ/c Nguyễn Văn A – Bí thư chi bộ: ")
    # the chair answering or concluding is not a view
    assert sentence_role("Ông Lê Văn B trả lời: Sẽ sửa tuyến đường trong quý III.")[0] != "opinion"
    assert sentence_role("Đ/c Trần Văn C kết luận: giao chi ủy tổng hợp.")[0] == "directive"


def test_a_fact_told_is_not_a_view() -> None:
    assert sentence_role("Ông Hùng cho biết, xã còn 12 hộ chưa có điện, cần thêm vốn.")[0] == (
        "reporting"
    )


def test_a_request_and_its_reason() -> None:
    found = extract_event(
        "Tọa đàm góp ý dự thảo\nĐại biểu đề nghị bỏ giới hạn làm thêm giờ theo tháng vì quy "
        "định theo tháng sẽ cứng nhắc, không phù hợp với sản xuất theo mùa vụ."
    )
    assert [r.text for r in found.recommendations] == ["bỏ giới hạn làm thêm giờ theo tháng"]
    assert [o.text for o in found.opinions] == [
        "quy định theo tháng sẽ cứng nhắc, không phù hợp với sản xuất theo mùa vụ"
    ]


def test_a_quoted_view_over_several_sentences_is_one_view() -> None:
    found = extract_event(
        "Tọa đàm góp ý dự thảo\nÔng Nam nhấn mạnh: “Không nên bê tông hóa bờ sông. Hãy giữ lại "
        "hàng cây cho người dân.”\nTọa đàm kết thúc lúc 11 giờ."
    )
    assert [o.text for o in found.opinions] == [
        "“Không nên bê tông hóa bờ sông. Hãy giữ lại hàng cây cho người dân.”"
    ]


def test_organisation_names_listed_with_commas_and_acronyms() -> None:
    found = extract_event(
        "Hội thảo\nBộ Văn hóa, Thể thao và Du lịch phối hợp với Ủy ban Văn hóa, Giáo dục của "
        "Quốc hội tổ chức hội thảo. Đại diện Bộ GD&ĐT và Đoàn TP. Hồ Chí Minh tham dự."
    )
    names = [o.text for o in found.organisations]
    assert "Bộ Văn hóa, Thể thao và Du lịch" in names
    assert "Bộ GD&ĐT" in names
    assert "Đoàn TP. Hồ Chí Minh" in names
