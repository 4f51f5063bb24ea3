"""Message catalogs (Babel .po files, one per domain) and the per-request translator.

Message ids are English; Vietnamese, the default language, comes from `i18n/vi/LC_MESSAGES/*.po`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

LANGUAGES = ("vi", "en")
CATALOGS = Path(__file__).parent / "i18n"


@lru_cache(maxsize=len(LANGUAGES))
def catalog(language: str) -> dict[str, str]:
    """msgid -> translation for the language, merged from every domain's .po file."""
    messages: dict[str, str] = {}
    folder = CATALOGS / language / "LC_MESSAGES"
    for po_file in sorted(folder.glob("*.po")):
        with po_file.open("rb") as handle:
            for message in read_po(handle, locale=language):
                if message.id and message.string and not message.fuzzy:
                    messages[str(message.id)] = str(message.string)
    return messages


def translator(language: str) -> Callable[..., str]:
    """A gettext-like function taking format values: _(message, **values)."""
    messages = catalog(language) if language != "en" else {}

    def gettext(message: str, **values: object) -> str:
        text = messages.get(message, message)
        return text.format(**values) if values else text

    return gettext


def pick_language(requested: str | None, default: str) -> str:
    return requested if requested in LANGUAGES else default
