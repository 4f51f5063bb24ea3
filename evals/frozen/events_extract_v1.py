"""Frozen copy of ykien.events.extract before issue 14, run beside it by evals.events.

Propose an Event from a report of it (minutes or a news article), with the span of every item.

Rules, regular expressions and small gazetteers of Vietnamese titles (chức danh), organisation
heads and honorifics; no model. Every Mention's span slices the cleaned text exactly, so the page
can highlight it; nothing here is an opinion until a secretary confirms it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from evals.frozen.events_clean_v1 import Removed, clean_report
from ykien.text import classic_tones, fold

# A title longer than this is a paragraph, not a headline.
MAX_TITLE_CHARS = 250
# The first lines searched for a minutes' "BIÊN BẢN" heading.
HEADER_LINES = 12
MAX_NAME_WORDS = 5
MIN_NAME_WORDS = 2
MAX_PLACE_WORDS = 12
MAX_DRAFT_WORDS = 25
# How far (characters) a time may stand from its date and still belong to it.
TIME_GAP = r"[\s,]*(?:(?:vào\s+)?lúc\s+|ngày\s+|hôm\s+)?"


@dataclass(frozen=True)
class Mention:
    """A piece of the text: text[start:end] == text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class PersonMention:
    """A person named in the report, with the titles written beside the name."""

    name: Mention
    titles: tuple[Mention, ...]
    honorific: str | None


@dataclass(frozen=True)
class DateMention:
    """A date (and maybe a time) as written, with its values."""

    mention: Mention
    day: int
    month: int
    year: int | None
    hour: int | None
    minute: int | None


@dataclass
class EventProposal:
    """What the report says about the event; a secretary corrects and confirms it."""

    text: str
    removed: list[Removed]
    title: Mention | None = None
    kind: str | None = None
    dates: list[DateMention] = field(default_factory=list)
    place: Mention | None = None
    organisers: list[Mention] = field(default_factory=list)
    people: list[PersonMention] = field(default_factory=list)
    organisations: list[Mention] = field(default_factory=list)
    drafts: list[Mention] = field(default_factory=list)
    opinions: list[Mention] = field(default_factory=list)
    recommendations: list[Mention] = field(default_factory=list)
    commitments: list[Mention] = field(default_factory=list)
    resolutions: list[Mention] = field(default_factory=list)


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
    "Kiên Giang|Hậu Giang|Sóc Trăng|Bạc Liêu|Cà Mau|Việt Nam|Trung Quốc|Hoa Kỳ|Lào|"
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
    "ủy ban kiểm tra|hội đồng|ủy ban"
)
# Heads that need a capitalised name after them ("Sở Tư pháp", not "Bộ công cụ").
_ORG_HEADS_NAMED = _phrases(
    "tổng cục|chi cục|học viện|bệnh viện|trung tâm|tổng công ty|công ty|ngân hàng|"
    "câu lạc bộ|hiệp hội|liên hiệp|liên đoàn|tập đoàn|văn phòng|tiểu ban|đại học|"
    "sở|bộ|ban|hội|đoàn|cục|vụ|viện|trường|báo|đài|quỹ|khối|phòng"
)
# Two lower-case words may follow a capitalised one only in these ("Hội Cựu chiến binh").
_ORG_LOWER_PAIRS = frozenset({("chiến", "binh"), ("nông", "thôn"), ("đào", "tạo")})
_TITLE_HEADS = _phrases(
    "ủy viên bộ chính trị|ủy viên trung ương đảng|ủy viên ban thường vụ|"
    "ủy viên ban chấp hành|ủy viên|thành ủy viên|tỉnh ủy viên|huyện ủy viên|quận ủy viên|"
    "đảng ủy viên|tổng bí thư|phó bí thư thường trực|phó bí thư|bí thư|chủ tịch nước|"
    "phó chủ tịch nước|phó chủ tịch thường trực|phó chủ tịch|chủ tịch|phó chủ nhiệm|"
    "chủ nhiệm|thủ tướng|phó thủ tướng|bộ trưởng|thứ trưởng|phó trưởng ban thường trực|"
    "phó trưởng ban|trưởng ban|phó trưởng đoàn|trưởng đoàn|phó trưởng phòng|trưởng phòng|"
    "phó tổng giám đốc|tổng giám đốc|phó giám đốc|giám đốc|phó cục trưởng|cục trưởng|"
    "phó vụ trưởng|vụ trưởng|phó viện trưởng|viện trưởng|phó hiệu trưởng|hiệu trưởng|"
    "phó chánh văn phòng|chánh văn phòng|chánh thanh tra|phó chánh án|chánh án|"
    "phó tổng thư ký|tổng thư ký|thư ký|phó tổng biên tập|tổng biên tập|tổng thanh tra|"
    "tổng kiểm toán nhà nước|đại biểu quốc hội|đại biểu hđnd|người phát ngôn|chủ tọa|"
    "phó trưởng|trưởng"
)
# Titles that must be written with a capital and have an organisation after them.
_TITLES_NEEDING_ORG = frozenset({("trưởng",), ("phó", "trưởng"), ("ủy", "viên")})
_HONORIFICS = _phrases(
    "đồng chí|đ/c|ông|bà|anh|chị|giáo sư|phó giáo sư|gs|pgs|ts|ths|pgs.ts|gs.ts|tskh|"
    "tiến sĩ|tiến sỹ|thạc sĩ|thạc sỹ|luật sư|ls|nhà báo|đại biểu|bác sĩ|bs|thượng tướng|"
    "trung tướng|thiếu tướng|đại tướng|đại tá|thượng tá|trung tá|thiếu tá|đại úy|nsnd|nsưt|"
    "nhà văn|nhà thơ|kts|kiến trúc sư|kỹ sư|ks|thầy|cô|cụ|em|pgs.tskh|gs.tskh"
)
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
    ("dialogue", ("đối thoại",)),
    ("supervision", ("giám sát",)),
    ("seminar", ("tọa đàm", "hội thảo")),
    ("conference", ("hội nghị", "kỳ họp", "cuộc họp", "buổi họp", "phiên họp")),
)
_EVENT_VERBS = ("tổ chức", "diễn ra", "khai mạc", "chủ trì", "họp", "làm việc")
_COMMITMENT_CUES = (
    "sẽ tiếp thu", "tiếp thu đầy đủ", "tiếp thu, tổng hợp", "tiếp thu và", "tiếp thu, chỉnh sửa",
    "sẽ chuyển", "chuyển lên", "sẽ tổng hợp", "sẽ nghiên cứu", "sẽ xem xét", "sẽ giải trình",
    "sẽ báo cáo", "sẽ phản ánh", "cam kết", "ghi nhận, tiếp thu", "tiếp thu, giải trình",
    "sẽ trả lời", "sẽ giải quyết", "sẽ chỉ đạo",
)  # fmt: skip
_RECOMMENDATION_CUES = ("kiến nghị", "đề xuất", "đề nghị", "kiến nghị, đề xuất")
_OPINION_CUES = (
    "cho rằng", "cho biết", "bày tỏ", "băn khoăn", "nhấn mạnh", "đề cập", "tham luận", "phát biểu",
    "nhận định", "lo ngại", "đồng tình", "nêu rõ", "nêu lên", "nêu ý kiến", "khẳng định", "chỉ ra",
    "phân tích", "theo ông", "theo bà", "theo đại biểu", "ý kiến cho", "ý kiến đề", "quan điểm",
    "góp ý", "ý kiến", "tán thành", "thống nhất với", "chưa hợp lý", "cần", "nên",
)  # fmt: skip
# Sentences that announce the consultation rather than voice an opinion.
_ANNOUNCE_CUES = ("lấy ý kiến", "xin ý kiến", "tổ chức", "góp ý vào dự thảo", "góp ý dự thảo")
_WEAK_OPINION_CUES = frozenset({"góp ý", "ý kiến", "cần", "nên", "cho biết"})
_ENUMERATION_CUES = ("tập trung", "các vấn đề", "các nội dung", "như sau", "cụ thể", "gồm")
_DOC_TYPES = _word_set(
    "luật bộ hiến nghị thông quyết chỉ văn báo đề chiến kế chương quy điều pháp tờ dự kết hướng"
)
_DRAFT_STOP = _word_set(
    "do nhằm để đã được đang sẽ tại vào với là thì có cho trình theo trong này gồm khi nên "
    "mà không chưa cũng vẫn như bởi vì nhưng hay hoặc tới đến lên từ nay"
)
_DRAFT_TRAILING = frozenset({"của", "về", "các", "và", "những", "cho"})

# ---------------------------------------------------------------------------------------------
# Regular expressions

_WORD = re.compile(r"[^\W_]+(?:[.'’/][^\W_]+)*")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])[\"”»’)]*\s+(?=[\"“«‘(\-–]?[^\W\d_])|\n+")
_ABBREVIATIONS = frozenset({"tp", "tt", "pgs", "gs", "ts", "ths", "th.s", "st", "no", "q", "p"})
_LIST_MARK = re.compile(r"\s*(?:[-–—•+*]|\d{1,2}[.)]|[a-zđ]\))\s*")
_YEAR = r"(?:19[4-9]\d|20\d\d|21\d\d)"
_NUMERIC_DATE = re.compile(
    rf"(?<![\d/.\-])(?P<d>\d{{1,2}})(?:\s*(?:và|,|-|–|đến)\s*(?P<d2>\d{{1,2}}))?"
    rf"(?P<sep>[/.\-])(?P<m>\d{{1,2}})(?:(?P=sep)(?P<y>{_YEAR}))?(?![\d/]|\.\d|-\w)",
    re.IGNORECASE,
)
_VERBAL_DATE = re.compile(
    rf"ngày\s+(?P<d>\d{{1,2}})\s+tháng\s+(?P<m>\d{{1,2}})(?:\s*(?:,\s*)?năm\s+(?P<y>{_YEAR}))?",
    re.IGNORECASE,
)
_DATE_LEAD = re.compile(
    r"(?:ngày|sáng|trưa|chiều|tối|đêm|hôm|nay|qua|mai|từ|đến|thứ\s+\w+,?|chủ\s+nhật,?)\s*\(?$",
    re.IGNORECASE,
)
_PART_OF_DAY = re.compile(r"(?:sáng|chiều|tối|trưa)\s*(?:nay\s*)?\(?$", re.IGNORECASE)
_TIME = re.compile(
    r"(?<![\d/])(?P<h>[01]?\d|2[0-3])\s*(?:h|giờ|:)\s*(?P<mi>[0-5]\d)?(?:\s*phút)?(?![\w/])",
    re.IGNORECASE,
)
_RESOLUTION = re.compile(
    r"(?P<kind>(?i:[nN]ghị quyết|[qQ]uyết định|[cC]hỉ thị|[kK]ết luận|[nN]ghị định|[tT]hông tư|"
    r"[qQ]uy định|[hH]ướng dẫn|[cC]ông văn|[tT]hông báo|[kK]ế hoạch|Luật))"
    r"\s+(?:(?i:số)\s*)?(?P<num>\d+(?:[/\-.][\w\-/.]*\w)?)"
    r"(?:\s*(?i:ngày)\s+(?:\d{1,2}\s*[/\-.]\s*\d{1,2}\s*[/\-.]\s*\d{4}"
    r"|\d{1,2}\s+(?i:tháng)\s+\d{1,2}\s*,?\s*(?i:năm)\s+\d{4}))?"
    r"|Nghị quyết(?: Hội nghị)? Trung ương \d+(?: (?i:khóa|khoá) [IVXL]+)?",
)
_DRAFT = re.compile(r"(?<!\w)(?i:dự thảo)(?!\w)")
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
_ACRONYM_IN_BRACKETS = re.compile(r"\([^()]{1,20}\)")


# ---------------------------------------------------------------------------------------------
# Entry point


def extract_event(raw: str) -> EventProposal:
    """Clean the report, then propose the event's fields with their spans in the cleaned text."""
    text, removed = clean_report(raw)
    words = _words(text)
    organisations = _organisations(text, words)
    titles = _titles(text, words, organisations)
    sentences = list(_sentences(text))
    resolutions = [_mention(text, m.start(), m.end()) for m in _RESOLUTION.finditer(text)]
    title = _title(text)
    kind, kind_at = _kind(text, title)
    opinions, recommendations, commitments = _statements(text, sentences)
    proposal = EventProposal(text=text, removed=removed)
    proposal.title = title
    proposal.kind = kind
    proposal.dates = _dates(text, sentences, resolutions)
    proposal.place = _place(text, sentences, proposal.dates, kind_at)
    outside_place = [o for o in organisations if not _inside(o, proposal.place)]
    proposal.organisers = _organisers(text, sentences, outside_place, kind_at)
    proposal.people = _people(text, words, titles, organisations)
    proposal.organisations = organisations
    proposal.drafts = _drafts(text)
    proposal.opinions = opinions
    proposal.recommendations = recommendations
    proposal.commitments = commitments
    proposal.resolutions = resolutions
    return proposal


def _mention(text: str, start: int, end: int) -> Mention:
    """The mention of text[start:end], trimmed of surrounding white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Mention(text[start:end], start, end)


def _inside(mention: Mention, outer: Mention | None) -> bool:
    return outer is not None and outer.start <= mention.start and mention.end <= outer.end


@lru_cache(maxsize=65_536)
def _key(word: str) -> str:
    """A word for gazetteer lookups: lower case, classic tone placement ("uỷ" -> "ủy")."""
    return classic_tones(word).lower()


def _lower_key(text: str) -> str:
    return classic_tones(text).lower()


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
        words.append(_Word(written, _key(written), match.start(), match.end(), spaced))
        previous_end = match.end()
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
    if not head or (named == 1 and _person_starts(words, i)):
        return None
    if i + head < len(words) and words[i + head].key == "viên":
        return None  # "Thành ủy viên" is a title
    if i > 0 and words[i - 1].key == "xã":
        return None  # "xã hội" (society), as in the national motto
    end = i + head
    extended = _org_tail(words, end)
    if named and (extended == end or not _starts_name(words, end)):
        return None
    return extended


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
        if word.key == "và" and _starts_name(words, i + 1) and not _starts_org(words, i + 1):
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
        if org is not None and words[i + n].spaced:
            end_char = org.end
            while last + 1 < len(words) and words[last + 1].end <= org.end:
                last += 1
        elif head in _TITLES_NEEDING_ORG:
            i += 1
            continue
        titles.append(_Title(_mention(text, words[i].start, end_char), i, last))
        i = last + 1
    return titles


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
    return people


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
    run = min(run, MAX_NAME_WORDS)
    before = _titles_before(text, words, i, title_by_last)
    honorific = _honorific_before(text, words, before[0].first if before else i)
    if honorific is None and not before and words[i].key not in _SURNAMES:
        return None
    after = _titles_after(text, words, i + run, title_by_first)
    if honorific is None and not before and not after:
        return None
    name = _mention(text, words[i].start, words[i + run - 1].end)
    titles = tuple(title.mention for title in before + after)
    return PersonMention(name=name, titles=titles, honorific=honorific)


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
        found.append(title)
        index = title.last + 1
        if index >= len(words):
            break
        gap = text[words[index - 1].end : words[index].start].strip()
        if gap not in {",", "và", "kiêm"} and _key(gap) not in {"kiêm", "và"}:
            break
    return found


def _honorific_before(text: str, words: list[_Word], i: int) -> str | None:
    """The honorific written just before words[i] ("đồng chí", "ông", "PGS.TS"), if any."""
    for n in (3, 2, 1):
        first = i - n
        if first < 0 or not words[i].spaced:
            continue
        candidate = tuple(w.key for w in words[first:i])
        joined = all(words[k].spaced for k in range(first + 1, i))
        if joined and candidate in _HONORIFICS.get(candidate[0], ()):
            written = text[words[first].start : words[i - 1].end]
            return written.lower() if written[1:].islower() or n > 1 else written
    return None


def _index_after(words: list[_Word], end: int) -> int:
    for index, word in enumerate(words):
        if word.start >= end:
            return index
    return len(words)


# ---------------------------------------------------------------------------------------------
# Sentences and statements


def _sentences(text: str) -> Iterator[Mention]:
    """Sentences (and lines) with their spans; abbreviations like "TP." do not end one."""
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        if _ends_with_abbreviation(text, match.start()):
            continue
        if text[start : match.start()].strip():
            yield _mention(text, start, match.start())
        start = match.end()
    if text[start:].strip():
        yield _mention(text, start, len(text))


def _ends_with_abbreviation(text: str, end: int) -> bool:
    words = text[max(0, end - 8) : end].rstrip('."”»’)').split()
    return bool(words) and words[-1].lower().rstrip(".") in _ABBREVIATIONS


def _statements(
    text: str, sentences: list[Mention]
) -> tuple[list[Mention], list[Mention], list[Mention]]:
    """Opinions, recommendations and commitments: whole sentences, or the items of a list."""
    buckets: dict[str, list[Mention]] = {"opinion": [], "recommendation": [], "commitment": []}
    index = 1 if sentences and "\n" in text else 0  # the title is not a statement
    while index < len(sentences):
        sentence = sentences[index]
        listed = _enumeration(text, sentences, index)
        if listed is not None:
            label, items, index = listed
            buckets[label].extend(items)
            continue
        sentence_label = _statement_label(sentence.text)
        if sentence_label is not None:
            buckets[sentence_label].append(sentence)
        index += 1
    return buckets["opinion"], buckets["recommendation"], buckets["commitment"]


def _statement_label(sentence: str) -> str | None:
    """ "commitment", "recommendation", "opinion" or None, by the cue words in the sentence."""
    key = _lower_key(sentence)
    if _has_cue(key, _COMMITMENT_CUES):
        return "commitment"
    if _has_cue(key, _RECOMMENDATION_CUES):
        return "recommendation"
    cues = [cue for cue in _OPINION_CUES if _has_cue(key, (cue,))]
    if not cues:
        return None
    strong = [cue for cue in cues if cue not in _WEAK_OPINION_CUES]
    if not strong and (_has_cue(key, _ANNOUNCE_CUES) or cues == ["cần"] or cues == ["nên"]):
        return None
    return "opinion"


@lru_cache(maxsize=256)
def _cue_pattern(cue: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(cue)}(?!\w)")


def _has_cue(key: str, cues: tuple[str, ...]) -> bool:
    return any(_cue_pattern(cue).search(key) for cue in cues)


def _enumeration(
    text: str, sentences: list[Mention], index: int
) -> tuple[str, list[Mention], int] | None:
    """A list after "các ý kiến tập trung vào các vấn đề:": its label, items, next sentence."""
    sentence = sentences[index]
    colon = sentence.text.find(":")
    if colon < 0:
        return None
    intro = _lower_key(sentence.text[:colon])
    label = _statement_label(sentence.text[:colon]) or (
        "opinion" if _has_cue(intro, _ENUMERATION_CUES) and "ý kiến" in intro else None
    )
    if label is None or not (_has_cue(intro, _ENUMERATION_CUES) or label != "opinion"):
        return None
    rest_start = sentence.start + colon + 1
    items = _split_items(text, rest_start, sentence.end)
    following = index + 1
    while following < len(sentences) and _LIST_MARK.match(sentences[following].text):
        if not _LIST_MARK.fullmatch(sentences[following].text):
            items.extend(_split_items(text, sentences[following].start, sentences[following].end))
        following += 1
    if len(items) < 2 and following == index + 1:
        return None
    return label, items, following


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
        item = _mention(text, piece_start + skip, position)
        trimmed_end = item.end
        while trimmed_end > item.start and text[trimmed_end - 1] in ".;,":
            trimmed_end -= 1
        if trimmed_end - item.start >= 3:
            items.append(_mention(text, item.start, trimmed_end))
    return items


# ---------------------------------------------------------------------------------------------
# Title, kind, dates, place, organisers


def _title(text: str) -> Mention | None:
    """The headline (first line), or the title under a minutes' "BIÊN BẢN" heading."""
    lines = list(_lines(text))
    if len(lines) < 2:
        return None
    for position, line in enumerate(lines[:HEADER_LINES]):
        if fold(line.text).startswith("bien ban"):
            if len(line.text.split()) > 2 or position + 1 >= len(lines):
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


def _kind(text: str, title: Mention | None) -> tuple[str | None, int]:
    """The kind of event, and where its word was found; the headline decides first."""
    key = _lower_key(text)
    title_start, title_end = (title.start, title.end) if title else (0, 0)
    for kind, cues in _KINDS:
        for cue in cues:
            found = key.find(cue, title_start, title_end)
            if found >= 0:
                return kind, found
    best: tuple[int, str] | None = None
    for kind, cues in _KINDS:
        for cue in cues:
            found = key.find(cue)
            if found >= 0 and (best is None or found < best[0]):
                best = (found, kind)
    if best is None:
        return None, -1
    return best[1], best[0]


def _dates(text: str, sentences: list[Mention], resolutions: list[Mention]) -> list[DateMention]:
    """Dates in text order, the one most likely the event's moved first."""
    found = sorted(_all_dates(text), key=lambda date: date.mention.start)
    if not found:
        return found
    best = max(found, key=lambda date: _date_score(text, date, sentences, resolutions))
    return [best] + [date for date in found if date is not best]


def _all_dates(text: str) -> Iterator[DateMention]:
    taken: list[tuple[int, int]] = []
    for match in _VERBAL_DATE.finditer(text):
        date = _date_from(text, match)
        if date is not None:
            taken.append((match.start(), match.end()))
            yield date
    for match in _NUMERIC_DATE.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        lead = text[max(0, match.start() - 20) : match.start()]
        if match.group("y") is None and not _DATE_LEAD.search(lead):
            continue
        if match.group("sep") == "." and match.group("y") is None:
            continue
        date = _date_from(text, match)
        if date is not None:
            yield date


def _date_from(text: str, match: re.Match[str]) -> DateMention | None:
    """A DateMention for a valid day and month, with the time written next to it."""
    day, month = int(match.group("d")), int(match.group("m"))
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    year = int(match.group("y")) if match.group("y") else None
    start, end = match.start(), match.end()
    hour: int | None = None
    minute: int | None = None
    before = re.search(rf"{_TIME.pattern}{TIME_GAP}$", text[max(0, start - 30) : start], re.I)
    after = re.match(rf"{TIME_GAP}{_TIME.pattern}", text[end : end + 30], re.IGNORECASE)
    if before:
        hour, minute = int(before.group("h")), int(before.group("mi") or 0)
        start = start - len(text[max(0, start - 30) : start]) + before.start()
    elif after and re.match(r"[\s,]*(?:vào\s+)?lúc", text[end : end + 30], re.IGNORECASE):
        hour, minute = int(after.group("h")), int(after.group("mi") or 0)
        end += after.end()
    return DateMention(_mention(text, start, end), day, month, year, hour, minute)


def _date_score(
    text: str, date: DateMention, sentences: list[Mention], resolutions: list[Mention]
) -> tuple[int, int]:
    """Higher for a date in a sentence about holding the event; resolutions' dates are last."""
    start = date.mention.start
    if any(r.start <= start < r.end for r in resolutions):
        return (-10, -start)
    sentence = next((s for s in sentences if s.start <= start < s.end), None)
    key = _lower_key(sentence.text) if sentence else ""
    score = 0
    if any(cue in key for _, cues in _KINDS for cue in cues):
        score += 2
    if any(verb in key for verb in _EVENT_VERBS):
        score += 2
    if _PART_OF_DAY.search(text[max(0, start - 12) : start]):
        score += 1
    if date.year is None and date.mention.start > len(text) // 2:
        score -= 1
    return (score, -start)


def _place(
    text: str, sentences: list[Mention], dates: list[DateMention], kind_at: int
) -> Mention | None:
    """Where the event was held: "tại <place>" in the sentence of its date or its kind word."""
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
    return all(_key(word) in _ORGANISER_GAP for word in gap.split())


# ---------------------------------------------------------------------------------------------
# Drafts


def _drafts(text: str) -> list[Mention]:
    """ "dự thảo <document name>" up to the end of the name."""
    drafts: list[Mention] = []
    for match in _DRAFT.finditer(text):
        end = _draft_end(text, match.end())
        if end is not None:
            drafts.append(_mention(text, match.start(), end))
    return drafts


def _draft_end(text: str, position: int) -> int | None:
    """Where the document name after "dự thảo" ends, or None when no name follows."""
    tokens = list(re.finditer(r"\S+", text[position : position + 400]))
    if not tokens or tokens[0].start() != 1:
        return None
    first = tokens[0].group(0).lstrip('“"')
    if not first or not (first[0].isupper() or _key(first.rstrip(",.;:")) in _DOC_TYPES):
        return None
    ends: list[tuple[str, int]] = []  # each kept word's key and end offset
    opened = False
    for index, token in enumerate(tokens[:MAX_DRAFT_WORDS]):
        word = token.group(0)
        key = _key(word.strip(',.;:!?”"“()'))
        if index and not _continues_draft(text, position, tokens, index, key):
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
    text: str, position: int, tokens: list[re.Match[str]], index: int, key: str
) -> bool:
    """tokens[index] still belongs to the document name."""
    token = tokens[index]
    if "\n" in text[position + tokens[index - 1].end() : position + token.start()]:
        return False
    if key in _DRAFT_STOP:
        return False
    if key == "và":
        following = tokens[index + 1].group(0) if index + 1 < len(tokens) else ""
        return following[:1].isupper()
    return not token.group(0).startswith("(") or key.startswith(("sửa", "dự"))
