"""Fuzz the parsers: only UserError may escape read_document; spans always slice exactly.

Property-based (hypothesis) with structured inputs; test_fuzz_atheris.py runs coverage-guided
fuzzing (atheris) on the same entry points.
"""

from __future__ import annotations

import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.events.test_readers import make_docx, make_pdf
from ykien.errors import UserError
from ykien.events.clean import clean_report
from ykien.events.extract import extract_event
from ykien.events.readers import read_document
from ykien.events.submissions.split import split_submission

DOCX = make_docx("Đồng chí Nguyễn Văn A phát biểu.", "Các ý kiến tập trung vào: a; b.")
PDF = make_pdf("Bien ban hoi nghi doi thoai")
FILENAMES = st.sampled_from(["a.txt", "a.docx", "a.pdf", "a", "a.doc", ""])
PIECES = [
    *'aăâbcdđeêghiklmnoôơpqrstuưvxyAĐNHTV0123456789 .,;:()-–\n“”"/',
    *("ồ", "ế", "ủ", "ỷ", "ạ", "ả", "ụ", "á", "Đồng chí ", "ông ", "Bí thư ", "Đảng ủy ", "Sở "),
    *("Phó Chủ tịch ", "UBND tỉnh ", "Nguyễn ", "Văn ", "Hùng ", "dự thảo ", "Luật ", "ngày "),
    *("tổ chức ", "kiến nghị ", "sẽ tiếp thu ", "ý kiến ", "tập trung vào:", "Điều 5", "khoản 2 "),
    *("Nghị quyết số 18-NQ/TW ", "tại ", "Hội trường ", "đề nghị sửa thành:", "Tin liên quan\n"),
]
VIETNAMESE = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_or_refuse(data: bytes, filename: str) -> None:
    try:
        text = read_document(data, filename=filename, max_bytes=2_000_000)
    except UserError as error:
        assert error.message_vi and error.message_en
    else:
        assert text.strip()


def mutate(data: bytes, edits: list[tuple[int, int]], cut: int) -> bytes:
    mutable = bytearray(data)
    for position, value in edits:
        mutable[position % len(mutable)] = value
    return bytes(mutable[: max(1, len(mutable) - cut)])


@FUZZ
@given(st.binary(max_size=2_000), FILENAMES)
def test_random_bytes(data: bytes, filename: str) -> None:
    read_or_refuse(data, filename)


@FUZZ
@given(
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=20),
    st.integers(0, 400),
)
def test_damaged_docx(edits: list[tuple[int, int]], cut: int) -> None:
    read_or_refuse(mutate(DOCX, edits, cut), "a.docx")


@FUZZ
@given(
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=20),
    st.integers(0, 200),
)
def test_damaged_pdf(edits: list[tuple[int, int]], cut: int) -> None:
    read_or_refuse(mutate(PDF, edits, cut), "a.pdf")


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(["word/document.xml", "[Content_Types].xml", "x"]), st.binary(max_size=300)
    )
)
def test_zips_with_arbitrary_entries(entries: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    read_or_refuse(buffer.getvalue(), "a.docx")


@FUZZ
@given(VIETNAMESE)
def test_extract_spans_always_slice_their_text(raw: str) -> None:
    proposal = extract_event(raw)
    mentions = [m for m in (proposal.title, proposal.place) if m is not None]
    mentions += [d.mention for d in proposal.dates] + [p.name for p in proposal.people]
    mentions += [t for p in proposal.people for t in p.titles]
    for group in (proposal.organisers, proposal.organisations, proposal.drafts):
        mentions += group
    for group in (proposal.opinions, proposal.recommendations, proposal.commitments):
        mentions += group
    mentions += proposal.resolutions
    for mention in mentions:
        assert proposal.text[mention.start : mention.end] == mention.text


@FUZZ
@given(st.text(max_size=300))
def test_extract_never_fails_on_any_text(raw: str) -> None:
    extract_event(raw)
    clean_report(raw)


@FUZZ
@given(VIETNAMESE)
def test_submission_spans_always_slice_their_text(text: str) -> None:
    for item in split_submission(text):
        assert text[item.start : item.end] == item.text
