"""Search keys, queries, highlighting and the stored keys (intake, import, migration)."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from tests.factories import NOW, World, build_world
from ykien.accounts import service as accounts
from ykien.db import migrate
from ykien.db.engine import make_session_factory, unit_of_work
from ykien.errors import UserError
from ykien.opinions import search
from ykien.opinions import service as opinions
from ykien.opinions.importer import import_opinions
from ykien.opinions.models import Opinion
from ykien.opinions.search import (
    FOLD,
    TONE,
    aligned_key,
    apply_search,
    document_keys,
    highlight_spans,
    parse_query,
    segments,
    text_keys,
)


def nfd(value: str) -> str:
    return unicodedata.normalize("NFD", value)


def matches(query: str, document: str) -> bool:
    """What the database does: the query's key inside the stored key of the document."""
    parsed = parse_query(query)
    assert parsed is not None
    fold, tone = document_keys(document)
    return parsed.key in (tone if parsed.mode == TONE else fold)


def marked(document: str, query: str) -> list[str]:
    spans = highlight_spans(document, parse_query(query))
    return [document[start:end] for start, end in spans]


# --- keys and queries -----------------------------------------------------------------------


def test_a_query_without_diacritics_ignores_them() -> None:
    assert parse_query("nguyen doan hoan") == search.SearchQuery(
        "nguyen doan hoan", FOLD, "nguyen doan hoan"
    )
    assert matches("nguyen doan hoan", "Ông Nguyễn Doãn Hoàn phát biểu")
    assert matches("NGUYEN  Doan hoan", "Ông Nguyễn Doãn Hoàn phát biểu")
    assert matches("dang uy", "Nghị quyết của Đảng ủy khối")
    assert matches("dang uy", "Nghị quyết của Đảng uỷ khối")
    assert matches("dang uy", "ĐẢNG ỦY")
    # no diacritics means any: the decided (and documented) behaviour, not a false match
    assert matches("dang", "thật đáng quý")
    assert matches("dang uy", "đang ủy nhiệm")


def test_a_query_with_diacritics_is_exact_up_to_tone_placement() -> None:
    parsed = parse_query("Đảng ủy")
    assert parsed is not None and parsed.mode == TONE
    assert matches("Đảng ủy", "Nghị quyết của Đảng ủy khối")
    assert matches("Đảng ủy", "Nghị quyết của Đảng uỷ khối")  # old-style tone placement
    assert matches("Đảng uỷ", "Nghị quyết của Đảng ủy khối")
    assert matches("đảng ủy", "ĐẢNG ỦY")
    assert matches("hoà bình", "vì hòa bình")
    assert matches("Thuỷ", "Nguyễn Thị Thủy")
    assert not matches("Đảng ủy", "đang ủy nhiệm")
    assert not matches("Đảng ủy", "dâng ủy")
    assert not matches("Đảng", "dâng hoa")
    assert not matches("đáng", "Đảng ủy")
    assert not matches("đang", "Đảng ủy")  # the level tone is a tone too
    assert matches("đang", "đang họp")
    assert not matches("hòa", "Hoàng")  # whole syllables
    assert matches("Nguyễn Doãn Hoàn", "ông Nguyễn Doãn Hoàn")
    assert not matches("Nguyễn Doãn Hoàn", "ông Nguyễn Doãn Hoàng")


def test_decomposed_input_gives_the_same_keys_and_matches() -> None:
    composed = "Đảng uỷ khối, hoà bình"
    assert text_keys(nfd(composed)) == text_keys(composed)
    assert document_keys(nfd(composed)) == document_keys(composed)
    assert matches(nfd("Đảng ủy"), composed)
    assert matches("Đảng ủy", nfd(composed))


def test_keys_collapse_spacing_and_keep_parts_apart() -> None:
    fold, tone = document_keys("Ý  kiến\n về\tĐảng   ủy", "Lê Văn A", "Chi bộ B")
    assert fold == "y kien ve dang uy \n le van a \n chi bo b"
    assert "\n" in tone and "  " not in tone
    assert not matches("dang uy le", "Ý kiến về Đảng ủy")  # no match across text and author
    assert document_keys("x", None, "") == document_keys("x")


def test_queries_are_cleaned_and_bounded() -> None:
    assert parse_query(None) is None and parse_query("   ") is None
    assert parse_query("\u200b") is None
    assert parse_query("a\x00b") == search.SearchQuery("ab", FOLD, "ab")
    with pytest.raises(UserError) as error:
        parse_query("x" * (search.MAX_QUERY + 1))
    assert error.value.code == "query_too_long"


def test_like_wildcards_in_a_query_are_literal(session: Session) -> None:
    world = build_world(session)
    _submit(session, world, "Tỷ lệ 50% số đảng viên")
    _submit(session, world, "Tỷ lệ 50 phần trăm")
    assert _texts(session, "50%") == ["Tỷ lệ 50% số đảng viên"]
    assert _texts(session, "50_") == []


# --- highlighting ---------------------------------------------------------------------------


def test_highlight_marks_the_original_spelling() -> None:
    document = "Ban chấp hành Đảng uỷ khối và Đảng ủy xã"
    assert marked(document, "dang uy") == ["Đảng uỷ", "Đảng ủy"]
    assert marked(document, "Đảng ủy") == ["Đảng uỷ", "Đảng ủy"]
    assert marked("ĐẢNG  ỦY, khối", "dang uy") == ["ĐẢNG  ỦY"]
    assert marked("(Đảng ủy)", "Đảng ủy") == ["Đảng ủy"]
    assert marked("Nguyễn Doãn Hoàn", "doan") == ["Doãn"]
    assert marked("vì hòa bình", "hoà bình") == ["hòa bình"]
    assert marked("đang dâng", "Đảng") == []


def test_highlight_maps_offsets_of_decomposed_text() -> None:
    document = nfd("Ý kiến về Đảng uỷ khối")
    spans = highlight_spans(document, parse_query("Đảng ủy"))
    assert len(spans) == 1
    start, end = spans[0]
    assert unicodedata.normalize("NFC", document[start:end]) == "Đảng uỷ"
    assert unicodedata.normalize("NFC", document[:start]) == "Ý kiến về "
    spans = highlight_spans(document, parse_query("dang uy khoi"))
    assert unicodedata.normalize("NFC", document[spans[0][0] : spans[0][1]]) == "Đảng uỷ khối"
    assert spans[0][1] == len(document)


def test_a_middle_of_word_match_is_marked_inside_the_word() -> None:
    assert marked("Nguyễn Doãn Hoàn", "guyen") == ["guyễn"]
    assert marked("thuỷ lợi", "uy") == ["uỷ"]


def test_segments_cut_the_text_for_escaping() -> None:
    value = "<b>Đảng ủy</b> & Đảng uỷ"
    spans = highlight_spans(value, parse_query("dang uy"))
    pieces = segments(value, spans)
    assert pieces == [("<b>", False), ("Đảng ủy", True), ("</b> & ", False), ("Đảng uỷ", True)]
    assert "".join(piece for piece, _ in pieces) == value
    assert segments(value, []) == [(value, False)]
    assert segments(None, []) == []


VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
)
texts = st.text(
    alphabet=st.sampled_from(
        VIETNAMESE + VIETNAMESE.upper() + "  \n\t.,;:!?()-–\"'0123456789<>&%_"
    ),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(texts, st.booleans())
def test_the_aligned_key_is_the_stored_key(value: str, decompose: bool) -> None:
    value = nfd(value) if decompose else value
    fold, tone = text_keys(value)
    for mode, expected in ((FOLD, fold), (TONE, tone)):
        aligned = aligned_key(value, mode)
        assert aligned is not None
        key, origin = aligned
        assert key == expected
        assert len(origin) == len(key)
        assert all(0 <= start < end <= len(value) for start, end in origin)


@settings(max_examples=300, deadline=None)
@given(texts, st.data())
def test_a_phrase_taken_from_the_text_is_found_and_marked(value: str, data: st.DataObject) -> None:
    words = value.split()
    if not words:
        return
    first = data.draw(st.integers(0, len(words) - 1))
    last = data.draw(st.integers(first, len(words) - 1))
    phrase = " ".join(words[first : last + 1])
    query = parse_query(data.draw(st.sampled_from([phrase, nfd(phrase), phrase.upper()])))
    if query is None:
        return
    spans = highlight_spans(value, query)
    assert spans, (value, phrase)
    for start, end in spans:  # every marked span is itself a match
        assert query.key in text_keys(value[start:end])[0 if query.mode == FOLD else 1]


# --- stored keys ----------------------------------------------------------------------------


def _submit(session: Session, world: World, body: str, **fields: object) -> Opinion:
    fields.setdefault("author_person_id", world.member_a)
    return opinions.submit(
        session=session,
        consultation_id=world.consultation.id,
        text=body,
        now=NOW,
        **fields,  # type: ignore[arg-type]
    ).opinion


def _texts(session: Session, query: str) -> list[str]:
    found = session.execute(apply_search(select(Opinion.text).order_by(Opinion.id), query))
    return list(found.scalars())


def test_submit_stores_the_keys_of_text_author_and_organisation(session: Session) -> None:
    world = build_world(session)
    mine = _submit(session, world, "Đề nghị Đảng uỷ khối xem xét.")
    assert (mine.search_fold, mine.search_tone) == document_keys(
        "Đề nghị Đảng uỷ khối xem xét.", "Nguyễn Doãn Hoàn", "Chi bộ Sở Tài chính"
    )
    written = _submit(
        session, world, "Ý kiến của công đoàn.", author_person_id=None, author_name="Lê Văn Bình",
        on_behalf_of_id=world.unit_b.id, channel="written",
    )  # fmt: skip
    assert written.search_fold == "y kien cua cong doan. \n le van binh \n cong doan so noi vu"
    assert _texts(session, "nguyen doan hoan") == ["Đề nghị Đảng uỷ khối xem xét."]
    assert _texts(session, "Đảng ủy") == ["Đề nghị Đảng uỷ khối xem xét."]
    assert _texts(session, "Công đoàn Sở Nội vụ") == ["Ý kiến của công đoàn."]
    assert _texts(session, "le van binh") == ["Ý kiến của công đoàn."]
    assert _texts(session, "đang") == []
    assert len(_texts(session, "")) == 2


def test_anonymous_opinions_keep_no_name_in_their_keys(session: Session) -> None:
    world = build_world(session, allow_anonymous=True)
    opinion = _submit(
        session, world, "Ý kiến ẩn danh.", anonymous=True, author_name="Không được lưu"
    )
    assert opinion.search_fold == "y kien an danh."


def test_the_importer_stores_keys_in_its_batches(session: Session, tmp_path: Path) -> None:
    world = build_world(session)
    source = tmp_path / "y-kien.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Nội dung", "Người góp ý", "Đơn vị"])
        writer.writerow(["Đảng uỷ cần  làm rõ.", "Trần Thị Thuỷ", "chi bo so tai chinh"])
        writer.writerow([nfd("Về việc dâng hoa."), "", ""])
    result = import_opinions(
        session=session, consultation_id=world.consultation.id, source=source, now=NOW
    )
    assert result.rows_imported == 2 and not result.errors
    stored = {o.text: o for o in session.execute(select(Opinion)).scalars()}
    first = stored["Đảng uỷ cần  làm rõ."]
    assert (first.search_fold, first.search_tone) == document_keys(
        "Đảng uỷ cần  làm rõ.", "Trần Thị Thuỷ", "Chi bộ Sở Tài chính"
    )
    assert stored["Về việc dâng hoa."].search_fold == "ve viec dang hoa."
    assert _texts(session, "Trần Thị Thủy") == ["Đảng uỷ cần  làm rõ."]
    assert _texts(session, "dâng") == ["Về việc dâng hoa."]
    assert _texts(session, "dang") == ["Đảng uỷ cần  làm rõ.", "Về việc dâng hoa."]


def test_the_migration_fills_the_keys_of_existing_opinions(fresh_engine: Engine) -> None:
    with unit_of_work(make_session_factory(fresh_engine)) as session:
        world = build_world(session)
        person = accounts.create_person(
            session=session, full_name="Đỗ Thị Hoà", organisation_id=world.unit_b.id
        )
        _submit(session, world, "Ý kiến cũ về Đảng ủy.", author_person_id=person.id)
        _submit(
            session, world, "Ý kiến viết tay.", author_person_id=None, author_name="Lê Bình",
            channel="written",
        )  # fmt: skip
    migrate.downgrade(fresh_engine, "0002")
    with fresh_engine.connect() as conn:
        columns = conn.execute(text("select * from opinions")).keys()
        assert "search_fold" not in columns
    migrate.upgrade(fresh_engine)
    with unit_of_work(make_session_factory(fresh_engine)) as session:
        rows = {o.text: o for o in session.execute(select(Opinion)).scalars()}
        old = rows["Ý kiến cũ về Đảng ủy."]
        assert (old.search_fold, old.search_tone) == document_keys(
            "Ý kiến cũ về Đảng ủy.", "Đỗ Thị Hoà", "Công đoàn Sở Nội vụ"
        )
        assert rows["Ý kiến viết tay."].search_fold == "y kien viet tay. \n le binh"
        assert _texts(session, "do thi hoa") == ["Ý kiến cũ về Đảng ủy."]
