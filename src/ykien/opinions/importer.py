"""Bulk import of opinions from CSV, JSONL and XLSX with a column mapping.

Bad rows are reported (row, column, reason) and skipped; good rows are inserted in batches
(COPY on PostgreSQL, executemany on SQLite) inside the caller's transaction, so a fatal error
leaves nothing behind. One audit event records the batch with a digest of every row's content.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from ykien import text as vt
from ykien.audit import service as audit
from ykien.consultations import service as consultations
from ykien.db.base import utcnow
from ykien.drafts import service as drafts
from ykien.drafts.refs import SectionIndex
from ykien.errors import Conflict, UserError
from ykien.opinions.models import Channel, ImportBatch, Opinion, OpinionKind, OpinionStatus
from ykien.opinions.search import document_keys
from ykien.opinions.service import content_hash, locate_quote, receipt_codes
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation
from ykien.timefmt import parse_datetime

FORMATS = ("csv", "jsonl", "xlsx")
BATCH_ROWS = 20_000
MAX_CELL = 100_000
REPORT_ROWS_IN_DB = 500
MAX_XLSX_UNCOMPRESSED = 2_000_000_000

# Header names recognised without an explicit mapping (compared after name_key folding).
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "text": ("text", "noi dung", "y kien", "noi dung y kien", "opinion", "content", "comment"),
    "section": ("section", "muc", "dieu", "dieu khoan", "vi tri", "phan", "tham chieu"),
    "kind": ("kind", "loai", "loai y kien", "type"),
    "author": ("author", "nguoi gop y", "ho ten", "ho va ten", "name", "tac gia"),
    "organisation": ("organisation", "organization", "to chuc", "don vi", "co quan"),
    "submitted_at": ("submitted_at", "date", "ngay", "thoi gian", "ngay gop y"),
    "proposed_wording": ("proposed_wording", "de xuat sua", "noi dung de xuat", "proposal"),
    "quote": ("quote", "trich dan", "doan trich"),
    "external_id": ("id", "external_id", "ma", "so thu tu goc"),
}

# Vietnamese and English names of opinion kinds (folded) -> kind.
KIND_NAMES: dict[str, str] = {
    **{kind.value: kind.value for kind in OpinionKind},
    "gop y": "comment",
    "y kien": "comment",
    "nhan xet": "comment",
    "sua": "amend",
    "sua doi": "amend",
    "de nghi sua": "amend",
    "bo sung": "add",
    "them": "add",
    "bo": "delete",
    "xoa": "delete",
    "loai bo": "delete",
    "dong y": "agree",
    "tan thanh": "agree",
    "khong dong y": "disagree",
    "phan doi": "disagree",
    "kien nghi": "recommendation",
    "de xuat": "recommendation",
    "cau hoi": "question",
    "hoi": "question",
}

_COLUMNS = (
    "consultation_id",
    "section_id",
    "quote",
    "quote_start",
    "quote_end",
    "text",
    "kind",
    "proposed_wording",
    "author_name",
    "on_behalf_of_id",
    "channel",
    "import_batch_id",
    "submitted_at",
    "status",
    "idempotency_key",
    "content_hash",
    "receipt_code",
    "search_fold",
    "search_tone",
)


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Which source column holds each field; only `text` is required."""

    text: str
    section: str | None = None
    kind: str | None = None
    author: str | None = None
    organisation: str | None = None
    submitted_at: str | None = None
    proposed_wording: str | None = None
    quote: str | None = None
    external_id: str | None = None

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def detect(cls, headers: Sequence[str], given: dict[str, str] | None = None) -> ColumnMapping:
        """Mapping from explicit field=column pairs, filling the rest from known header names."""
        given = dict(given or {})
        unknown = set(given) - set(cls.field_names())
        if unknown:
            raise UserError(
                "mapping_field_unknown",
                f"Trường không hợp lệ trong ánh xạ cột: {', '.join(sorted(unknown))}. "
                f"Các trường: {', '.join(cls.field_names())}.",
                f"Unknown field(s) in the column mapping: {', '.join(sorted(unknown))}. "
                f"Fields: {', '.join(cls.field_names())}.",
            )
        folded = {vt.name_key(h): h for h in headers if h}
        for name, column in given.items():
            if column not in headers:
                raise UserError(
                    "mapping_column_missing",
                    f"Tệp không có cột “{column}” (ánh xạ cho {name}).",
                    f"The file has no column “{column}” (mapped to {name}).",
                )
        used = set(given.values())
        for name, synonyms in HEADER_SYNONYMS.items():
            if name in given:
                continue
            for synonym in synonyms:
                header = folded.get(synonym)
                if header is not None and header not in used:
                    given[name] = header
                    used.add(header)
                    break
        if "text" not in given:
            raise UserError(
                "mapping_text_missing",
                "Không xác định được cột chứa nội dung ý kiến; hãy chỉ rõ (text=TÊN CỘT).",
                "Cannot tell which column holds the opinion text; map it (text=COLUMN).",
            )
        return cls(**given)


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str
    reason_vi: str
    reason_en: str


@dataclass(slots=True)
class ImportResult:
    batch_id: int
    rows_total: int
    rows_imported: int
    errors: list[RowError] = field(default_factory=list)
    report_path: Path | None = None
    # SHA-256 over the imported rows' content hashes in insertion order (recorded in the audit)
    content_digest: str = ""


class _Table:
    """Rows of a source file: a header and an iterator of (row number, cells)."""

    def __init__(
        self, headers: list[str], rows: Iterator[tuple[int, Sequence[Any]]], estimate: int
    ) -> None:
        self.headers = headers
        self.rows = rows
        self.estimate = estimate


def _text_stream(data: IO[bytes]) -> io.TextIOWrapper:
    return io.TextIOWrapper(data, encoding="utf-8-sig", newline="", errors="strict")


def _read_csv(data: IO[bytes], estimate: int) -> _Table:
    sample = data.read(65536)
    data.seek(0)
    try:
        dialect: Any = csv.Sniffer().sniff(sample.decode("utf-8-sig", "ignore"), ",;\t")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(MAX_CELL)
    reader = csv.reader(_text_stream(data), dialect)
    with readable():
        headers = [vt.clean(h) for h in next(reader, [])]

    return _Table(headers, enumerate(reader, start=2), estimate)


def _read_jsonl(data: IO[bytes], estimate: int) -> _Table:
    stream = _text_stream(data)
    first_lines: list[tuple[int, dict[str, Any]]] = []
    keys: dict[str, None] = {}
    number = 0
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        record = _json_record(line, number)
        first_lines.append((number, record))
        keys.update(dict.fromkeys(k for k in record if k != "__error__"))
        if len(first_lines) >= 100:
            break
    headers = list(keys)

    def rows() -> Iterator[tuple[int, Sequence[Any]]]:
        for line_number, record in first_lines:
            yield line_number, _json_cells(record, headers)
        for line_number, line in enumerate(stream, start=number + 1):
            if line.strip():
                yield line_number, _json_cells(_json_record(line, line_number), headers)

    return _Table(headers, rows(), estimate)


def _json_cells(record: dict[str, Any], headers: list[str]) -> list[Any]:
    if "__error__" in record:
        return [f"__error__:{record['__error__']}"]
    return [record.get(h) for h in headers]


def _json_record(line: str, number: int) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"__error__": f"JSON không hợp lệ / invalid JSON: {exc.msg} (col {exc.colno})"}
    if not isinstance(record, dict):
        return {"__error__": "dòng không phải đối tượng JSON / the line is not a JSON object"}
    return record


def _check_xlsx(data: IO[bytes]) -> None:
    try:
        with zipfile.ZipFile(data) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise UserError(
            "bad_xlsx",
            "Tệp XLSX bị hỏng hoặc không phải tệp Excel.",
            "The XLSX file is broken or not an Excel file.",
        ) from exc
    if total > MAX_XLSX_UNCOMPRESSED:
        raise UserError(
            "xlsx_too_large",
            "Tệp XLSX khi giải nén quá lớn (nghi là tệp nén độc hại).",
            "The XLSX file expands to too much data (a suspected zip bomb).",
        )
    data.seek(0)


def _read_xlsx(data: IO[bytes]) -> _Table:
    from openpyxl import load_workbook

    _check_xlsx(data)
    try:
        workbook = load_workbook(data, read_only=True, data_only=True)
    except Exception as exc:
        raise UserError(
            "bad_xlsx",
            f"Không đọc được tệp XLSX: {exc}.",
            f"Cannot read the XLSX file: {exc}.",
        ) from exc
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    headers = [vt.clean(str(h)) if h is not None else "" for h in next(iterator, ())]

    def rows() -> Iterator[tuple[int, Sequence[Any]]]:
        for number, row in enumerate(iterator, start=2):
            if any(cell is not None and cell != "" for cell in row):
                yield number, row
        workbook.close()

    return _Table(headers, rows(), max((sheet.max_row or 1) - 1, 0))


def detect_format(filename: str) -> str:
    suffix = Path(filename).suffix.lower().lstrip(".")
    if suffix in ("json", "ndjson"):
        suffix = "jsonl"
    if suffix in ("tsv", "txt"):
        suffix = "csv"
    if suffix not in FORMATS:
        raise UserError(
            "import_format_unsupported",
            f"Không hỗ trợ định dạng tệp “{suffix or filename}”; dùng CSV, JSONL hoặc XLSX.",
            f"Unsupported file format “{suffix or filename}”; use CSV, JSONL or XLSX.",
        )
    return suffix


def open_table(data: IO[bytes], file_format: str, size: int) -> _Table:
    estimate = max(size // 120, 1)
    if file_format == "xlsx":
        return _read_xlsx(data)
    if file_format == "jsonl":
        return _read_jsonl(data, estimate)
    return _read_csv(data, estimate)


class _Refused(Exception):
    """One cell's problem; becomes a RowError with the row number and column."""

    def __init__(self, field: str, reason_vi: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.field = field
        self.reason_vi = reason_vi
        self.reason_en = reason_en


def _cell(row: Sequence[Any], index: int) -> str:
    """The stripped NFC text of a cell; "" when the column is unmapped, missing or empty."""
    if index < 0 or index >= len(row):
        return ""
    value = row[index]
    if value is None:
        return ""
    if value.__class__ is not str:
        value = value.strftime("%d/%m/%Y %H:%M") if isinstance(value, datetime) else str(value)
    elif not value.isascii():
        value = unicodedata.normalize("NFC", value)
    return str(value).strip()


class _Lookup:
    """A cell value -> result resolver that answers each distinct value once."""

    def __init__(self, resolve: Callable[[str], Any]) -> None:
        self.resolve = resolve
        self.cache: dict[str, Any] = {}

    def __call__(self, value: str) -> Any:
        try:
            found = self.cache[value]
        except KeyError:
            try:
                found = self.resolve(value)
            except _Refused as refused:
                found = refused
            self.cache[value] = found
        if isinstance(found, _Refused):
            raise found
        return found


class _RowChecker:
    """Turns one source row into the tuple to insert, or a RowError."""

    def __init__(
        self,
        *,
        session: Session,
        consultation_id: int,
        version_id: int,
        mapping: ColumnMapping,
        headers: list[str],
        max_chars: int,
        now: datetime,
        existing_keys: set[str],
    ) -> None:
        self.mapping = mapping
        self.max_chars = max_chars
        self.now = now
        self.existing_keys = existing_keys
        position = {h: i for i, h in enumerate(headers)}
        self.index = {
            name: position[column] if (column := getattr(mapping, name)) is not None else -1
            for name in ColumnMapping.field_names()
        }
        self.sections = drafts.sections_of(session=session, version_id=version_id)
        self.section_index = SectionIndex(self.sections)
        self.section_text = {s.id: s.text for s in self.sections}
        self.org_index = orgs.name_index(session=session)
        self.scope = consultations.scope_org_ids(session=session, consultation_id=consultation_id)
        # organisation names for the search keys, looked up once for the whole file
        names = select(Organisation.id, Organisation.name).where(Organisation.id.in_(self.scope))
        self.org_names: dict[int, str] = {org_id: name for org_id, name in session.execute(names)}
        self.kind = _Lookup(self._kind)
        self.section_id = _Lookup(self._section_id)
        self.organisation_id = _Lookup(self._organisation_id)
        self.date = _Lookup(self._date)

    def _kind(self, value: str) -> str:
        found = KIND_NAMES.get(vt.name_key(value))
        if found is None:
            raise _Refused(
                "kind", f"loại ý kiến không rõ: “{value}”", f"unknown opinion kind: “{value}”"
            )
        return found

    def _section_id(self, reference: str) -> int:
        position = self.section_index.resolve_text(reference)
        if position is None:
            raise _Refused(
                "section",
                f"không tìm thấy mục “{reference}” trong dự thảo",
                f"no section “{reference}” in the draft",
            )
        return self.sections[position].id

    def _organisation_id(self, name: str) -> int:
        found = orgs.match_name(self.org_index, name)
        if found is None:
            raise _Refused(
                "organisation", f"không có tổ chức “{name}”", f"no organisation “{name}”"
            )
        if found not in self.scope:
            raise _Refused(
                "organisation",
                f"tổ chức “{name}” không thuộc phạm vi lấy ý kiến",
                f"organisation “{name}” is outside the consultation's scope",
            )
        return found

    def _date(self, value: str) -> datetime:
        try:
            return parse_datetime(value)
        except (ValueError, OverflowError):
            raise _Refused(
                "submitted_at",
                f"ngày không hợp lệ (cần dd/mm/yyyy): “{value}”",
                f"invalid date (expected dd/mm/yyyy): “{value}”",
            ) from None

    def _text(self, row: Sequence[Any]) -> str:
        text = vt.clean(_cell(row, self.index["text"]))
        if not text:
            raise _Refused("text", "nội dung ý kiến trống", "the opinion is empty")
        if len(text) > self.max_chars:
            raise _Refused(
                "text",
                f"ý kiến dài quá {self.max_chars} ký tự",
                f"the opinion is longer than {self.max_chars} characters",
            )
        return text

    def _quote(self, row: Sequence[Any], section_id: int | None) -> tuple[Any, Any, Any]:
        quote = vt.clean(_cell(row, self.index["quote"]))
        if not quote:
            return None, None, None
        if section_id is None:
            raise _Refused("quote", "có trích dẫn nhưng không rõ mục", "a quote without a section")
        try:
            start, end = locate_quote(self.section_text[section_id], quote)
        except UserError:
            raise _Refused(
                "quote",
                "đoạn trích không có trong mục đã nêu",
                "the quote does not occur in that section",
            ) from None
        return self.section_text[section_id][start:end], start, end

    def _key(self, row: Sequence[Any]) -> str | None:
        external = _cell(row, self.index["external_id"])
        if not external:
            return None
        key = f"import:{external}"[:200]
        if key in self.existing_keys:
            raise _Refused(
                "external_id",
                f"mã “{external}” đã được nhập trước đó",
                f"id “{external}” was already imported",
            )
        self.existing_keys.add(key)
        return key

    def check(self, number: int, row: Sequence[Any]) -> tuple[Any, ...] | RowError:
        """Validate and normalise one row into an insert tuple (receipt code added later)."""
        if len(row) == 1 and isinstance(row[0], str) and row[0].startswith("__error__:"):
            return RowError(number, "*", row[0][10:], row[0][10:])
        index = self.index
        try:
            text = self._text(row)
            raw = _cell(row, index["kind"])
            kind = self.kind(raw) if raw else "comment"
            raw = _cell(row, index["section"])
            section_id = self.section_id(raw) if raw else None
            quote, quote_start, quote_end = (
                self._quote(row, section_id) if index["quote"] >= 0 else (None, None, None)
            )
            raw = _cell(row, index["organisation"])
            organisation_id = self.organisation_id(raw) if raw else None
            raw = _cell(row, index["submitted_at"])
            submitted_at = self.date(raw) if raw else self.now
            raw = _cell(row, index["author"])
            author = vt.clean(raw)[:200] or None if raw else None
            raw = _cell(row, index["proposed_wording"])
            wording = vt.clean(raw)[: self.max_chars] or None if raw else None
            key = self._key(row) if index["external_id"] >= 0 else None
        except _Refused as refused:
            column = getattr(self.mapping, refused.field) or refused.field
            return RowError(number, column, refused.reason_vi, refused.reason_en)
        search_fold, search_tone = document_keys(
            text, author, self.org_names.get(organisation_id) if organisation_id else None
        )
        return (
            section_id, quote, quote_start, quote_end, text, kind, wording, author,
            organisation_id, submitted_at, key, search_fold, search_tone, content_hash(text),
        )  # fmt: skip


def _time_for(session: Session) -> Callable[[datetime], Any]:
    """How a UTC datetime is written by the raw insert: as SQLAlchemy itself stores it."""
    if session.get_bind().dialect.name != "sqlite":
        return lambda moment: moment
    cache: dict[datetime, str] = {}

    def as_text(moment: datetime) -> str:
        text = cache.get(moment)
        if text is None:
            text = cache[moment] = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return text

    return as_text


def _existing_import_keys(session: Session, consultation_id: int) -> set[str]:
    rows = session.execute(
        select(Opinion.idempotency_key).where(
            Opinion.consultation_id == consultation_id,
            Opinion.idempotency_key.startswith("import:"),
        )
    )
    return {key for key in rows.scalars() if key}


def _insert_rows(connection: Connection, rows: list[tuple[Any, ...]]) -> None:
    """Insert full rows (in _COLUMNS order) with the fastest path the database offers."""
    dbapi = connection.connection.dbapi_connection
    assert dbapi is not None
    columns = ", ".join(_COLUMNS)
    if connection.dialect.name == "postgresql":
        cursor: Any = dbapi.cursor()
        try:
            with cursor.copy(f"COPY opinions ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        finally:
            cursor.close()
        return
    placeholders = ", ".join("?" for _ in _COLUMNS)
    cursor = dbapi.cursor()
    try:
        cursor.executemany(f"INSERT INTO opinions ({columns}) VALUES ({placeholders})", rows)
    finally:
        cursor.close()


def write_report(path: Path, errors: Sequence[RowError]) -> None:
    """The per-row error report as CSV (UTF-8 with BOM so spreadsheet programs read it)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["dòng / row", "cột / column", "lý do", "reason"])
        for error in errors:
            writer.writerow([error.row, error.column, error.reason_vi, error.reason_en])


def _refuse_imported_file(session: Session, consultation_id: int, sha: str) -> None:
    """The same file is imported once per consultation."""
    earlier = session.execute(
        select(ImportBatch.id).where(
            ImportBatch.consultation_id == consultation_id, ImportBatch.source_sha256 == sha
        )
    ).scalar_one_or_none()
    if earlier is not None:
        raise Conflict(
            "import_duplicate_file",
            f"Tệp này đã được nhập (lần nhập số {earlier}); không nhập lại.",
            f"This file was already imported (batch {earlier}); not importing it again.",
        )


def _close_batch(batch: ImportBatch, result: ImportResult) -> None:
    """The batch's counts and the first rows of its error report."""
    batch.rows_total = result.rows_total
    batch.rows_imported = result.rows_imported
    batch.rows_rejected = len(result.errors)
    batch.report = "\n".join(
        f"{e.row}\t{e.column}\t{e.reason_vi}" for e in result.errors[:REPORT_ROWS_IN_DB]
    )


def import_opinions(
    *,
    session: Session,
    consultation_id: int,
    source: Path,
    mapping: dict[str, str] | None = None,
    file_format: str | None = None,
    channel: str = Channel.IMPORT,
    filename: str | None = None,
    report_path: Path | None = None,
    max_chars: int = 10_000,
    max_rows: int = 5_000_000,
    actor_person_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> ImportResult:
    """Import the opinions in `source` into the consultation; see the module docstring."""
    now = now or utcnow()
    filename = filename or source.name
    file_format = file_format or detect_format(filename)
    if channel not in set(Channel):
        raise UserError(
            "channel_invalid", f"Kênh không hợp lệ: {channel}.", f"Bad channel {channel}."
        )
    consultation = consultations.get(session=session, consultation_id=consultation_id)
    sha = _file_sha256(source)
    _refuse_imported_file(session, consultation_id, sha)
    batch = ImportBatch(
        consultation_id=consultation_id,
        filename=filename[:300],
        file_format=file_format,
        source_sha256=sha,
        created_at=now,
    )
    session.add(batch)
    session.flush()
    status = OpinionStatus.PUBLISHED if consultation.opinions_public else OpinionStatus.RECEIVED
    with source.open("rb") as data:
        table = open_table(data, file_format, source.stat().st_size)
        checker = _RowChecker(
            session=session,
            consultation_id=consultation_id,
            version_id=consultation.draft_version_id,
            mapping=ColumnMapping.detect(table.headers, mapping),
            headers=table.headers,
            max_chars=max_chars,
            now=now,
            existing_keys=_existing_import_keys(session, consultation_id),
        )
        result = _run(
            session, table, checker, batch.id, consultation_id, channel, status, max_rows, progress
        )
    _close_batch(batch, result)
    if result.errors:
        result.report_path = report_path or source.with_name(source.name + ".errors.csv")
        write_report(result.report_path, result.errors)
    audit.record(
        session=session,
        action="opinions.imported",
        entity_type="import_batch",
        entity_id=batch.id,
        actor_person_id=actor_person_id,
        payload={
            "consultation_id": consultation_id,
            "filename": filename,
            "sha256": sha,
            "rows_total": result.rows_total,
            "rows_imported": result.rows_imported,
            "rows_rejected": len(result.errors),
            "content_digest": result.content_digest,
        },
        occurred_at=now,
    )
    return result


class _Writer:
    """Inserts batches on one background thread while the caller validates the next batch.

    The database does its part (SQLite's B-tree work, PostgreSQL's COPY round trips) with the
    GIL released, so on two cores validation and insertion overlap. At most one batch is in
    flight; the session's connection is never used by both threads at once.
    """

    def __init__(self, session: Session) -> None:
        self.connection = session.connection()
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ykien-import")
        self.in_flight: Future[None] | None = None

    def submit(self, rows: list[tuple[Any, ...]]) -> None:
        self.wait()
        self.in_flight = self.pool.submit(_insert_rows, self.connection, rows)

    def wait(self) -> None:
        if self.in_flight is not None:
            in_flight, self.in_flight = self.in_flight, None
            in_flight.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            self.pool.shutdown(wait=True)


def _run(
    session: Session,
    table: _Table,
    checker: _RowChecker,
    batch_id: int,
    consultation_id: int,
    channel: str,
    status: str,
    max_rows: int,
    progress: Callable[[int, int], None] | None,
) -> ImportResult:
    result = ImportResult(batch_id=batch_id, rows_total=0, rows_imported=0)
    pending: list[tuple[Any, ...]] = []
    check = checker.check
    errors = result.errors
    digest = hashlib.sha256()
    stored_time = _time_for(session)
    channel, status = str(channel), str(status)  # plain str: no per-row adapter lookups
    writer = _Writer(session)

    def flush() -> None:
        codes = receipt_codes(len(pending))
        rows = [
            (consultation_id, s, q, qs, qe, t, k, w, a, o, channel, batch_id, stored_time(at),
             status, key, h, code, sf, st)
            for (s, q, qs, qe, t, k, w, a, o, at, key, sf, st, h), code
            in zip(pending, codes, strict=True)
        ]  # fmt: skip
        writer.submit(rows)
        for row in pending:
            digest.update(row[-1].encode("ascii"))
        result.rows_imported += len(pending)
        pending.clear()
        if progress is not None:
            progress(result.rows_total, table.estimate)

    try:
        with readable():
            for number, row in table.rows:
                result.rows_total += 1
                if result.rows_total > max_rows:
                    raise UserError(
                        "import_too_many_rows",
                        f"Tệp có quá {max_rows} dòng; hãy chia nhỏ tệp.",
                        f"The file has more than {max_rows} rows; split it.",
                    )
                checked = check(number, row)
                if checked.__class__ is RowError:
                    errors.append(checked)
                else:
                    pending.append(checked)  # type: ignore[arg-type]
                    if len(pending) >= BATCH_ROWS:
                        flush()
        if pending:
            flush()
    finally:
        writer.close()
    if progress is not None:
        progress(result.rows_total, result.rows_total)
    result.content_digest = digest.hexdigest()
    return result


@contextmanager
def readable() -> Iterator[None]:
    """Turn decoding and CSV syntax failures into a user error (the whole import is undone)."""
    try:
        yield
    except UnicodeDecodeError as exc:
        raise UserError(
            "not_utf8",
            "Tệp không phải văn bản UTF-8; hãy lưu lại tệp với mã hóa UTF-8.",
            "The file is not UTF-8 text; save it again with the UTF-8 encoding.",
        ) from exc
    except csv.Error as exc:
        raise UserError(
            "bad_csv",
            f"Tệp CSV không đọc được: {exc}.",
            f"The CSV file cannot be read: {exc}.",
        ) from exc


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
