"""Files to import: the waiting room between the upload and the import, and their header.

The uploaded file waits between the two steps in a folder under the data folder, under a random
name; it is deleted after the import, and any file left there is deleted after 24 hours.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ykien.config import Settings
from ykien.errors import NotFound, UserError
from ykien.opinions import importer
from ykien.opinions.importer import ColumnMapping

UPLOAD_TTL_SECONDS = 24 * 3600
PREVIEW_ROWS = 3
_UPLOAD_ID = re.compile(r"^[0-9a-f]{32}\.(csv|jsonl|xlsx)$")


# --- the waiting room for uploaded files -------------------------------------------------------


def uploads_dir(settings: Settings) -> Path:
    folder = settings.data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def reports_dir(settings: Settings) -> Path:
    folder = settings.data_dir / "import-reports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def report_file(settings: Settings, batch_id: int) -> Path:
    return reports_dir(settings) / f"batch-{batch_id}.csv"


def _sweep(folder: Path, now: float) -> None:
    """Delete the files left in the folder for more than a day."""
    for path in folder.iterdir():
        try:
            if path.is_file() and now - path.stat().st_mtime > UPLOAD_TTL_SECONDS:
                path.unlink()
        except OSError:
            pass  # removed meanwhile by another request


def _too_large(limit: int) -> UserError:
    megabytes = max(limit // 1_000_000, 1)
    return UserError(
        "upload_too_large",
        f"Tệp lớn quá {megabytes} MB.",
        f"The file is larger than {megabytes} MB.",
    )


def store_upload(source: IO[bytes], filename: str, settings: Settings) -> str:
    """Copy the upload to the waiting room under a random name; returns that name."""
    file_format = importer.detect_format(filename)
    folder = uploads_dir(settings)
    _sweep(folder, time.time())
    upload_id = f"{secrets.token_hex(16)}.{file_format}"
    target = folder / upload_id
    written = 0
    with target.open("wb") as out:
        while block := source.read(1 << 20):
            written += len(block)
            if written > settings.max_upload_bytes:
                out.close()
                target.unlink(missing_ok=True)
                raise _too_large(settings.max_upload_bytes)
            out.write(block)
    if written == 0:
        target.unlink(missing_ok=True)
        raise UserError("upload_empty", "Tệp trống.", "The file is empty.")
    return upload_id


def stored_upload(upload_id: str, settings: Settings) -> Path:
    """The waiting file for upload_id; a clear error if the name is odd or the file is gone."""
    path = uploads_dir(settings) / upload_id
    if not _UPLOAD_ID.match(upload_id) or not path.is_file():
        raise NotFound(
            "upload_gone",
            "Tệp đã tải lên không còn (quá 24 giờ hoặc đã nhập); hãy tải lên lại.",
            "The uploaded file is no longer here (over 24 hours old or already imported); "
            "upload it again.",
        )
    return path


def discard(upload_id: str, settings: Settings) -> None:
    if _UPLOAD_ID.match(upload_id):
        (uploads_dir(settings) / upload_id).unlink(missing_ok=True)


# --- reading the header ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileColumns:
    headers: list[str]
    preview: list[list[str]]  # the first rows, as text


def _preview_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def read_columns(path: Path, file_format: str) -> FileColumns:
    """The file's column names (exactly as the importer reads them) and its first rows."""
    with path.open("rb") as data, importer.readable():
        table = importer.open_table(data, file_format, path.stat().st_size)
        preview: list[list[str]] = []
        for _number, row in table.rows:
            if len(preview) >= PREVIEW_ROWS:
                break
            if len(row) == 1 and str(row[0]).startswith("__error__:"):
                continue  # a broken JSON line: reported by the import itself
            preview.append([_preview_cell(cell) for cell in row])
    headers = list(table.headers)
    if not [h for h in headers if h]:
        raise UserError(
            "import_no_header",
            "Tệp không có dòng tiêu đề cột (dòng đầu tiên phải là tên các cột).",
            "The file has no header row (the first row must name the columns).",
        )
    return FileColumns(headers, preview)


def detected_mapping(headers: Sequence[str]) -> dict[str, str]:
    """The columns the importer recognises by name, field -> column."""
    try:
        mapping = ColumnMapping.detect(headers)
    except UserError:
        # no column looks like the opinion text: detect the other fields around a stand-in
        stand_in = "\x00text"
        mapping = ColumnMapping.detect([*headers, stand_in], {"text": stand_in})
    found = {name: getattr(mapping, name) for name in ColumnMapping.field_names()}
    return {name: column for name, column in found.items() if column and column in headers}
