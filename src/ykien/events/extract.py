"""Propose an Event from a report of it (minutes or a news article), with the span of every item.

Rules, regular expressions and small gazetteers of Vietnamese titles (chức danh), organisation
heads and honorifics; no model. Every Mention's span slices the cleaned text exactly, so the page
can highlight it; nothing here is an opinion until a secretary confirms it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date as Date
from typing import Literal

from ykien.events.clean import Removed, clean_report
from ykien.events.dates import anchored_year, event_dates, report_date
from ykien.events.documents import cited_documents, drafts
from ykien.events.mentions import DateMention, Mention, lower_key, word_key
from ykien.events.mentions import mention as _mention
from ykien.events.mentions import sentences as _sentences
from ykien.events.role_model import default_model
from ykien.events.roles import ViewModel, statements
from ykien.text import fold, name_key

# A title longer than this is a paragraph, not a headline.
MAX_TITLE_CHARS = 250
# The first lines searched for a minutes' "BIÊN BẢN" heading.
HEADER_LINES = 12
MAX_NAME_WORDS = 5
MIN_NAME_WORDS = 2
MAX_PLACE_WORDS = 12
# The learned sentence-role model beside the rules (roles.py, role_model.py): measured by
# `python -m evals.event_roles`, kept only while it helps.
USE_ROLE_MODEL = False


@dataclass(frozen=True)
class PersonMention:
    """A person named in the report, with the titles written beside the name."""

    name: Mention
    titles: tuple[Mention, ...]
    honorific: str | None


@dataclass
class EventProposal:
    """What the report says about the event; a secretary corrects and confirms it."""

    text: str
    removed: list[Removed]
    title: Mention | None = None
    kind: str | None = None
    dates: list[DateMention] = field(default_factory=list)  # the event's, the likeliest first
    # The report's own date (its dateline or timestamp), for event dates written without a year.
    reference_date: Date | None = None
    other_dates: list[DateMention] = field(default_factory=list)  # deadlines, laws' dates ...
    place: Mention | None = None
    organisers: list[Mention] = field(default_factory=list)
    people: list[PersonMention] = field(default_factory=list)
    organisations: list[Mention] = field(default_factory=list)
    drafts: list[Mention] = field(default_factory=list)
    opinions: list[Mention] = field(default_factory=list)
    recommendations: list[Mention] = field(default_factory=list)
    commitments: list[Mention] = field(default_factory=list)
    directives: list[Mention] = field(default_factory=list)
    explanations: list[Mention] = field(default_factory=list)
    resolutions: list[Mention] = field(default_factory=list)
    # Laws, decrees, circulars ... cited by number: kept apart from party and state resolutions.
    legal_documents: list[Mention] = field(default_factory=list)

    def year_of(self, date: DateMention) -> int | None:
        """The date's year as written, else the one the report's own date implies."""
        return date.year if date.year is not None else anchored_year(date, self.reference_date)


# ---------------------------------------------------------------------------------------------
# Gazetteers (keys in classic tone placement, lower case: "ủy", "hòa")


def _word_set(spec: str) -> frozenset[str]:
    """The words of a space-separated list."""
    return frozenset(spec.split())


_PhraseIndex = dict[str, tuple[tuple[str, ...], ...]]


def _phrases(spec: str) -> _PhraseIndex:
    """ "a b|a|c" -> {"a": (("a", "b"), ("a",)), "c": (("c",),)}: by first word, longest first."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in sorted((tuple(p.split()) for p in spec.split("|")), key=lambda p: -len(p)):
        index.setdefault(phrase[0], []).append(phrase)
    return {first: tuple(phrases) for first, phrases in index.items()}


_SURNAMES = _word_set(
    "nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đào đoàn vương "
    "trịnh trương lâm phùng mai tô hà tạ lương đinh cao chu châu thái la lưu kiều quách "
    "triệu tăng đàm lò hầu giang thân mạc nông nghiêm tôn khúc từ doãn diệp quan thạch kim "
    "lã lại âu ông khổng tiêu bạch biện lục ninh văn lưu đồng vi hứa hàn trình mẫn viên y "
    "thi chế"
)
_PLACES = _phrases(
    "Hà Nội|Hồ Chí Minh|TP.HCM|TPHCM|Hải Phòng|Đà Nẵng|Cần Thơ|Hà Giang|Cao Bằng|Bắc Kạn|"
    "Tuyên Quang|Lào Cai|Điện Biên|Lai Châu|Sơn La|Yên Bái|Hòa Bình|Thái Nguyên|Lạng Sơn|"
    "Quảng Ninh|Bắc Giang|Phú Thọ|Vĩnh Phúc|Bắc Ninh|Hải Dương|Hưng Yên|Thái Bình|Hà Nam|"
    "Nam Định|Ninh Bình|Thanh Hóa|Nghệ An|Hà Tĩnh|Quảng Bình|Quảng Trị|Thừa Thiên Huế|Huế|"
    "Quảng Nam|Quảng Ngãi|Bình Định|Phú Yên|Khánh Hòa|Ninh Thuận|Bình Thuận|Kon Tum|Gia Lai|"
    "Đắk Lắk|Đắk Nông|Lâm Đồng|Bình Phước|Tây Ninh|Bình Dương|Đồng Nai|Bà Rịa - Vũng Tàu|"
    "Bà Rịa|Vũng Tàu|Long An|Tiền Giang|Bến Tre|Trà Vinh|Vĩnh Long|Đồng Tháp|An Giang|"
    "Hội An|Kiên Giang|Hậu Giang|Sóc Trăng|Bạc Liêu|Cà Mau|Việt Nam|Trung Quốc|Hoa Kỳ|Lào|"
    "Campuchia"
)
_ADMIN_WORDS = _phrases("thành phố|thị xã|thị trấn|tỉnh|huyện|quận|xã|phường|tp|tp.")
# Lower-case phrases that belong inside organisation names.
_ORG_LOWER = _phrases(
    "các cơ quan|cơ quan|doanh nghiệp|nhân dân|trung ương|các trường|cấp tỉnh|cấp huyện|cấp cơ sở"
)
# Heads that name an organisation on their own ("Thành ủy", "UBND") and may take a tail.
_ORG_HEADS_ALONE = _phrases(
    "ủy ban nhân dân|hội đồng nhân dân|ủy ban mặt trận tổ quốc|mặt trận tổ quốc|ubnd|hđnd|"
    "mttq|lđlđ|đảng ủy|đảng bộ|thành ủy|tỉnh ủy|huyện ủy|quận ủy|thị ủy|chi bộ|quốc hội|"
    "chính phủ|thành đoàn|tỉnh đoàn|bộ chính trị|ban bí thư|ban chấp hành|ban thường vụ|"
    "đoàn đại biểu quốc hội|đoàn đbqh|tòa án nhân dân|viện kiểm sát nhân dân|công đoàn|"
    "liên đoàn lao động|hội cựu chiến binh|hội liên hiệp phụ nữ|hội nông dân|đoàn thanh niên|"
    "ủy ban thường vụ quốc hội|văn phòng chính phủ|văn phòng quốc hội|ban tổ chức|"
    "ủy ban kiểm tra|hội đồng|ủy ban|ban soạn thảo|ban biên tập|tổ biên tập|kiểm toán nhà nước|"
    "đảng|unesco|unicef|undp|who|wto|asean|apec|imf|vcci|vnpt|evn|tand|vksnd|bhxh|ubmttq"
)
# Heads that need a capitalised name after them ("Sở Tư pháp", not "Bộ công cụ").
_ORG_HEADS_NAMED = _phrases(
    "tổng cục|chi cục|chi hội|chi đoàn|học viện|bệnh viện|trung tâm|tổng công ty|công ty|ngân hàng|"
    "câu lạc bộ|hiệp hội|liên hiệp|liên đoàn|tập đoàn|văn phòng|tiểu ban|đại học|"
    "sở|bộ|ban|hội|đoàn|cục|vụ|viện|trường|đài|quỹ|khối|phòng"
)
# Two lower-case words may follow a capitalised one only in these ("Hội Cựu chiến binh").
_ORG_LOWER_PAIRS = frozenset({("chiến", "binh"), ("nông", "thôn"), ("đào", "tạo")})
_TITLE_HEADS = _phrases(
    "ủy viên bộ chính trị|ủy viên trung ương đảng|ủy viên ban thường vụ|"
    "ủy viên ban chấp hành|ủy viên|chi ủy viên|đảng ủy viên|thành ủy viên|tỉnh ủy viên|"
    "huyện ủy viên|quận ủy viên|"
    "đảng ủy viên|tổng bí thư|phó bí thư thường trực|phó bí thư|bí thư|chủ tịch nước|"
    "phó chủ tịch nước|phó chủ tịch thường trực|phó chủ tịch|chủ tịch|phó chủ nhiệm|"
    "chủ nhiệm|thủ tướng|phó thủ tướng|bộ trưởng|thứ trưởng|phó trưởng ban thường trực|"
    "phó trưởng ban|trưởng ban|phó trưởng đoàn|trưởng đoàn|phó trưởng phòng|trưởng phòng|"
    "phó tổng giám đốc|tổng giám đốc|phó giám đốc|giám đốc|phó cục trưởng|cục trưởng|"
    "phó vụ trưởng|vụ trưởng|phó viện trưởng|viện trưởng|phó hiệu trưởng|hiệu trưởng|"
    "phó chánh văn phòng|chánh văn phòng|chánh thanh tra|phó chánh án|chánh án|"
    "phó tổng thư ký|tổng thư ký|thư ký|phó tổng biên tập|tổng biên tập|tổng thanh tra|"
    "tổng kiểm toán nhà nước|đại biểu quốc hội|đại biểu hđnd|người phát ngôn|chủ tọa|"
    "chi hội trưởng|chi hội phó|tổ trưởng|tổ phó|trưởng khu phố|trưởng thôn|trưởng ấp|"
    "trưởng bản|trưởng ban công tác mặt trận|"
    "phó trưởng|trưởng"
)
# Titles that must be written with a capital and have an organisation after them.
_TITLES_NEEDING_ORG = frozenset({("trưởng",), ("phó", "trưởng"), ("ủy", "viên")})
_HONORIFICS = _phrases(
    "đồng chí|đ/c|ông|bà|anh|chị|giáo sư|phó giáo sư|gs|pgs|ts|ths|pgs.ts|gs.ts|tskh|"
    "tiến sĩ|tiến sỹ|thạc sĩ|thạc sỹ|luật sư|ls|nhà báo|đại biểu|bác sĩ|bs|thượng tướng|"
    "trung tướng|thiếu tướng|đại tướng|đại tá|thượng tá|trung tá|thiếu tá|đại úy|nsnd|nsưt|"
    "nhà văn|nhà thơ|kts|kiến trúc sư|kỹ sư|ks|thầy|cô|cụ|em|pgs.tskh|gs.tskh|đb|đbqh|"
    "cử tri|chuyên gia|bạn"
)
# Honorifics of address, not of office: the rest ("Đại biểu", "PGS.TS", "Cử tri") are titles.
_SOCIAL_HONORIFICS = frozenset(
    {("đồng", "chí"), ("đ/c",), ("ông",), ("bà",), ("anh",), ("chị",), ("bạn",), ("cụ",),
     ("em",), ("thầy",), ("cô",)}
)  # fmt: skip
# "Đại biểu Vũ Thị Nguyệt (Đoàn Hưng Yên)": the delegation in brackets after the name.
_DELEGATION = re.compile(r"\s*\((?P<org>(?:Đoàn|đoàn)\s[^()\n]{1,60})\)")
# "theo chỉ đạo của Phó Thủ tướng X", "đối với ông Y": a person referred to, not present.
_REFERRED = re.compile(r"(?:chỉ đạo của|đối với|thay cho)\s*$", re.IGNORECASE)
# Lower-case words that end an organisation name ("Sở Tư pháp đã ...").
_ORG_STOP = _word_set(
    "đã đang sẽ vừa mới tổ phối với cùng và của tại về cho trong là có được bị này đó để "
    "nhằm theo do từ các những ngày sáng chiều tối trưa đến lên ra vào khi thì mà như đi "
    "cũng còn không chưa nên trên dưới qua sau trước phải rằng họp chủ phát dự tham nêu đề "
    "kiến ý gửi lấy góp trả ban triển thực một hai ba số năm tháng lần thứ khóa nhiệm kỳ "
    "tiếp làm đối hoặc hay nhưng vì nếu quan chỉ yêu nghiên xem giải tăng hỗ chú đẩy tạo "
    "sớm sửa bổ xây tích phản trao đánh ghi nhận tập phổ thảo khẳng nhấn bày hướng tổng "
    "quán đón trình công thăm chúc tặng viên"
)
_KINDS = (
    ("dialogue", ("đối thoại", "tiếp xúc cử tri", "tiếp xúc với cử tri")),
    ("supervision", ("đoàn giám sát", "buổi giám sát", "cuộc giám sát", "phiên giám sát")),
    ("seminar", ("tọa đàm", "hội thảo")),
    ("conference", ("hội nghị",)),
)
# "Quốc hội thảo luận" holds "hội thảo" but is a debate: a cue is a whole word group.
_KIND_PATTERNS = tuple(
    (kind, re.compile(rf"(?<!\w){re.escape(cue)}(?!\w)(?!\s+luận)"))
    for kind, cues in _KINDS
    for cue in cues
)
# Sentences after the headline that say what the event was (the lead).
KIND_LEAD_SENTENCES = 3
_EVENT_VERBS = ("tổ chức", "diễn ra", "khai mạc", "chủ trì", "họp", "làm việc")

# ---------------------------------------------------------------------------------------------
# Regular expressions

_UPPER = "A-ZĐÂĂÊÔƠƯ"
_WORD = re.compile(rf"[{_UPPER}]+(?:[&-][{_UPPER}]+)+|[^\W_]+(?:[.'’/][^\W_]+)*")
_PLACE = re.compile(r"(?<!\w)tại\s+(?P<place>[^\W\d_][^,.;:()\n“”\"]*)")
_PLACE_START = re.compile(
    r"(?:hội trường|trụ sở|nhà văn hóa|nhà văn hoá|phòng họp|khách sạn|trung tâm|cung văn hóa|"
    r"nhà khách|câu lạc bộ|sảnh|điểm cầu)",
    re.IGNORECASE,
)
_PLACE_STOP = re.compile(
    r"\s(?:do|nhằm|với|để|có|dưới|vào|ngày|sáng|chiều|tối|đã|về|cho|nhân|trong|thì|và\s+"
    r"(?-i:[a-zđ]))\s",
    re.IGNORECASE,
)
_NOT_PLACES = re.compile(
    r"(?:hội nghị|buổi|tọa đàm|toạ đàm|đây|đó|điều|khoản|dự thảo|phiên|kỳ họp|cuộc|chỗ|nhà máy"
    r"|các|những|mục|chương|phần|hội thảo|lễ)\b",
    re.IGNORECASE,
)
_ORGANISER_GAP = frozenset(
    {"và", "cùng", "với", "phối", "hợp", "đã", "vừa", "mới", "đồng", "liên", "tịch", "do", ","}
)
# "Bí thư chi bộ", "Tổ trưởng tổ dân phố 5", "Trưởng ban công tác Mặt trận khu phố 3": a
# grassroots unit written in lower case after the title (no organisation name follows).
_UNIT_TAIL = re.compile(
    r"\s(?:chi bộ|chi đoàn|chi hội|chi ủy|tổ dân phố|tổ đảng|tổ|khu phố|thôn|ấp|bản|xóm|khóm|"
    r"khu dân cư|cụm dân cư|đảng ủy|đảng bộ|hội|đoàn)(?:\s+(?:số\s+)?\d{1,3}(?![\d/.,]\d)|"
    r"\s+(?-i:[A-ZĐ])[^\W\d_]*){0,4}(?!\w)",
    re.IGNORECASE,
)
# A number in an organisation's name, after these words: "Chi bộ Khu phố 3", "Phường 7".
_NUMBERED = frozenset({"phố", "phường", "quận", "tổ", "ấp", "thôn", "khu", "đội", "xóm", "khóm"})
# Minutes: "Địa điểm: tại Hội trường khu phố 2, Phường 7."
_STATED_PLACE = re.compile(
    r"(?im)^[-–•+\s]*địa điểm\s*:\s*(?:tại\s+)?(?P<place>[^\n]*[^\s.;\n])[.;]?\s*$"
)
_ACRONYM_IN_BRACKETS = re.compile(r"\([^()]{1,20}\)")


# ---------------------------------------------------------------------------------------------
# Entry point


def extract_event(
    raw: str, *, role_model: ViewModel | Literal["default"] | None = "default"
) -> EventProposal:
    """Clean the report, then propose the event's fields with their spans in the cleaned text.

    `role_model`: the learned model consulted beside the role rules ("default": the package's,
    trained on first use, when USE_ROLE_MODEL; None: the rules alone).
    """
    text, removed = clean_report(raw)
    words = _words(text)
    organisations = _organisations(text, words)
    titles = _titles(text, words, organisations)
    sentences = list(_sentences(text))
    resolutions, legal_documents = cited_documents(text)
    title = _title(text)
    kind, kind_at = _kind(text, title, sentences)
    if role_model == "default":
        role_model = default_model() if USE_ROLE_MODEL else None
    roles = statements(text, sentences, role_model)
    proposal = EventProposal(text=text, removed=removed)
    proposal.title = title
    proposal.kind = kind
    proposal.dates, proposal.other_dates = event_dates(text, sentences, resolutions)
    timestamps = [r.text for r in removed if r.reason == "timestamp"]
    proposal.reference_date = report_date(text, timestamps)
    proposal.place = _place(text, sentences, proposal.dates, kind_at)
    outside_place = [o for o in organisations if not _inside(o, proposal.place)]
    proposal.organisers = _organisers(text, sentences, outside_place, kind_at)
    proposal.people = _people(text, words, titles, organisations)
    proposal.organisations = organisations
    proposal.drafts = drafts(text)
    proposal.opinions = roles["opinion"]
    proposal.recommendations = roles["recommendation"]
    proposal.commitments = roles["commitment"]
    proposal.directives = roles["directive"]
    proposal.explanations = roles["explanation"]
    proposal.resolutions = resolutions
    proposal.legal_documents = legal_documents
    return proposal


def _inside(mention: Mention, outer: Mention | None) -> bool:
    return outer is not None and outer.start <= mention.start and mention.end <= outer.end


# ---------------------------------------------------------------------------------------------
# Words


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    key: str
    start: int
    end: int
    spaced: bool  # only one plain space separates it from the previous word

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()

    @property
    def name_like(self) -> bool:
        """Capitalised like a syllable of a name: "Nguyễn", "A", not "UBND" or "TP.HCM"."""
        rest = self.text[1:]
        return self.capitalised and (not rest or rest.islower()) and self.text.isalpha()


def _words(text: str) -> list[_Word]:
    words: list[_Word] = []
    previous_end = -1
    for match in _WORD.finditer(text):
        spaced = previous_end >= 0 and text[previous_end : match.start()] == " "
        written = match.group(0)
        end = match.end()
        if written in ("TP", "Tp") and text[end : end + 2] == ". ":
            written, end = written + ".", end + 1  # "Đoàn TP. Hồ Chí Minh"
        words.append(_Word(written, word_key(written), match.start(), end, spaced))
        previous_end = end
    return words


def _phrase_at(words: list[_Word], i: int, phrases: _PhraseIndex) -> int:
    """The number of words of the longest phrase starting at words[i] (0 when none)."""
    for phrase in phrases.get(words[i].key, ()):
        n = len(phrase)
        if i + n > len(words):
            continue
        if all(words[i + k].key == phrase[k] for k in range(n)) and all(
            words[i + k].spaced for k in range(1, n)
        ):
            return n
    return 0


# ---------------------------------------------------------------------------------------------
# Organisations


def _organisations(text: str, words: list[_Word]) -> list[Mention]:
    """Organisations named anywhere, each the longest name found at its start."""
    found: list[Mention] = []
    i = 0
    while i < len(words):
        end = _org_end(words, i)
        if end is None:
            i += 1
            continue
        found.append(_mention(text, words[i].start, words[end - 1].end))
        i = end
    return found


def _org_end(words: list[_Word], i: int) -> int | None:
    """The index after the organisation name starting at words[i], or None."""
    if not words[i].capitalised:
        return None
    alone = _phrase_at(words, i, _ORG_HEADS_ALONE)
    named = 0 if alone else _phrase_at(words, i, _ORG_HEADS_NAMED)
    head = alone or named
    delegation = words[i].key == "đoàn" and i + 1 < len(words) and _place_at(words, i + 1) > 0
    if not head or (named == 1 and _person_starts(words, i) and not delegation):
        return None
    if _place_at(words, i):
        return None  # "Hội An" is a town
    if words[i].key == "hội" and i + 1 < len(words) and words[i + 1].key in ("nghị", "thảo"):
        return None  # "HỘI NGHỊ" is the event
    if i > 0 and words[i].spaced and words[i - 1].key in _SURNAMES and words[i - 1].name_like:
        return None  # "Lê Bộ Lĩnh": inside a person's name
    if i + head < len(words) and words[i + head].key == "viên":
        return None  # "Thành ủy viên" is a title
    if i > 0 and words[i - 1].key == "xã":
        return None  # "xã hội" (society), as in the national motto
    end = i + head
    extended = _org_tail(words, end)
    if named and (extended == end or not _starts_name(words, end)):
        return None
    if alone and _generic(words, i, end, extended):
        return None
    return _listed_name(words, extended)


# Local bodies named without their place are generic ("UBND cấp tỉnh", "Hội đồng nhân dân").
_GENERIC_HEADS = frozenset(
    {("ubnd",), ("hđnd",), ("ủy", "ban", "nhân", "dân"), ("hội", "đồng", "nhân", "dân"),
     ("hội", "đồng"), ("ủy", "ban")}
)  # fmt: skip
_LEVELS = frozenset({"cấp", "các"})


def _generic(words: list[_Word], i: int, head_end: int, end: int) -> bool:
    """A local body without its place or name: the kind of body, not one of them."""
    if tuple(w.key for w in words[i:head_end]) not in _GENERIC_HEADS:
        return False
    return end == head_end or words[head_end].key in _LEVELS


def _listed_name(words: list[_Word], end: int) -> int:
    """ "Bộ Văn hóa, Thể thao và Du lịch": a name whose parts are listed, ending in "và X"."""
    position = end
    for _ in range(6):
        if position + 1 >= len(words) or words[position].spaced:
            return end
        word = words[position]
        if word.start - words[position - 1].end != 2 or not word.capitalised:
            return end
        if _starts_org(words, position) or _person_starts(words, position):
            return end
        if _phrase_at(words, position, _TITLE_HEADS) or _place_at(words, position):
            return end
        # the part: capitalised words, lower-case ones after them ("Thiếu niên")
        position += 1
        while position < len(words) and words[position].spaced and words[position].key != "và":
            if words[position].key in _ORG_STOP or not (
                words[position].capitalised or words[position].text.islower()
            ):
                return end
            position += 1
        if position < len(words) and words[position].key == "và" and words[position].spaced:
            last = position + 1
            if last < len(words) and words[last].capitalised and not _starts_org(words, last):
                close = last + 1
                while close < len(words) and words[close].spaced and words[close].text.islower():
                    if words[close].key in _ORG_STOP:
                        break
                    close += 1
                return close
            return end
    return end


def _starts_name(words: list[_Word], i: int) -> bool:
    """The tail after a head begins with a capitalised word or an acronym."""
    return i < len(words) and words[i].spaced and words[i].capitalised


def _org_tail(words: list[_Word], i: int) -> int:
    """The index after an organisation's tail: capitalised components, places, admin words."""
    after_capital = False
    while i < len(words) and words[i].spaced:
        word = words[i]
        fixed = _phrase_at(words, i, _ORG_HEADS_ALONE) if word.capitalised else 0
        fixed = fixed or _place_at(words, i) or _phrase_at(words, i, _ADMIN_WORDS)
        fixed = fixed or _phrase_at(words, i, _ORG_LOWER)
        if fixed:
            i += fixed
            after_capital = False
            continue
        if word.capitalised:
            if _person_starts(words, i):
                break
            i += 1
            after_capital = True
            continue
        if word.text.isdigit() and len(word.text) <= 3 and words[i - 1].key in _NUMBERED:
            i += 1
            continue
        if (
            word.key == "và"
            and _starts_name(words, i + 1)
            and not _starts_org(words, i + 1)
            and not _phrase_at(words, i + 1, _TITLE_HEADS)
        ):
            i += 1
            continue
        if not after_capital or word.key in _ORG_STOP:
            break
        pair = (word.key, words[i + 1].key) if i + 1 < len(words) else None
        i += 2 if pair in _ORG_LOWER_PAIRS and words[i + 1].spaced else 1
        after_capital = False
    return _trim_lowercase(words, i)


def _trim_lowercase(words: list[_Word], end: int) -> int:
    """Drop a trailing "và" left by a failed continuation."""
    while end > 0 and words[end - 1].key == "và":
        end -= 1
    return end


def _place_at(words: list[_Word], i: int) -> int:
    """The number of words of a known province or city at words[i] (0 when none)."""
    for place in _PLACES.get(words[i].text, ()):
        n = len(place)
        if i + n <= len(words) and all(words[i + k].text == place[k] for k in range(n)):
            return n
    return 0


def _person_starts(words: list[_Word], i: int) -> bool:
    """words[i] starts a person's name: a surname followed by 1-4 name-like words."""
    if words[i].key not in _SURNAMES or not words[i].name_like or _place_at(words, i):
        return False
    run = _name_run(words, i)
    return MIN_NAME_WORDS <= run <= MAX_NAME_WORDS


def _name_run(words: list[_Word], i: int) -> int:
    """How many name-like words follow one another from words[i], one space apart."""
    n = 0
    while i + n < len(words) and words[i + n].name_like and (n == 0 or words[i + n].spaced):
        if n and (_phrase_at(words, i + n, _TITLE_HEADS) or _is_org_head(words, i + n)):
            break
        n += 1
    return n


def _starts_org(words: list[_Word], i: int) -> bool:
    """words[i] is the head of another organisation ("... và Đoàn Thanh niên")."""
    return bool(_phrase_at(words, i, _ORG_HEADS_ALONE) or _phrase_at(words, i, _ORG_HEADS_NAMED))


def _is_org_head(words: list[_Word], i: int) -> bool:
    return bool(_phrase_at(words, i, _ORG_HEADS_ALONE))


# ---------------------------------------------------------------------------------------------
# Titles and people


@dataclass(frozen=True, slots=True)
class _Title:
    mention: Mention
    first: int  # word indexes
    last: int


def _titles(text: str, words: list[_Word], organisations: list[Mention]) -> list[_Title]:
    """Titles (chức danh) with the organisation written after them."""
    org_by_start = {org.start: org for org in organisations}
    starts = [org.start for org in organisations]
    titles: list[_Title] = []
    i = 0
    while i < len(words):
        n = _phrase_at(words, i, _TITLE_HEADS)
        head = tuple(w.key for w in words[i : i + n])
        if not n or (head in _TITLES_NEEDING_ORG and not words[i].capitalised):
            i += 1
            continue
        end_char = words[i + n - 1].end
        last = i + n - 1
        org = org_by_start.get(words[i + n].start) if i + n < len(words) else None
        # "Phó Chánh Văn phòng UBND ...": the organisation starts inside the title's head
        inner = _org_inside(organisations, starts, words[i].start, end_char)
        if org is None and inner is not None and inner.end > end_char:
            org = inner
        if org is not None and (words[i + n].spaced or org is inner):
            end_char = org.end
            # "Chủ nhiệm Ủy ban Kinh tế của Quốc hội": the body the organisation belongs to
            owner = (
                org_by_start.get(end_char + len(" của "))
                if text.startswith(" của ", end_char)
                else None
            )
            if owner is not None:
                end_char = owner.end
            while last + 1 < len(words) and words[last + 1].end <= end_char:
                last += 1
        elif head in _TITLES_NEEDING_ORG:
            i += 1
            continue
        else:
            tail = _UNIT_TAIL.match(text, end_char)
            if tail is not None and tail.group(0)[1:2].islower():
                end_char = tail.end()
                while last + 1 < len(words) and words[last + 1].end <= end_char:
                    last += 1
        titles.append(_Title(_mention(text, words[i].start, end_char), i, last))
        i = last + 1
    return titles


def _org_inside(
    organisations: list[Mention], starts: list[int], after: int, before: int
) -> Mention | None:
    """The first organisation starting strictly between two offsets (starts: theirs, sorted)."""
    index = bisect_right(starts, after)
    return organisations[index] if index < len(starts) and starts[index] < before else None


def _people(
    text: str, words: list[_Word], titles: list[_Title], organisations: list[Mention]
) -> list[PersonMention]:
    """People named after an honorific or beside a title."""
    title_by_last = {title.last: title for title in titles}
    title_by_first = {title.first: title for title in titles}
    in_title = {i for title in titles for i in range(title.first, title.last + 1)}
    in_org = [(org.start, org.end) for org in organisations]
    people: list[PersonMention] = []
    i = 0
    while i < len(words):
        person = _person_at(text, words, i, title_by_last, title_by_first, in_title)
        if person is None or any(s <= person.name.start < e for s, e in in_org):
            i += 1
            continue
        people.append(person)
        i = _index_after(words, person.name.end)
    return _merged_people(people)


def _person_at(
    text: str,
    words: list[_Word],
    i: int,
    title_by_last: dict[int, _Title],
    title_by_first: dict[int, _Title],
    in_title: set[int],
) -> PersonMention | None:
    """The person whose name starts at words[i], if the words around it say it is one."""
    if i in in_title or not words[i].name_like:
        return None
    run = _name_run(words, i)
    if run < MIN_NAME_WORDS or _place_at(words, i) == run:
        return None
    if (words[i].key,) in _SOCIAL_HONORIFICS and run > MIN_NAME_WORDS:
        return None  # "Ông Phạm Văn D": the honorific opens a sentence, the name follows
    run = min(run, MAX_NAME_WORDS)
    before = _titles_before(text, words, i, title_by_last)
    found = _honorific_at(text, words, before[0].first if before else i)
    honorific = found[0] if found else None
    if honorific is None and not before and words[i].key not in _SURNAMES:
        return None
    after = _titles_after(text, words, i + run, title_by_first)
    if honorific is None and not before and not after:
        return None
    opening = words[found[1]].start if found else (before[0].mention.start if before else 0)
    if _REFERRED.search(text[max(0, opening - 20) : opening]):
        return None
    name = _mention(text, words[i].start, words[i + run - 1].end)
    titles = [title.mention for title in before + after]
    if found and tuple(w.key for w in words[found[1] : found[2]]) not in _SOCIAL_HONORIFICS:
        titles.insert(0, _mention(text, words[found[1]].start, words[found[2] - 1].end))
    delegation = _DELEGATION.match(text, name.end)
    if delegation:
        titles.append(_mention(text, delegation.start("org"), delegation.end("org")))
    return PersonMention(name=name, titles=tuple(titles), honorific=honorific)


def _merged_people(people: list[PersonMention]) -> list[PersonMention]:
    """One record per person (by name key): the first mention, with every title found.

    A title that is the start of a longer one found for the same person ("Phó Chánh Văn phòng"
    beside "Phó Chánh Văn phòng UBND thành phố") is the cut form and is left out.
    """
    merged: dict[str, PersonMention] = {}
    for person in people:
        key = name_key(person.name.text)
        known = merged.get(key)
        if known is None:
            merged[key] = person
            continue
        merged[key] = PersonMention(
            name=known.name,
            titles=known.titles + person.titles,
            honorific=known.honorific or person.honorific,
        )
    return [replace(p, titles=_distinct_titles(p.titles)) for p in merged.values()]


def _distinct_titles(titles: tuple[Mention, ...]) -> tuple[Mention, ...]:
    keys = [name_key(title.text) for title in titles]
    kept: list[Mention] = []
    seen: set[str] = set()
    for title, key in zip(titles, keys, strict=True):
        longer = any(other != key and other.startswith(key + " ") for other in keys)
        if key not in seen and not longer:
            seen.add(key)
            kept.append(title)
    return tuple(kept)


def _titles_before(
    text: str, words: list[_Word], i: int, title_by_last: dict[int, _Title]
) -> list[_Title]:
    """Titles written just before the name: "Ủy viên Trung ương Đảng, Bí thư Thành ủy <name>"."""
    found: list[_Title] = []
    title = title_by_last.get(i - 1)
    if title is None or not words[i].spaced:
        return found
    while title is not None:
        found.insert(0, title)
        title = title_by_last.get(title.first - 1)
        if title is not None and not _joined_by_comma(text, words, title.last):
            break
    return found


def _joined_by_comma(text: str, words: list[_Word], left: int) -> bool:
    """Only a comma separates words[left] from the next word."""
    return left + 1 < len(words) and text[words[left].end : words[left + 1].start].strip() == ","


def _titles_after(
    text: str, words: list[_Word], after: int, title_by_first: dict[int, _Title]
) -> list[_Title]:
    """Titles after the name: ", Phó Chủ tịch UBND tỉnh", " - Thành ủy viên, Bí thư ..."."""
    found: list[_Title] = []
    if after >= len(words):
        return found
    gap = text[words[after - 1].end : words[after].start]
    if gap.strip() not in {",", "-", "–", "—", "("}:
        return found
    index = after
    while index < len(words) and index in title_by_first:
        title = title_by_first[index]
        following = title.last + 1
        if following < len(words) and words[following].spaced and _person_starts(words, following):
            break  # ", Bí thư Tỉnh đoàn Trần Văn B": the next person's title
        found.append(title)
        index = title.last + 1
        if index >= len(words):
            break
        gap = text[words[index - 1].end : words[index].start].strip()
        if gap not in {",", "và", "kiêm"} and word_key(gap) not in {"kiêm", "và"}:
            break
    return found


def _honorific_at(text: str, words: list[_Word], i: int) -> tuple[str, int, int] | None:
    """The honorific just before words[i] ("đồng chí", "ông", "PGS.TS"): (written, first, i)."""
    for n in (3, 2, 1):
        first = i - n
        if first < 0 or not words[i].spaced:
            continue
        candidate = tuple(w.key for w in words[first:i])
        joined = all(words[k].spaced for k in range(first + 1, i))
        if joined and candidate in _HONORIFICS.get(candidate[0], ()):
            written = text[words[first].start : words[i - 1].end]
            return (written.lower() if written[1:].islower() or n > 1 else written), first, i
    return None


def _index_after(words: list[_Word], end: int) -> int:
    for index, word in enumerate(words):
        if word.start >= end:
            return index
    return len(words)


# ---------------------------------------------------------------------------------------------
# Title, kind, dates, place, organisers


def _title(text: str) -> Mention | None:
    """The headline (first line), or the title under a minutes' "BIÊN BẢN" heading."""
    lines = list(_lines(text))
    if len(lines) < 2:
        return None
    for position, line in enumerate(lines[:HEADER_LINES]):
        if fold(line.text).startswith("bien ban"):
            # "BIÊN BẢN" or "BIÊN BẢN HỘI NGHỊ" over the line naming the meeting
            heading = len(line.text.split()) <= 4 and line.text.isupper()
            if not heading or position + 1 >= len(lines):
                return line
            return _mention(text, line.start, lines[position + 1].end)
    for line in lines[:HEADER_LINES]:
        folded = fold(line.text)
        if "cong hoa xa hoi" in folded or "doc lap" in folded:
            continue
        return line if len(line.text) <= MAX_TITLE_CHARS else None
    return None


def _lines(text: str) -> Iterator[Mention]:
    position = 0
    for line in text.split("\n"):
        if line.strip():
            yield _mention(text, position, position + len(line))
        position += len(line) + 1


def _kind(text: str, title: Mention | None, sentences: list[Mention]) -> tuple[str | None, int]:
    """The kind of event and where its word stands, from the headline and the lead only.

    Kind words further on are mostly other events ("tại cuộc đối thoại của Thủ tướng tuần
    trước"), so they do not decide the kind.

    Without a kind, the position is that of the first kind word anywhere (-1 when none), an
    anchor for the place and the organisers.
    """
    key = lower_key(text)
    found = sorted(
        (match.start(), kind) for kind, pattern in _KIND_PATTERNS for match in pattern.finditer(key)
    )
    if not found:
        return None, -1
    priority = {kind: rank for rank, (kind, _) in enumerate(_KINDS)}
    regions = [title.end if title else 0, _lead_end(title, sentences)]
    for region_end in regions:
        inside = [(priority[kind], at, kind) for at, kind in found if at < region_end]
        if inside:
            _, at, kind = min(inside)
            return kind, at
    return None, found[0][0]


def _lead_end(title: Mention | None, sentences: list[Mention]) -> int:
    """Where the headline and the first sentences of the body end."""
    body = [s for s in sentences if title is None or s.start >= title.end]
    lead = body[:KIND_LEAD_SENTENCES]
    return lead[-1].end if lead else (title.end if title else 0)


def _place(
    text: str, sentences: list[Mention], dates: list[DateMention], kind_at: int
) -> Mention | None:
    """Where the event was held: "tại <place>" in the sentence of its date or its kind word,
    or a minutes' "Địa điểm: ..." line."""
    stated = _STATED_PLACE.search(text)
    if stated is not None:
        return _mention(text, stated.start("place"), stated.end("place"))
    anchors = [date.mention.start for date in dates[:1]] + ([kind_at] if kind_at >= 0 else [])
    for anchor in anchors:
        sentence = next((s for s in sentences if s.start <= anchor < s.end), None)
        if sentence is None:
            continue
        for match in _PLACE.finditer(text, sentence.start, sentence.end):
            place = _place_from(text, match)
            if place is not None:
                return place
    return None


def _place_from(text: str, match: re.Match[str]) -> Mention | None:
    start = match.start("place")
    value = match.group("place")
    stop = _PLACE_STOP.search(value)
    if stop:
        value = value[: stop.start()]
    value = " ".join(value.split()[:MAX_PLACE_WORDS])
    if not value or _NOT_PLACES.match(value):
        return None
    if not value[0].isupper():
        lead = _PLACE_START.match(value)
        if lead is None:
            return None
        value = _named_place(value, lead.end())
    return _mention(text, start, start + len(value))


def _named_place(value: str, head_end: int) -> str:
    """ "hội trường Diên Hồng nghe ..." -> "hội trường Diên Hồng": head and capitalised words."""
    end = head_end
    for word in re.finditer(r"\S+", value[head_end:]):
        if not (word.group(0)[:1].isupper() or word.group(0)[:1].isdigit()):
            break
        end = head_end + word.end()
    return value[:end]


def _organisers(
    text: str, sentences: list[Mention], organisations: list[Mention], kind_at: int
) -> list[Mention]:
    """Organisations chained to "tổ chức" in the first sentences about the event."""
    candidates = [s for s in sentences if "tổ chức" in s.text][:3]
    if kind_at >= 0:
        about = next((s for s in sentences if s.start <= kind_at < s.end), None)
        if about is not None and about not in candidates:
            candidates.insert(0, about)
    for sentence in candidates:
        found = _organisers_in(text, sentence, organisations)
        if found:
            return found
    return []


def _organisers_in(text: str, sentence: Mention, organisations: list[Mention]) -> list[Mention]:
    for match in re.finditer(r"(?<!\w)tổ chức(?!\w)", text[sentence.start : sentence.end]):
        verb_at = sentence.start + match.start()
        if any(org.start <= verb_at < org.end for org in organisations):
            continue
        chain: list[Mention] = []
        boundary = verb_at
        for org in reversed([o for o in organisations if sentence.start <= o.start < verb_at]):
            if not _organiser_gap(text[org.end : boundary]):
                break
            chain.insert(0, org)
            boundary = org.start
        if chain:
            return chain
    return []


def _organiser_gap(gap: str) -> bool:
    """The words between two organisers (or before "tổ chức") only join them."""
    gap = _ACRONYM_IN_BRACKETS.sub(" ", gap).replace(",", " , ")
    return all(word_key(word) in _ORGANISER_GAP for word in gap.split())
