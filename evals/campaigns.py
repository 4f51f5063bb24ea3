"""Synthetic opinion campaigns: template opinions copied with variations, among unique opinions.

A campaign is one template opinion that many people send: some exact copies, most varied by
synonym spinning, typos, text typed without diacritics, sentences reordered and a personal line
added. Background opinions are unique texts about the same subjects. Deterministic for a seed.
Run `python -m evals.campaigns` to print a sample.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from dataclasses import dataclass

from ykien.text import fold

TEMPLATES = [
    "Đề nghị Ban soạn thảo bổ sung quy định về trách nhiệm của người đứng đầu cơ quan trong việc "
    "tiếp nhận ý kiến của nhân dân. Cần công khai kết quả tiếp thu trên cổng thông tin điện tử. "
    "Việc giải trình phải được thực hiện trong thời hạn ba mươi ngày.",
    "Tôi không đồng ý với việc sáp nhập các trường học ở vùng sâu vùng xa. Học sinh sẽ phải đi "
    "học xa hơn, nhất là vào mùa mưa lũ. Đề nghị giữ nguyên các điểm trường hiện có.",
    "Dự thảo cần làm rõ khái niệm chuyển đổi số trong hoạt động của Đảng uỷ các cấp. Nên có lộ "
    "trình cụ thể và bố trí kinh phí tương xứng. Cán bộ cơ sở cần được đào tạo kỹ năng số.",
    "Kiến nghị tăng mức phụ cấp cho cán bộ không chuyên trách ở xã, phường, thị trấn. Mức hiện "
    "nay quá thấp so với khối lượng công việc. Nhiều người đã nghỉ việc vì thu nhập không đủ sống.",
    "Đề nghị bỏ quy định bắt buộc xin giấy xác nhận cư trú khi làm thủ tục hành chính. Dữ liệu "
    "dân cư đã được số hoá nên cơ quan nhà nước có thể tự tra cứu. Điều này giúp giảm phiền hà.",
    "Chương về bảo vệ môi trường cần bổ sung chế tài xử lý nghiêm các doanh nghiệp xả thải ra "
    "sông. Người dân ven sông đang chịu ảnh hưởng nặng nề. Nên tăng mức phạt và buộc khắc phục.",
    "Tôi hoàn toàn ủng hộ nội dung về phát triển thuỷ lợi và hạ tầng nông thôn. Tuy nhiên cần "
    "ưu tiên các tỉnh thường xuyên bị hạn hán và xâm nhập mặn. Nguồn vốn phải được giám sát chặt.",
    "Đề nghị Mặt trận Tổ quốc tăng cường giám sát việc thực hiện chính sách nhà ở xã hội. Nhiều "
    "dự án chậm tiến độ, người lao động thu nhập thấp khó tiếp cận. Cần công khai danh sách "
    "thụ hưởng.",
]

SYNONYMS: dict[str, list[str]] = {
    "Đề nghị": ["Kiến nghị", "Đề xuất", "Xin đề nghị", "Mong"],
    "đề nghị": ["kiến nghị", "đề xuất", "mong"],
    "bổ sung": ["thêm", "bổ sung thêm"],
    "cần": ["phải", "nên"],
    "Cần": ["Phải", "Nên"],
    "nhân dân": ["người dân", "nhân dân"],
    "người dân": ["nhân dân", "bà con"],
    "quy định": ["điều khoản", "quy định cụ thể"],
    "nhiều": ["rất nhiều", "không ít"],
    "Nhiều": ["Rất nhiều", "Không ít"],
    "tăng cường": ["đẩy mạnh", "nâng cao"],
    "công khai": ["minh bạch", "công bố"],
    "nghiêm": ["thật nghiêm", "triệt để"],
    "Tôi": ["Bản thân tôi", "Cá nhân tôi", "Chúng tôi"],
    "rõ": ["cụ thể", "rõ ràng"],
    "giúp": ["sẽ giúp", "góp phần"],
    "chặt": ["chặt chẽ", "nghiêm ngặt"],
}

PERSONAL = [
    "Tôi là {job} ở {place}.",
    "Ý kiến của {job} tại {place}.",
    "Rất mong được Ban soạn thảo xem xét.",
    "Xin cảm ơn.",
    "Gia đình tôi ở {place} đã chứng kiến điều này nhiều năm.",
    "Là {job}, tôi thấy vấn đề này rất bức xúc.",
]
JOBS = ["giáo viên", "nông dân", "cựu chiến binh", "đoàn viên", "đảng viên", "công nhân", "bác sĩ",
        "kỹ sư", "sinh viên", "cán bộ hưu trí", "tiểu thương", "bộ đội xuất ngũ"]  # fmt: skip
PLACES = ["xã Hòa Bình", "phường Thủy Biều", "huyện Krông Pắc", "thị trấn Phong Điền", "Hà Nội",
          "Đà Nẵng", "Cần Thơ", "xã Khoẻ Lợi", "quận Ninh Kiều", "tỉnh Quảng Trị"]  # fmt: skip

# Background opinions are drawn from these, so they share words but not sentences.
SUBJECTS = """giáo dục y tế giao thông đất đai nhà ở môi trường thuế phí ngân sách quy hoạch
điện nước rác thải an ninh trật tự văn hoá thể thao du lịch nông nghiệp thuỷ lợi rừng biển đảo
doanh nghiệp lao động tiền lương bảo hiểm hưu trí trẻ em người cao tuổi phụ nữ thanh niên
chuyển đổi số cải cách hành chính tham nhũng lãng phí cán bộ công chức viên chức đảng viên
chi bộ công đoàn hội cựu chiến binh mặt trận khu phố thôn bản xã phường quận huyện tỉnh thành phố
trường học bệnh viện chợ cầu đường kênh mương đê điều nghĩa trang công viên nhà văn hoá""".split()  # noqa: SIM905
VERBS = """bổ sung sửa đổi làm rõ bãi bỏ giữ nguyên tăng giảm ưu tiên hỗ trợ kiểm tra giám sát xử lý
công khai đơn giản hoá rút ngắn mở rộng thu hẹp phân cấp phân quyền đầu tư nâng cấp sáp nhập
tách điều chỉnh quy định hướng dẫn đào tạo bồi dưỡng khen thưởng kỷ luật lấy ý kiến""".split()  # noqa: SIM905
LINKS = """của cho tại trong về đối với theo và nhưng vì nên để khi nếu thì còn đã đang sẽ chưa rất
quá cũng vẫn mới các những nhiều một số""".split()  # noqa: SIM905


@dataclass(frozen=True)
class Item:
    """One generated opinion and the campaign it belongs to (its own label if unique)."""

    id: int
    text: str
    label: int


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 3:
        return word
    at = rng.randrange(len(word) - 1)
    choice = rng.random()
    if choice < 0.4:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if choice < 0.7:
        return word[:at] + word[at + 1 :]
    return word[:at] + word[at] + word[at:]


def _spin(sentence: str, rng: random.Random, rate: float) -> str:
    for phrase, choices in SYNONYMS.items():
        if phrase in sentence and rng.random() < rate:
            sentence = sentence.replace(phrase, rng.choice(choices), 1)
    return sentence


def variant(template: str, rng: random.Random) -> str:
    """One campaign member: an exact copy or the template with a few of the usual variations."""
    if rng.random() < 0.25:
        return template
    sentences = [s.strip() + "." for s in template.split(".") if s.strip()]
    sentences = [_spin(s, rng, rate=0.3) for s in sentences]
    if rng.random() < 0.25:
        rng.shuffle(sentences)
    if rng.random() < 0.4:
        line = rng.choice(PERSONAL).format(job=rng.choice(JOBS), place=rng.choice(PLACES))
        sentences.insert(rng.choice([0, len(sentences)]), line)
    words = " ".join(sentences).split()
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        at = rng.randrange(len(words))
        words[at] = _typo(words[at], rng)
    text = " ".join(words)
    if rng.random() < 0.15:
        text = fold(text) if rng.random() < 0.5 else fold(text).capitalize()
    return text


def background(rng: random.Random, words: int = 30) -> str:
    """A unique opinion of about `words` words on the usual subjects."""
    parts: list[str] = []
    while len(parts) < words:
        parts += [rng.choice(VERBS), rng.choice(SUBJECTS), rng.choice(LINKS), rng.choice(SUBJECTS)]
        if rng.random() < 0.3:
            parts.append(str(rng.randrange(1, 200)))
    sentence = " ".join(parts[:words])
    return sentence[0].upper() + sentence[1:] + "."


def templates(count: int, rng: random.Random) -> list[str]:
    """count template opinions: the hand-written ones, then new ones built from background text."""
    made = list(TEMPLATES[:count])
    while len(made) < count:
        made.append(" ".join(background(rng, 12) for _ in range(3)))
    return made


def generate(
    *, total: int, campaigns: int = 8, campaign_share: float = 0.5, seed: int = 1
) -> list[Item]:
    """total opinions, campaign_share of them members of `campaigns` campaigns, shuffled ids."""
    return list(iter_generate(total=total, campaigns=campaigns, campaign_share=campaign_share,
                              seed=seed))  # fmt: skip


def iter_generate(
    *, total: int, campaigns: int = 8, campaign_share: float = 0.5, seed: int = 1
) -> Iterator[Item]:
    """generate() one item at a time (campaign sizes vary, the largest about 10x the smallest)."""
    rng = random.Random(seed)
    sources = templates(campaigns, rng)
    weights = [1.0 / (1 + i % 10) for i in range(campaigns)]
    members = int(total * campaign_share)
    ids = list(range(1, total + 1))
    rng.shuffle(ids)
    for position, item_id in enumerate(ids):
        if position < members and campaigns:
            label = rng.choices(range(campaigns), weights=weights)[0]
            yield Item(item_id, variant(sources[label], rng), label)
        else:
            yield Item(item_id, background(rng), campaigns + position)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--total", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    for item in generate(total=args.total, seed=args.seed):
        print(f"{item.id:>5} [{item.label:>3}] {item.text}")


if __name__ == "__main__":
    main()
