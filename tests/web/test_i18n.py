"""Every message the interface shows has a Vietnamese translation."""

import re
from pathlib import Path

from ykien.web.i18n import catalog, translator

SOURCE = Path(__file__).resolve().parents[2] / "src" / "ykien"
MESSAGE = re.compile(r"""\b_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


def _message_ids() -> set[str]:
    found: set[str] = set()
    for path in [*SOURCE.rglob("*.html"), *SOURCE.rglob("*.py")]:
        for match in MESSAGE.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1) or match.group(2))
    return found


def test_every_message_has_a_vietnamese_translation() -> None:
    ids = _message_ids()
    assert len(ids) > 30
    missing = sorted(m for m in ids if m not in catalog("vi") and "{name}" not in m)
    assert missing == []


def test_translator_formats_values_and_falls_back_to_english() -> None:
    vi = translator("vi")
    assert vi("The request is not valid: {fields}.", fields="x") == "Yêu cầu không hợp lệ: x."
    assert translator("en")("Sign in") == "Sign in"
    assert vi("Sign in") == "Đăng nhập"


def test_no_message_is_translated_two_ways_in_different_catalogues() -> None:
    """The catalogues are merged: a message given two translations would show the wrong one."""
    from babel.messages.pofile import read_po

    seen: dict[str, set[str]] = {}
    for po_file in sorted((SOURCE / "web" / "i18n" / "vi" / "LC_MESSAGES").glob("*.po")):
        with po_file.open("rb") as handle:
            for message in read_po(handle, locale="vi"):
                if message.id and message.string:
                    seen.setdefault(str(message.id), set()).add(str(message.string))
    assert {m: t for m, t in seen.items() if len(t) > 1} == {}
