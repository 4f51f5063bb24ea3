"""The role of each sentence of a report: what was said at the event, and what was not.

Roles: ``opinion`` (a view on the substance), ``recommendation`` (a request: đề nghị, kiến
nghị, đề xuất, mong muốn), ``commitment`` (sẽ tiếp thu, sẽ chuyển ...), ``directive`` (a chair's
conclusion or instruction to the bodies below), ``explanation`` (the drafting body's answers:
giải trình, tiếp thu, trình bày báo cáo), ``caption`` (a photo's caption) and ``reporting`` (the
reporter's narration, "X cho biết" of facts). Only opinions and recommendations become items a
secretary confirms as opinions; each span starts after the reporting verb and its comma, and a
"a; b; c" list gives one item per part.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from ykien.events.mentions import Mention, lower_key, mention

ROLES = (
    "opinion",
    "recommendation",
    "commitment",
    "directive",
    "explanation",
    "caption",
    "reporting",
)
# A span after the reporting verb shorter than this is not a view: keep the whole sentence.
MIN_SPAN_WORDS = 4
# A quotation is followed over at most this many further sentences and characters.
MAX_QUOTED_SENTENCES = 3
MAX_QUOTED_CHARS = 600
# An item of a list has at least this many characters.
MIN_ITEM_CHARS = 3

_COMMITMENT_CUES = (
    "sẽ tiếp thu", "tiếp thu đầy đủ", "tiếp thu, tổng hợp", "tiếp thu và", "tiếp thu, chỉnh sửa",
    "sẽ chuyển", "chuyển lên", "sẽ tổng hợp", "sẽ nghiên cứu", "sẽ xem xét", "sẽ giải trình",
    "sẽ báo cáo", "sẽ phản ánh", "cam kết", "ghi nhận, tiếp thu", "sẽ trả lời", "sẽ giải quyết",
    "sẽ chỉ đạo",
)  # fmt: skip
_EXPLANATION_CUES = (
    "giải trình", "tiếp thu, chỉnh lý", "tiếp thu, giải trình", "trình bày báo cáo",
    "trình bày tờ trình", "cơ quan soạn thảo", "ban soạn thảo", "cơ quan chủ trì soạn thảo",
    "thay mặt cơ quan", "báo cáo tiếp thu", "tiếp thu ý kiến",
)  # fmt: skip
# "Kết luận tọa đàm, đồng chí X đề nghị ...", "Chỉ đạo tại hội nghị, ...": a chair's directive.
_DIRECTIVE_OPENING = re.compile(r"(?:phát biểu\s+)?(?:kết luận|chỉ đạo|tổng kết)(?!\w)")
# "Đ/c Nguyễn Văn A kết luận: ...", "Thay mặt chủ trì, đồng chí B kết luận, ...": the chair sums up.
_CONCLUDES = re.compile(r"^[^:;.]{0,120}?(?<!\w)(?:kết luận|chỉ đạo)\s*[:,]")
# "288/396 ý kiến (72,7%) tán thành ...": the count of a vote is reporting, not a view.
_VOTE_COUNT = re.compile(
    r"\d+\s*/\s*\d+\s+(?:ý kiến|đại biểu|phiếu)|\d+(?:[,.]\d+)?\s*%\s*(?:\)\s*)?tán thành"
)
# Minutes' section headings (biên bản): what is said under them.
_MINUTES_HEADING = re.compile(
    r"^(?:[ivx]+|\d+|[a-z])?[.)/]?\s*(?P<name>thành phần(?: tham dự| tham gia)?|"
    r"nội dung(?: cuộc họp| hội nghị| buổi [a-zà-ỹ ]+)?|"
    r"diễn biến(?: cuộc họp| hội nghị)?|kết luận(?: của chủ trì| của chủ tọa| hội nghị| cuộc họp)?|"
    r"ý kiến thảo luận|thảo luận|biểu quyết|kết thúc)\s*:?\s*$"
)
# "đề nghị các cơ quan, đơn vị tiếp tục ...": an instruction to the bodies below.
_DIRECTIVE_REQUEST = re.compile(
    r"(?:đề nghị|yêu cầu|giao)\s+(?:cho\s+)?các\s+(?:cấp|ngành|cơ quan|đơn vị|địa phương|sở|"
    r"chi bộ|tổ chức|phòng)[^.;]{0,80}?(?<!\w)(?:tiếp tục|quán triệt|triển khai|thực hiện)(?!\w)"
)
_RECOMMENDATION_CUES = (
    "kiến nghị", "đề xuất", "đề nghị", "mong muốn", "rất mong", "kiến nghị, đề xuất", "rất cần",
)  # fmt: skip
# A request word used as a noun ("kiến nghị của cử tri", "đồng tình với đề xuất này").
_NOUN_BEFORE = re.compile(
    r"(?:các|những|với|trả lời|tiếp thu|giải quyết|tổng hợp|ý kiến,|ý kiến|nhiều|mọi|"
    r"lời|theo|đơn|thư|văn bản|như|thủ tục|có|thật sự)\s*$"
)
_NOUN_AFTER = re.compile(r"\s*(?:từ|thiết|của|này|trên|đó|được|nêu|đã|là|,\s*nguyện vọng)(?!\w)")
_STRONG_OPINION_CUES = (
    "cho rằng", "bày tỏ", "băn khoăn", "nhấn mạnh", "đề cập", "tham luận", "nhận định", "lo ngại",
    "đồng tình", "nêu rõ", "nêu lên", "nêu ý kiến", "khẳng định", "chỉ ra", "phân tích",
    "theo ông", "theo bà", "theo đại biểu", "ý kiến cho", "nêu quan điểm", "tán thành",
    "thống nhất với", "chưa hợp lý", "đồng ý", "phản đối", "không đồng tình", "lưu ý",
    "góp ý", "phát biểu", "nói",
)  # fmt: skip
# Words that make a sentence a view on the substance rather than a fact.
_EVALUATIVE = re.compile(
    r"(?<!\w)(?:cần|nên|phải|chưa|không nên|không hợp lý|hợp lý|bất cập|quan trọng|cấp thiết)"
    r"(?!\w)"
)
_WEAK_OPINION_CUES = ("cho biết", "ý kiến")
# "đề cập đến ...", "nhấn mạnh vai trò ...", "nói riêng": a topic named, or no speech at all.
_NOT_SPEECH = re.compile(r"\s*(?:đến|tới|riêng|chung|tầm quan trọng|vai trò)(?!\w)")
# "đây là hội nghị quan trọng ...", "đây là lần đầu tiên ...": about the event, not the draft.
_ABOUT_THE_EVENT = re.compile(
    r"(?:đây|đó) là (?:hội nghị|hội thảo|tọa đàm|lần|dịp|buổi|hoạt động|sự kiện|kỳ họp|phiên)(?!\w)"
)
# Sentences that announce the consultation rather than voice an opinion.
_ANNOUNCE_CUES = ("lấy ý kiến", "xin ý kiến", "tổ chức", "góp ý vào dự thảo", "góp ý dự thảo")
_ENUMERATION_CUES = ("tập trung", "các vấn đề", "các nội dung", "như sau", "cụ thể", "gồm")
_CAPTION = re.compile(r"(?:^|[\s(\-–])ảnh\s*:", re.IGNORECASE)
# "X phát biểu tại buổi tọa đàm": a caption-like narration with nothing said.
_ONLY_SPOKE = re.compile(
    r"phát biểu(?:\s+(?:khai mạc|bế mạc|chỉ đạo|kết luận))?(?:\s+tại\s+[^,;]*)?$"
)
_LIST_MARK = re.compile(r"\s*(?:[-–—•+*]|\d{1,2}[.)]|[a-zđ]\))\s*")
# "“Cần ...” - ông X nói.": the quotation, then who said it.
_QUOTE_THEN_SPEAKER = re.compile(
    r"[“\"]?(?P<quote>[^”\"]{12,}?)[.…]*[”\"]\s*[-–—,]\s*[^”\"]{1,80}$"
)
# "kiến nghị, đề xuất ...": a second request verb chained to the first.
_CHAINED_REQUEST = re.compile(r"(?:\s*(?:,|và)\s*(?:kiến nghị|đề xuất|đề nghị))+")
# "..., vì ...", "... bởi vì ...": the reason given for a request.
_REASON = re.compile(r",?\s(?:bởi vì|vì|bởi lẽ)\s")
# The speaker of a minutes' line, up to the colon: an honorific or a capacity, the name, maybe
# a title after a dash, maybe "phát biểu" / "ý kiến": "Đ/c A – Bí thư chi bộ phát biểu: ...".
_CAPITALS = "A-ZĐÂĂÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ"
_SPEAKER = re.compile(
    r"(?:[-–+•]\s*)?(?i:đ/c|đồng chí|ông|bà|anh|chị|đại biểu|cử tri|đảng viên|đoàn viên|hội viên)"
    rf"\s+(?:[{_CAPITALS}][^\s:;,.]*\s*){{1,5}}(?:\s*[-–—(]\s*[^:;.!?\n]{{2,100}}?)?"
    r"(?:\s(?i:phát biểu|ý kiến|nêu ý kiến|góp ý|trao đổi|nói))?\s*:\s*"
)
_NOT_A_SPEAKER = re.compile(
    r"(?<!\w)(?:kết luận|chỉ đạo|tổng kết|giải trình|trả lời|tiếp thu|trình bày|báo cáo|thông qua|"
    r"quán triệt|giao|yêu cầu|đề nghị|kiến nghị|đề xuất)(?!\w)"
)
_INTRODUCES = re.compile(r"\s*(?:[,:]|rằng(?!\w))")
# What separates the reporting verb from the view: "cho rằng, ", "đề nghị: ", "nói rằng".
_AFTER_VERB = re.compile(r"(?:\s*(?:rằng|là)(?!\w))?\s*[,:]?\s*")


@dataclass(frozen=True)
class Statement:
    """A sentence (or an item of a list) and its role."""

    role: str
    span: Mention


class ViewModel(Protocol):
    """What roles.py asks of a learned model (ykien.events.role_model.RoleModel)."""

    def view_probability(self, sentences: Sequence[str]) -> list[float]: ...


# A sentence the rules take for a view is left out when the model gives it a lower chance of
# voicing a view at all (measured by `python -m evals.event_roles`).
VETO_BELOW = 0.25
# A sentence without any cue is taken as an opinion when the model is at least this sure it
# voices a view (above 1: never).
RESCUE_ABOVE = 1.01
# Only sentences of at least this many words are rescued.
RESCUE_MIN_WORDS = 8


def statements(
    text: str, sentences: list[Mention], model: ViewModel | None = None
) -> dict[str, list[Mention]]:
    """The spans of every role, the title (first line) left out.

    With a model, a sentence the rules read as an opinion or a recommendation that the model
    finds very unlikely to voice a view is taken as reporting instead.
    """
    found: dict[str, list[Mention]] = {role: [] for role in ROLES}
    for statement in _statements(text, sentences, model):
        found[statement.role].append(statement.span)
    return found


def _statements(
    text: str, sentences: list[Mention], model: ViewModel | None
) -> Iterator[Statement]:
    index = 1 if sentences and "\n" in text else 0  # the title is not a statement
    pending: list[tuple[str, Mention, int]] = []
    section: str | None = None  # the minutes' section (biên bản) the sentence is in
    while index < len(sentences):
        heading = _MINUTES_HEADING.match(lower_key(sentences[index].text).rstrip(" .:"))
        if heading is not None:
            section = heading.group("name").split()[0]
            index += 1
            continue
        listed = _enumeration(text, sentences, index)
        if listed is not None:
            yield from _decided(text, pending, model)
            pending = []
            listed_role, items, index = listed
            if section == "kết":
                listed_role = "directive"
            yield from (Statement(listed_role, item) for item in items)
            continue
        sentence = sentences[index]
        role, cue_end = sentence_role(sentence.text)
        if role in ("opinion", None):
            grouped, last = _quoted_group(text, sentences, index)
            if last > index:
                sentence, index = grouped, last
                role, cue_end = sentence_role(sentence.text)
        if section == "thành" and role is not None:
            role = "reporting"  # who attended: nothing said yet
        elif section == "kết" and role in ("opinion", "recommendation"):
            role = "directive"  # the chair's conclusion
        if role in ("opinion", "recommendation"):
            pending.append((role, sentence, cue_end))
        elif role is None and model is not None and RESCUE_ABOVE <= 1.0:
            if len(sentence.text.split()) >= RESCUE_MIN_WORDS:
                pending.append(("unknown", sentence, -1))
        elif role is not None:
            yield Statement(role, sentence)
        index += 1
    yield from _decided(text, pending, model)


def _quoted_group(text: str, sentences: list[Mention], index: int) -> tuple[Mention, int]:
    """The sentence, or with the next ones when it opens a quotation they close.

    "Ông X nói: “A. B.” ..." is split in sentences by the full stops inside the quotation;
    the view is the whole quotation. Returns the span and the index of its last sentence.
    """
    first = sentences[index]
    if not _opens_quote(first.text):
        return first, index
    for last in range(index + 1, min(index + 1 + MAX_QUOTED_SENTENCES, len(sentences))):
        if sentences[last].end - first.start > MAX_QUOTED_CHARS:
            break
        if "\n" in text[first.start : sentences[last].end]:
            break  # a quotation does not run over a paragraph
        own, _ = sentence_role(sentences[last].text)
        closing = _closes_quote(sentences[last].text) or text[sentences[last].end :][:1] in (
            "”",
            '"',
        )
        if own in ("recommendation", "commitment", "directive", "explanation") or (
            own == "opinion" and not closing
        ):
            break  # a view of its own inside the quotation: one item each
        end = sentences[last].end
        if text[end : end + 1] in ("”", '"'):
            return mention(text, first.start, end + 1), last  # the closing quote after the stop
        if _closes_quote(sentences[last].text):
            return mention(text, first.start, end), last
    return first, index


def _opens_quote(sentence: str) -> bool:
    return (
        sentence.count("“") > sentence.count("”")
        or ("“" not in sentence and sentence.count('"') % 2 == 1 and sentence.lstrip()[:1] != '"')
        or (sentence.lstrip()[:1] == '"' and sentence.count('"') == 1)
    )


def _closes_quote(sentence: str) -> bool:
    return sentence.count("”") > sentence.count("“") or (
        "”" not in sentence and sentence.count('"') % 2 == 1
    )


def _decided(
    text: str, pending: list[tuple[str, Mention, int]], model: ViewModel | None
) -> Iterator[Statement]:
    """The views of the sentences the rules read as views, those the model vetoes left out."""
    if not pending:
        return
    chances = (
        model.view_probability([s.text for _, s, _ in pending])
        if model is not None
        else [1.0] * len(pending)
    )
    for (role, sentence, cue_end), chance in zip(pending, chances, strict=True):
        if role == "unknown":
            if chance >= RESCUE_ABOVE:
                yield from (Statement("opinion", s) for s in _views(text, sentence, cue_end))
            continue
        if chance < VETO_BELOW:
            yield Statement("reporting", sentence)
            continue
        for span in _views(text, sentence, cue_end):
            reason = _REASON.search(span.text) if role == "recommendation" else None
            if (
                reason is None
                or min(
                    len(span.text[: reason.start()].split()), len(span.text[reason.end() :].split())
                )
                < MIN_SPAN_WORDS
            ):
                yield Statement(role, span)
                continue
            # "đề nghị bỏ X vì Y": the request is X, the reason Y is the view behind it
            asked = _trimmed(text, span.start, span.start + reason.start())
            because = _trimmed(text, span.start + reason.end(), span.end)
            yield from (Statement("recommendation", m) for m in [asked] if m is not None)
            yield from (Statement("opinion", m) for m in [because] if m is not None)


def sentence_role(sentence: str) -> tuple[str | None, int]:
    """The sentence's role (None: nothing said) and where its reporting verb ends (-1: none)."""
    key = lower_key(sentence)
    if _CAPTION.search(key) or _ONLY_SPOKE.search(key.rstrip(" .")):
        return "caption", -1
    speaker = _SPEAKER.match(sentence)
    if speaker is not None and _NOT_A_SPEAKER.search(key, 0, speaker.end()):
        speaker = None  # "Ông A kết luận: ...", "Bà B trả lời: ...": not a view
    if speaker is not None and len(key) - speaker.end() >= MIN_ITEM_CHARS:
        # minutes: "Đ/c A – Bí thư chi bộ phát biểu: ...", "Ông B – Tổ dân phố 1: ..."
        said, said_end = sentence_role(sentence[speaker.end() :])
        if said in (None, "reporting", "opinion"):
            return "opinion", speaker.end() + max(
                said_end, 0
            ) if said == "opinion" else speaker.end()
        return said, speaker.end() + said_end if said_end >= 0 else -1
    if _has_cue(key, _COMMITMENT_CUES):
        return "commitment", -1
    explanation = _cues_pattern(_EXPLANATION_CUES).search(key)
    request = _verbal_cue(key, _RECOMMENDATION_CUES)
    if explanation is not None and (request is None or explanation.start() < request):
        return "explanation", -1
    if _DIRECTIVE_OPENING.match(key) or _DIRECTIVE_REQUEST.search(key) or _CONCLUDES.match(key):
        return "directive", -1
    if request is not None and not _VOTE_COUNT.search(key) and not key.rstrip(' ”"').endswith("?"):
        return "recommendation", request
    if _VOTE_COUNT.search(key):
        return "reporting", -1
    return _opinion_or_reporting(key)


def _opinion_or_reporting(key: str) -> tuple[str | None, int]:
    """A view (with the end of its verb) or reporting of facts or nothing."""
    strong = _first_cue(key, _STRONG_OPINION_CUES)
    evaluative = _EVALUATIVE.search(key) is not None
    if strong is not None and re.match(r"\s*(?:như vậy|như thế)(?!\w)", key[strong[1] :]):
        return "reporting", -1
    if strong is not None and _NOT_SPEECH.match(key, strong[1]):
        return "reporting", -1
    if strong is not None and _ABOUT_THE_EVENT.match(key, _view_start(key, strong[1])):
        return "reporting", -1
    if strong is not None and not (strong[0] in ("phát biểu", "nói", "góp ý") and not evaluative):
        return "opinion", strong[1]
    weak = _first_cue(key, _WEAK_OPINION_CUES)
    if weak is None:
        return ("opinion", -1) if evaluative and _stands_alone(key) else (None, -1)
    # "X cho biết, ...": what follows is a fact told, even with "cần" or "chưa" in it (on the
    # dev set none of the views so introduced was one).
    return "reporting", -1


def _view_start(key: str, cue_end: int) -> int:
    after = _AFTER_VERB.match(key, cue_end)
    return after.end() if after else cue_end


def _stands_alone(key: str) -> bool:
    """ "Cần làm rõ tiêu chí.": a suggestion opening the sentence is a view on its own."""
    return re.match(r"(?:[\"“]\s*)?(?:cần|nên|phải|không nên|chưa)(?!\w)", key) is not None


@lru_cache(maxsize=64)
def _cues_pattern(cues: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for all the cues, longer cues first (one pass over the sentence)."""
    alternatives = "|".join(re.escape(cue) for cue in sorted(cues, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _has_cue(key: str, cues: tuple[str, ...]) -> bool:
    return _cues_pattern(cues).search(key) is not None


def _first_cue(key: str, cues: tuple[str, ...]) -> tuple[str, int] | None:
    """The cue introducing the view, and where its introduction ends.

    The verb followed by its comma, colon or "rằng" introduces the view ("Đồng tình với đề xuất
    này, Thủ tướng nêu rõ, cần ..." is introduced by "nêu rõ"); "theo ông X," ends at its comma.
    Else the first cue found.
    """
    found = [(m.start(), m.group(0), m.end()) for m in _cues_pattern(cues).finditer(key)]
    if not found:
        return None
    for _, cue, end in found:
        if cue.startswith("theo "):
            comma = key.find(",", end, end + 40)
            if comma >= 0:
                return cue, comma + 1
        if _INTRODUCES.match(key, end):
            return cue, end
    return found[0][1], found[0][2]


def _verbal_cue(key: str, cues: tuple[str, ...]) -> int | None:
    """Where the first request word used as a verb ends ("X đề nghị bổ sung ..."), or None."""
    for match in _cues_pattern(cues).finditer(key):
        if _NOUN_BEFORE.search(key[max(0, match.start() - 14) : match.start()]):
            continue
        if _NOUN_AFTER.match(key, match.end()):
            continue
        chained = _CHAINED_REQUEST.match(key, match.end())
        if chained is not None and _NOUN_AFTER.match(key, chained.end()):
            continue  # "kiến nghị, đề xuất từ nhân dân"
        return chained.end() if chained else match.end()
    return None


def _views(text: str, sentence: Mention, cue_end: int) -> list[Mention]:
    """The view(s) of a sentence: after its reporting verb, one per part of a "; " list."""
    start = sentence.start
    quoted = _QUOTE_THEN_SPEAKER.match(sentence.text)
    if quoted is not None and cue_end >= quoted.end("quote"):
        span = _trimmed(
            text, sentence.start + quoted.start("quote"), sentence.start + quoted.end("quote")
        )
        return [span] if span is not None else []
    if cue_end >= 0:
        after = _AFTER_VERB.match(sentence.text, cue_end)
        rest = sentence.text[after.end() if after else cue_end :]
        if len(rest.split()) >= MIN_SPAN_WORDS:
            start = sentence.start + len(sentence.text) - len(rest)
    if text.count(";", start, sentence.end) >= 1:
        items = _split_items(text, start, sentence.end)
        if len(items) >= 2 and not _topics(items[1:]):
            return items
    span = _trimmed(text, start, sentence.end)
    return [span] if span is not None else []


def _topics(items: list[Mention]) -> bool:
    """ "...; về A; về B": the parts name the topics of one request, they are not views."""
    return all(lower_key(item.text).startswith(("về ", "đối với ")) for item in items)


def _trimmed(text: str, start: int, end: int) -> Mention | None:
    """text[start:end] without a closing stop (a quoted view keeps its quotes)."""
    while end > start and text[end - 1] in ".;,… ":
        end -= 1
    if end - start < MIN_ITEM_CHARS:
        return None
    return mention(text, start, end)


def _enumeration(
    text: str, sentences: list[Mention], index: int
) -> tuple[str, list[Mention], int] | None:
    """A list after "các ý kiến tập trung vào các vấn đề:": its role, items, next sentence."""
    sentence = sentences[index]
    colon = sentence.text.find(":")
    if colon < 0:
        return None
    intro = lower_key(sentence.text[:colon])
    role, _ = sentence_role(sentence.text[:colon])
    if role not in ("opinion", "recommendation", "commitment"):
        role = None
    if role is None and _has_cue(intro, _ENUMERATION_CUES) and "ý kiến" in intro:
        role = "opinion"
    if role is None or not (_has_cue(intro, _ENUMERATION_CUES) or role != "opinion"):
        return None
    items = _split_items(text, sentence.start + colon + 1, sentence.end)
    following = index + 1
    while following < len(sentences) and _LIST_MARK.match(sentences[following].text):
        if not _LIST_MARK.fullmatch(sentences[following].text):
            items.extend(_split_items(text, sentences[following].start, sentences[following].end))
        following += 1
    if len(items) < 2 and following == index + 1:
        return None
    return role, items, following


def _split_items(text: str, start: int, end: int) -> list[Mention]:
    """The parts of text[start:end] between semicolons, without list marks or closing stops."""
    items: list[Mention] = []
    position = start
    for piece in re.split(r"(;)", text[start:end]):
        piece_start, position = position, position + len(piece)
        if piece == ";":
            continue
        mark = _LIST_MARK.match(piece)
        skip = mark.end() if mark and mark.group(0).strip() else 0
        item = _trimmed(text, piece_start + skip, position)
        if item is not None:
            items.append(item)
    return items
