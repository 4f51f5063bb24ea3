"""Documents a report names: drafts under consultation and the resolutions it cites.

Coordinated phrases give one item each, with its own exact span: "dự thảo văn kiện Đại hội A
lần thứ XIII, Đại hội B lần thứ XVII và Đại hội C lần thứ XIII" names three drafts, "Quyết định
101, 102 của ... và Quyết định 103" three decisions. Party and state resolutions, decisions,
directives and conclusions are kept apart from laws, decrees, circulars and official letters.
"""

from __future__ import annotations

import re

from ykien.events.mentions import Mention, mention, word_key
from ykien.text import name_key

MAX_DRAFT_WORDS = 25


def _word_set(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


# Words that open a document's name after "dự thảo" even in lower case ("dự thảo luật ...").
_DOC_TYPES = _word_set(
    "luật bộ hiến nghị thông quyết chỉ văn báo đề chiến kế chương quy điều pháp tờ dự kết hướng"
)
_DRAFT_STOP = _word_set(
    "do nhằm để đã được đang sẽ tại vào với là thì có cho trình theo trong này gồm khi nên "
    "mà không chưa cũng vẫn như bởi vì nhưng hay hoặc tới đến lên từ nay rất đều khá còn"
)
_DRAFT_TRAILING = frozenset({"của", "về", "các", "và", "những", "cho"})
# "dự thảo ...", and "dự án Luật ..." / "dự án Bộ luật ..." / "dự án Nghị quyết ..." (a bill).
_DRAFT = re.compile(
    r"(?<!\w)(?i:dự thảo)(?!\w)"
    r"|(?<!\w)(?i:dự án)(?=\s+(?i:luật|bộ luật|pháp lệnh|nghị quyết)(?!\w))"
)
# A further item of a coordinated list: ", " or " và " (or ", và ").
_COORDINATOR = re.compile(r"\s*(?:,\s*(?:và\s+)?|\s+và\s+)")
_NUMBER = r"\d+(?:[/\-.][\w\-/.]*\w)?"
_DOCUMENT = re.compile(
    r"(?P<kind>(?i:[nN]ghị quyết|[qQ]uyết định|[cC]hỉ thị|[kK]ết luận|[nN]ghị định|[tT]hông tư|"
    r"[qQ]uy định|[hH]ướng dẫn|[cC]ông văn|[tT]hông báo|[kK]ế hoạch|Luật|Pháp lệnh))"
    rf"\s+(?:(?i:số)\s*)?(?P<num>{_NUMBER})"
    r"(?:\s*(?i:ngày)\s+(?:\d{1,2}\s*[/\-.]\s*\d{1,2}\s*[/\-.]\s*\d{4}"
    r"|\d{1,2}\s+(?i:tháng)\s+\d{1,2}\s*,?\s*(?i:năm)\s+\d{4}))?"
    r"|(?P<named>Nghị quyết(?: Hội nghị)? Trung ương \d+(?: (?i:khóa|khoá) [IVXL]+)?"
    r"|Nghị quyết (?:Hội nghị|Đại hội)\s[^.;,()\n]{0,90}?(?i:khóa|khoá|lần thứ)\s+[IVXLC]+\b)",
)
_NEXT_NUMBER = re.compile(rf"(?:\s*,\s*|\s+và\s+)(?P<num>{_NUMBER})(?![\w/])")
# Kinds of the state's legal documents and administrative papers, not resolutions.
_LEGAL_KINDS = frozenset(
    {"nghị định", "thông tư", "luật", "pháp lệnh", "công văn", "thông báo", "kế hoạch", "hướng dẫn"}
)


def drafts(text: str) -> list[Mention]:
    """Every draft named, each coordinated item on its own, each name once."""
    found: list[Mention] = []
    for match in _DRAFT.finditer(text):
        first = _draft_at(text, match.start(), match.end(), head=None)
        if first is None:
            continue
        found.append(first)
        found.extend(_coordinated_drafts(text, first, match.end()))
    return _without_generic(_first_of_each(found))


def _without_generic(found: list[Mention]) -> list[Mention]:
    """Leave out "dự thảo văn kiện đại hội các cấp" beside the named "dự thảo văn kiện Đại hội
    Đảng bộ ...": a name with no capital that a named draft of the same type makes precise."""
    kept: list[Mention] = []
    for item in found:
        words = item.text.split()
        named = any(word[:1].isupper() for word in words[2:])
        prefix = name_key(" ".join(words[:3]))
        precise = any(
            other is not item
            and name_key(" ".join(other.text.split()[:3])) == prefix
            and any(word[:1].isupper() for word in other.text.split()[2:])
            for other in found
        )
        if named or not precise:
            kept.append(item)
    return kept


def _draft_at(text: str, start: int, position: int, head: str | None) -> Mention | None:
    end = _draft_end(text, position, head)
    return None if end is None else mention(text, start, end)


def _coordinated_drafts(text: str, first: Mention, name_at: int) -> list[Mention]:
    """ "..., Đại hội B lần thứ XVII và Đại hội C ...": items that repeat the name's head word."""
    heads = _heads(text[name_at : first.end])
    found: list[Mention] = []
    end = first.end
    while True:
        joint = _COORDINATOR.match(text, end)
        if joint is None:
            return found
        word = re.match(r"\S+", text[joint.end() :])
        if word is None or word_key(word.group(0)) not in heads:
            return found
        item = _draft_at(text, joint.end(), joint.end() - 1, head=word_key(word.group(0)))
        if item is None or item.end <= joint.end():
            return found
        found.append(item)
        end = item.end


def _heads(name: str) -> set[str]:
    """The words a coordinated item may start with: the name's first and first capitalised."""
    words = name.split()
    heads = {word_key(words[0])} if words else set()
    capitalised = next((w for w in words if w[:1].isupper()), None)
    if capitalised is not None:
        heads.add(word_key(capitalised))
    return heads


def _draft_end(text: str, position: int, head: str | None) -> int | None:
    """Where the document name after position ends, or None when no name follows."""
    tokens = list(re.finditer(r"\S+", text[position : position + 400]))
    if not tokens or tokens[0].start() != 1:
        return None
    first = tokens[0].group(0).lstrip('“"')
    if not first or not (first[0].isupper() or word_key(first.rstrip(",.;:")) in _DOC_TYPES):
        return None
    heads = {head} if head else _heads(" ".join(t.group(0) for t in tokens[:6]))
    ends: list[tuple[str, int]] = []  # each kept word's key and end offset
    opened = False
    for index, token in enumerate(tokens[:MAX_DRAFT_WORDS]):
        word = token.group(0)
        key = word_key(word.strip(',.;:!?”"“()'))
        if index and not _continues_draft(text, position, tokens, index, key, heads):
            break
        opened = opened or "(" in word
        kept = word.rstrip(',.;:!?”"')
        if kept.endswith(")") and not opened:
            kept = kept.rstrip(")")
        ends.append((key, position + token.start() + len(kept)))
        if kept != word:
            break
    while ends and ends[-1][0] in _DRAFT_TRAILING:
        ends.pop()
    return ends[-1][1] if ends else None


def _continues_draft(
    text: str,
    position: int,
    tokens: list[re.Match[str]],
    index: int,
    key: str,
    heads: set[str],
) -> bool:
    """tokens[index] still belongs to the document name."""
    token = tokens[index]
    if "\n" in text[position + tokens[index - 1].end() : position + token.start()]:
        return False
    if key in _DRAFT_STOP:
        return False
    if key == "và":
        following = tokens[index + 1].group(0) if index + 1 < len(tokens) else ""
        # "và Đại hội C" after "Đại hội B" starts the next item of a list
        return following[:1].isupper() and word_key(following) not in heads
    return not token.group(0).startswith("(") or key.startswith(("sửa", "dự"))


def cited_documents(text: str) -> tuple[list[Mention], list[Mention]]:
    """(party and state resolutions, decisions, directives; laws, decrees, circulars ...)."""
    resolutions: list[Mention] = []
    legal: list[Mention] = []
    for match in _DOCUMENT.finditer(text):
        kind = "" if match.group("named") else " ".join(match.group("kind").lower().split())
        bucket = legal if kind in _LEGAL_KINDS else resolutions
        bucket.append(mention(text, match.start(), match.end()))
        if match.group("num") is None:
            continue
        end = match.end("num")
        while (following := _NEXT_NUMBER.match(text, end)) is not None:
            bucket.append(mention(text, following.start("num"), following.end("num")))
            end = following.end()
    return resolutions, legal


def _first_of_each(mentions: list[Mention]) -> list[Mention]:
    """The first mention of every name (by its diacritic-folded key)."""
    seen: set[str] = set()
    kept: list[Mention] = []
    for item in mentions:
        key = name_key(item.text)
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept
