"""File downloads in the OpenAPI schema: each declares the media types it really answers
(DOCX, XLSX, CSV, PDF ...), not the JSON a route answers by default."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response

MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
    "json": "application/json",
}
BINARY = {"type": "string", "format": "binary"}


def file_responses(*formats: str, description: str) -> dict[int | str, dict[str, Any]]:
    """The `responses` of a download route answering one of `formats` (keys of MEDIA_TYPES)."""
    content = {
        MEDIA_TYPES[fmt].split(";")[0]: {"schema": {"type": "object"} if fmt == "json" else BINARY}
        for fmt in formats
    }
    return {200: {"description": description, "content": content}}


def download_route(*formats: str, description: str) -> dict[str, Any]:
    """Keyword arguments of a download route: no JSON by default, the files' media types."""
    return {
        "response_class": Response,
        "responses": file_responses(*formats, description=description),
    }
