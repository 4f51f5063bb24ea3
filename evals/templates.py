# ruff: noqa: E501  (the templates are tables of phrases, one template a line)
"""Spun-template campaigns: copies generated from templates with alternatives at every phrase.

A mass-comment campaign is often written as a template whose every phrase has alternatives
("Tôi đề nghị / kiến nghị / mong muốn Ban soạn thảo bỏ / lược bỏ / xem xét lại ..."; "I ask /
urge / call on the agency to drop / withdraw / rethink ..."); each copy picks one alternative per
slot, and some copies also carry a typo, lose their diacritics or gain a personal line. Templates
of one language share their frame (openers, addressees, requests) and draw reasons from one pool,
so different campaigns look alike; only their subject is their own. They are mixed with real,
unrelated comments from ../shared/data (vnexpress-comments, polis, uit-vsfc).

Run `python -m evals.templates` for a sample and the word-pair overlap of copies of one template.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
from dataclasses import dataclass
from itertools import combinations

from evals.data import DATA
from ykien.analysis.textpipe import normalise
from ykien.text import fold

Slot = list[str]
Template = list[Slot]

VI_OPENERS = ["Tôi đề nghị", "Tôi kiến nghị", "Tôi mong muốn", "Chúng tôi đề nghị",
              "Kính đề nghị", "Tôi tha thiết đề nghị", "Tôi xin kiến nghị", "Chúng tôi mong"]  # fmt: skip
VI_ADDRESSEES = ["Ban soạn thảo", "cơ quan soạn thảo", "Bộ chủ trì", "Ban biên tập dự thảo",
                 "các cơ quan có thẩm quyền", "Hội đồng thẩm định"]  # fmt: skip
VI_ACTIONS = ["bỏ", "lược bỏ", "xem xét lại", "sửa đổi", "cân nhắc lại", "rút lại",
              "điều chỉnh", "tạm dừng"]  # fmt: skip
VI_SUBJECTS: list[Template] = [
    [["quy định thu phí", "việc thu phí", "khoản phí"], ["sử dụng đường cao tốc", "đi cao tốc", "qua trạm cao tốc"]],
    [["việc sáp nhập", "chủ trương gộp", "phương án sáp nhập"], ["các điểm trường lẻ", "trường học vùng sâu", "điểm trường thôn bản"]],
    [["yêu cầu xin", "thủ tục cấp", "việc bắt buộc nộp"], ["giấy xác nhận cư trú", "giấy xác nhận nơi ở", "xác nhận thường trú"]],
    [["mức phạt", "khung xử phạt", "chế tài phạt"], ["người đi xe máy không gương", "xe máy thiếu gương chiếu hậu", "người lái xe thiếu gương"]],
    [["việc thu hồi đất", "chủ trương thu hồi đất", "phương án giải toả"], ["làm khu đô thị", "xây dự án nhà ở thương mại", "phát triển khu đô thị mới"]],
    [["quy định cấm", "lệnh cấm", "việc cấm"], ["bán hàng rong trên vỉa hè", "buôn bán vỉa hè", "hàng rong ở lòng lề đường"]],
    [["đề xuất tăng", "việc nâng", "chủ trương tăng"], ["giá điện sinh hoạt", "biểu giá điện hộ gia đình", "giá bán lẻ điện"]],
    [["việc thu", "khoản thu", "quy định đóng"], ["quỹ phòng chống thiên tai", "tiền quỹ phòng chống thiên tai", "đóng góp quỹ thiên tai"]],
    [["việc chặt hạ", "kế hoạch chặt", "phương án đốn"], ["hàng cây xanh cổ thụ", "cây xanh lâu năm trên phố", "cây cổ thụ ven đường"]],
    [["quy định kiểm tra", "việc khám xét", "thủ tục kiểm tra"], ["điện thoại của người dân", "máy điện thoại cá nhân", "thiết bị di động của công dân"]],
    [["việc dời", "kế hoạch di dời", "phương án chuyển"], ["chợ truyền thống của phường", "chợ dân sinh lâu đời", "chợ cũ trong khu dân cư"]],
    [["chủ trương thu", "việc thu", "quy định nộp"], ["phí trông giữ xe tại bệnh viện", "tiền gửi xe ở bệnh viện", "phí giữ xe trong bệnh viện"]],
    [["việc dạy thêm", "quy định cho phép dạy thêm", "chủ trương mở lớp học thêm"], ["trong trường phổ thông", "tại trường tiểu học", "ở các trường công lập"]],
    [["việc xây", "dự án xây", "kế hoạch làm"], ["nhà máy xử lý rác gần khu dân cư", "lò đốt rác sát khu dân cư", "bãi rác cạnh khu dân cư"]],
    [["quy định hạn chế", "việc hạn chế", "lệnh hạn chế"], ["xe máy vào nội thành", "xe gắn máy trong nội đô", "mô tô vào trung tâm"]],
    [["việc tăng", "đề xuất nâng", "chủ trương tăng"], ["học phí đại học công lập", "mức học phí các trường đại học", "học phí bậc đại học"]],
]  # fmt: skip
VI_REASONS: list[Template] = [
    [["vì", "bởi vì", "do"], ["người dân đang gặp nhiều khó khăn", "đời sống bà con còn khó khăn", "thu nhập của người lao động còn thấp"]],
    [["Việc này", "Quy định này", "Chủ trương này"], ["gây phiền hà cho nhân dân", "làm khổ người dân", "tạo thêm gánh nặng cho bà con"]],
    [["Cần", "Nên", "Phải"], ["lấy ý kiến rộng rãi hơn", "tham vấn người dân kỹ hơn", "lắng nghe ý kiến cử tri"], ["trước khi ban hành", "trước khi quyết định", "trước khi áp dụng"]],
    [["Nhiều gia đình", "Không ít hộ dân", "Rất nhiều người"], ["sẽ bị ảnh hưởng trực tiếp", "chịu thiệt thòi", "sẽ chịu tác động nặng nề"]],
    [["Đề nghị", "Mong", "Xin"], ["công khai đánh giá tác động", "minh bạch báo cáo đánh giá", "công bố đầy đủ căn cứ"]],
    [["Quy định", "Điều khoản", "Nội dung"], ["chưa phù hợp với thực tế", "xa rời thực tiễn", "không sát với thực tế địa phương"]],
]  # fmt: skip
VI_CLOSINGS = ["Xin trân trọng cảm ơn.", "Rất mong được xem xét.", "Mong được lắng nghe.",
               "Xin cảm ơn.", ""]  # fmt: skip
VI_PERSONAL = ["Tôi là giáo viên ở {place}.", "Gia đình tôi sống ở {place}.",
               "Tôi là cử tri {place}."]  # fmt: skip
VI_PLACES = ["xã Hòa Bình", "phường Thủy Biều", "huyện Krông Pắc", "Cần Thơ", "tỉnh Quảng Trị"]

EN_OPENERS = ["I ask", "I urge", "I call on", "We ask", "I strongly urge", "I request",
              "We call on", "I respectfully ask"]  # fmt: skip
EN_ADDRESSEES = ["the agency", "the department", "the council", "the drafting committee",
                 "the city", "the regulators"]  # fmt: skip
EN_ACTIONS = ["to drop", "to withdraw", "to rethink", "to reconsider", "to scrap", "to revise",
              "to pause", "to abandon"]  # fmt: skip
EN_SUBJECTS: list[Template] = [
    [["the toll on", "the new charge for", "the fee for"], ["the coastal highway", "driving the coast road", "using the shore highway"]],
    [["the plan to close", "the closure of", "the decision to shut"], ["rural schools", "small village schools", "country schools"]],
    [["the rule requiring", "the mandate for", "the requirement of"], ["proof of address for permits", "residence papers for every permit", "address documents for licences"]],
    [["the ban on", "the prohibition of", "the rule against"], ["street vendors downtown", "sidewalk vending in the centre", "food carts on main street"]],
    [["the rezoning of", "the plan to rezone", "the redevelopment of"], ["the riverside farmland", "farm land along the river", "the river valley farms"]],
    [["the increase in", "the hike in", "the rise in"], ["water rates for households", "residential water bills", "household water charges"]],
    [["the removal of", "the plan to cut down", "the felling of"], ["the old oak trees on Elm Street", "the mature trees along Elm Street", "Elm Street's old oaks"]],
    [["the surveillance of", "the monitoring of", "the tracking of"], ["residents' phones", "people's mobile phones", "citizens' phone data"]],
    [["the relocation of", "the plan to move", "the decision to relocate"], ["the farmers market", "the weekly market", "our community market"]],
    [["the parking charge at", "the new fee for parking at", "paid parking at"], ["the public hospital", "the county hospital", "hospital car parks"]],
    [["the incinerator planned", "the waste plant proposed", "the garbage burner planned"], ["next to homes", "beside the neighbourhood", "near family houses"]],
    [["the limits on", "the restrictions on", "the cap on"], ["scooters in the city centre", "e-scooters downtown", "scooter use in the core"]],
    [["the tuition increase at", "the fee hike at", "higher tuition at"], ["the state university", "public universities", "our state colleges"]],
    [["the cuts to", "the reduction of", "the budget cut for"], ["library opening hours", "public library hours", "branch library services"]],
    [["the merger of", "the plan to merge", "the consolidation of"], ["the two fire stations", "our local fire stations", "neighbourhood fire stations"]],
    [["the expansion of", "the plan to widen", "the widening of"], ["the airport runway", "the regional airport", "the runway at the airport"]],
]  # fmt: skip
EN_REASONS: list[Template] = [
    [["because", "since", "as"], ["families are already struggling", "households can barely cope", "working people are stretched thin"]],
    [["This", "The proposal", "This plan"], ["puts a burden on residents", "hurts ordinary people", "makes life harder for locals"]],
    [["Please", "Kindly", "You should"], ["consult the public properly", "listen to the community", "hold real public hearings"], ["before deciding", "before any vote", "before it goes ahead"]],
    [["Many families", "Thousands of residents", "A lot of people"], ["would be directly affected", "stand to lose out", "would be hit hard"]],
    [["Publish", "Release", "Make public"], ["the impact assessment", "the full evaluation", "the evidence behind it"]],
    [["The measure", "The rule", "This change"], ["ignores how people really live", "is out of touch with reality", "does not fit local conditions"]],
]  # fmt: skip
EN_CLOSINGS = ["Thank you.", "Thank you for your consideration.", "Please listen.",
               "Sincerely.", ""]  # fmt: skip
EN_PERSONAL = ["I am a teacher in {place}.", "My family lives in {place}.",
               "I have lived in {place} for years."]  # fmt: skip
EN_PLACES = ["Riverside", "Oak Park", "the north district", "Springfield", "Lakeview"]


@dataclass(frozen=True)
class Built:
    """One generated template: its slots (alternatives each) and its language."""

    slots: Template
    language: str


def _pick(pool: list[str], rng: random.Random, low: int = 3, high: int = 4) -> Slot:
    return rng.sample(pool, rng.randint(low, high))


def build_templates(rng: random.Random) -> list[Built]:
    """One template per subject: frame from the shared pools, two reasons, a closing."""
    made = []
    for language in ("vi", "en"):
        openers, addressees, actions, subjects, reasons, closings = (
            (VI_OPENERS, VI_ADDRESSEES, VI_ACTIONS, VI_SUBJECTS, VI_REASONS, VI_CLOSINGS)
            if language == "vi"
            else (EN_OPENERS, EN_ADDRESSEES, EN_ACTIONS, EN_SUBJECTS, EN_REASONS, EN_CLOSINGS)
        )
        for subject in subjects:
            slots: Template = [_pick(openers, rng), _pick(addressees, rng, 2, 3)]
            slots += [_pick(actions, rng), *subject, ["."]]
            first, second = rng.sample(range(len(reasons)), 2)
            slots += [*reasons[first], ["."], *reasons[second], ["."]]
            slots.append(_pick(closings, rng, 2, 3))
            made.append(Built(slots, language))
    return made


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    at = rng.randrange(1, len(word) - 1)
    return word[:at] + word[at + 1 :]


def copy_of(template: Built, rng: random.Random) -> str:
    """One copy: an alternative per slot, sometimes a personal line, a typo, no diacritics."""
    parts = [rng.choice(slot) for slot in template.slots]
    text = " ".join(p for p in parts if p).replace(" .", ".")
    if rng.random() < 0.2:
        personal = VI_PERSONAL if template.language == "vi" else EN_PERSONAL
        places = VI_PLACES if template.language == "vi" else EN_PLACES
        line = rng.choice(personal).format(place=rng.choice(places))
        text = f"{line} {text}" if rng.random() < 0.5 else f"{text} {line}"
    if rng.random() < 0.3:
        words = text.split()
        at = rng.randrange(len(words))
        words[at] = _typo(words[at], rng)
        text = " ".join(words)
    if template.language == "vi" and rng.random() < 0.1:
        text = fold(text)
    return text


def real_comments(limit: int, rng: random.Random) -> list[str]:
    """Up to `limit` real comments: vnexpress-comments, English polis, then uit-vsfc sentences."""
    texts: list[str] = []
    path = DATA / "vnexpress-comments" / "comments.csv"
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            texts += [row["content"] for row in csv.DictReader(handle, skipinitialspace=True)]
    for name in ("march-on.operation-marchin-orders", "football-concussions", "brexit-consensus",
                 "scoop-hivemind.biodiversity", "scoop-hivemind.taxes", "15-per-hour-seattle",
                 "ssis.land-bank-farmland.2rumnecbeh.2021-08-01"):  # fmt: skip
        comments = DATA / "polis" / name / "comments.csv"
        if comments.exists():
            with comments.open(encoding="utf-8") as handle:
                texts += [row["comment-body"] for row in csv.DictReader(handle)]
    sents = DATA / "uit-vsfc" / "train" / "sents.txt"
    if sents.exists() and len(texts) < limit:
        extra = sents.read_text(encoding="utf-8").splitlines()
        texts += rng.sample(extra, min(len(extra), limit - len(texts)))
    texts = [t for t in texts if t.strip()]
    return texts[:limit]


def generate(
    *, seed: int = 1, real: int = 5_000, low: int = 200, high: int = 2_000, scale: float = 1.0
) -> tuple[list[tuple[int, str]], dict[int, object], list[Built]]:
    """(id, text) items, gold label per id, and the templates (sizes log-uniform in low..high)."""
    rng = random.Random(seed)
    built = build_templates(rng)
    rows: list[tuple[str, object]] = []
    for number, template in enumerate(built):
        size = round(scale * low * (high / low) ** rng.random())
        rows += [(copy_of(template, rng), f"template-{number}") for _ in range(max(size, 2))]
    # Real comments are their own label, except their own exact duplicates (same normal text).
    rows += [(text, f"real:{normalise(text).lower()}") for text in real_comments(real, rng)]
    rng.shuffle(rows)
    items = [(number, text) for number, (text, _) in enumerate(rows)]
    gold = {number: label for number, (_, label) in enumerate(rows)}
    return items, gold, built


def _pair_overlap(texts: list[str]) -> float:
    def pairs(text: str) -> set[tuple[str, str]]:
        words = fold(normalise(text).lower()).split()
        return set(itertools.pairwise(words))

    scores = []
    for a, b in combinations(texts[:60], 2):
        first, second = pairs(a), pairs(b)
        scores.append(len(first & second) / max(len(first | second), 1))
    return sum(scores) / max(len(scores), 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    items, gold, built = generate(seed=args.seed)
    labels = [label for label in gold.values() if str(label).startswith("template-")]
    print(f"{len(built)} templates, {len(labels):,} copies, {len(items) - len(labels):,} real")
    for number in (0, len(built) // 2):
        copies = [text for i, text in items if gold[i] == f"template-{number}"]
        print(f"\ntemplate {number}: {len(copies)} copies; word-pair Jaccard of two copies "
              f"{_pair_overlap(copies):.2f} on average")  # fmt: skip
        for text in copies[:3]:
            print("  ", text)


if __name__ == "__main__":
    main()
