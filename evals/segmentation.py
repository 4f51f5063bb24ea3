"""Word segmentation choice: boundary F1 on a hand-made gold set, spelling consistency, speed.

The gold sentences below (consultation domain, written for ykien) mark words with "_". Each is
measured in both tone spellings: classic ("hòa", "ủy", "thủy", "khỏe") and new style ("hoà",
"uỷ", "thuỷ", "khoẻ"), fed to each segmenter raw and after textpipe.canonical() (which writes the
classic placement). Consistency: share of sentences whose words are identical (up to tone
placement) between the two spellings. Speed: sentences/s on 2,000 uit-vsfc sentences.
Run: `python -m evals.segmentation`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

from ykien.analysis.textpipe import SEGMENTERS, Segmenter, canonical, get_segmenter
from ykien.text import tone_key

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"

# Classic tone placement; "_" joins the syllables of one word.
GOLD = """
Đảng_ủy khối đã tổ_chức hội_nghị lấy ý_kiến góp_ý dự_thảo văn_kiện đại_hội .
Thành_ủy_viên phụ_trách khối phát_biểu chỉ_đạo tại buổi tọa_đàm .
Ủy_ban_nhân_dân xã cần công_khai kết_quả tiếp_thu ý_kiến của nhân_dân .
Mặt_trận_Tổ_quốc tăng_cường giám_sát việc thực_hiện chính_sách nhà_ở xã_hội .
Đề_nghị bổ_sung quy_định về trách_nhiệm của người đứng_đầu cơ_quan .
Chúng_tôi mong muốn đất_nước hòa_bình và phát_triển bền_vững .
Công_trình thủy_lợi này giúp nông_dân chống hạn_hán và xâm_nhập_mặn .
Cán_bộ hưu_trí cần được chăm_sóc sức_khỏe định_kỳ .
Đề_nghị sửa_đổi khoản 2 Điều 12 của dự_thảo luật .
Chương III cần làm_rõ thẩm_quyền của Ủy_ban thường_vụ Quốc_hội .
Đoàn_viên thanh_niên tích_cực tham_gia chuyển_đổi_số ở cơ_sở .
Hội cựu_chiến_binh kiến_nghị tăng phụ_cấp cho cán_bộ không chuyên_trách .
Ban_chấp_hành Đảng_bộ đã tiếp_thu đầy_đủ các ý_kiến đóng_góp .
Dự_thảo báo_cáo chính_trị cần nhấn_mạnh vai_trò của khoa_học công_nghệ .
Công_đoàn cơ_sở đề_nghị bảo_đảm quyền_lợi của người lao_động .
Cần xử_lý nghiêm các doanh_nghiệp xả_thải ra sông .
Việc sáp_nhập trường_học ở vùng_sâu vùng_xa gây khó_khăn cho học_sinh .
Tôi hoàn_toàn đồng_ý với nội_dung về cải_cách hành_chính .
Mục 3 phần II nên bổ_sung chỉ_tiêu về thu_nhập bình_quân .
Ủy_ban_Kiểm_tra cần công_bố kết_luận sau khi thanh_tra .
Phong_trào toàn_dân đoàn_kết xây_dựng đời_sống văn_hóa ở khu_dân_cư .
Người cao_tuổi được hưởng bảo_hiểm y_tế miễn_phí .
Đề_nghị giữ nguyên điểm a khoản 1 Điều 5 .
Chính_phủ cần có lộ_trình cụ_thể và bố_trí kinh_phí tương_xứng .
Hội_đồng_nhân_dân tỉnh giám_sát việc sử_dụng ngân_sách .
Sức_khỏe của nhân_dân là vốn quý nhất .
Bảo_vệ môi_trường là trách_nhiệm của toàn xã_hội .
Thủy_sản và nông_nghiệp là thế_mạnh của địa_phương .
Tòa_án nhân_dân xét_xử công_khai vụ án tham_nhũng .
Cần tăng_cường công_tác phòng_chống tham_nhũng lãng_phí .
Ban_Thường_vụ Thành_ủy đã họp để cho ý_kiến về dự_thảo .
Quốc_hội thảo_luận dự_án luật đất_đai sửa_đổi .
Đề_nghị làm_rõ khái_niệm hòa_giải ở cơ_sở .
Đại_biểu đề_nghị bỏ quy_định bắt_buộc xác_nhận cư_trú .
Ủy_viên Ban_chấp_hành Trung_ương phát_biểu tại hội_nghị .
Thanh_niên cần rèn_luyện sức_khỏe và nâng_cao trình_độ .
Thủy_điện nhỏ ảnh_hưởng đến rừng đầu_nguồn .
Cần hoàn_thiện thể_chế về kinh_tế thị_trường định_hướng xã_hội_chủ_nghĩa .
Chính_quyền địa_phương phải lắng_nghe ý_kiến của người_dân .
Hòa_bình là khát_vọng của dân_tộc Việt_Nam .
Đảng_ủy phường phối_hợp với Mặt_trận tổ_chức đối_thoại .
Phụ_nữ và trẻ_em cần được bảo_vệ khỏi bạo_lực gia_đình .
Báo_cáo cần đánh_giá đúng kết_quả thực_hiện nghị_quyết nhiệm_kỳ qua .
Tôi đề_nghị tăng mức phạt đối_với hành_vi vi_phạm giao_thông .
Giáo_viên mầm_non cần được hỗ_trợ về tiền_lương .
Văn_hóa là nền_tảng tinh_thần của xã_hội .
Cần đẩy_mạnh ứng_dụng công_nghệ thông_tin trong quản_lý nhà_nước .
Ủy_ban_nhân_dân huyện đã trả_lời kiến_nghị của cử_tri .
Đề_nghị Ban soạn_thảo xem_xét lại Điều 45 của dự_thảo .
Hệ_thống thủy_lợi nội_đồng cần được nâng_cấp .
Các tổ_chức đoàn_thể cần đổi_mới phương_thức hoạt_động .
Bộ_đội xuất_ngũ được hỗ_trợ học nghề và tìm việc_làm .
Cần quy_hoạch lại chợ và khu thương_mại ở thị_trấn .
Người_dân khỏe_mạnh thì đất_nước mới hùng_cường .
Tọa_đàm có sự tham_dự của đại_diện Thành_ủy và các sở ngành .
Nhiều ý_kiến đề_nghị giảm thủ_tục hành_chính trong lĩnh_vực đất_đai .
Nghị_quyết cần có giải_pháp đột_phá về hạ_tầng giao_thông .
Đề_nghị Đảng_ủy khối chỉ_đạo sát_sao việc tiếp_thu giải_trình .
Quyền và nghĩa_vụ của công_dân được quy_định tại Chương II Hiến_pháp .
Xã_hội hóa giáo_dục phải bảo_đảm công_bằng cho học_sinh nghèo .
""".strip().splitlines()

# The same syllables in new-style placement (a fixed list for this gold set, not a normaliser).
NEW_STYLE = {
    "hòa": "hoà", "Hòa": "Hoà", "ủy": "uỷ", "Ủy": "Uỷ", "thủy": "thuỷ", "Thủy": "Thuỷ",
    "khỏe": "khoẻ", "hóa": "hoá", "Tòa": "Toà", "Tọa": "Toạ", "tọa": "toạ",
}  # fmt: skip
_SYLLABLE = re.compile(r"[^\s_]+")
Spans = set[tuple[int, int]]


def new_style(sentence: str) -> str:
    return _SYLLABLE.sub(lambda m: NEW_STYLE.get(m.group(0), m.group(0)), sentence)


def gold_spans(sentence: str) -> tuple[str, Spans]:
    """The plain sentence and its words as (first syllable, last syllable + 1) spans."""
    words = [w for w in sentence.split() if re.search(r"\w", w)]
    return " ".join(w.replace("_", " ") for w in sentence.split()), _spans(words)


def _spans(words: list[str]) -> Spans:
    spans: Spans = set()
    at = 0
    for word in words:
        length = len(word.replace("_", " ").split())
        spans.add((at, at + length))
        at += length
    return spans


def boundary_scores(segment: Callable[[str], list[str]], sentences: list[str]) -> float:
    """Micro F1 of word spans over the sentences."""
    hits = predicted = expected = 0
    for sentence in sentences:
        text, gold = gold_spans(sentence)
        found = _spans(segment(text))
        hits += len(found & gold)
        predicted += len(found)
        expected += len(gold)
    precision, recall = hits / predicted, hits / expected
    return 2 * precision * recall / (precision + recall)


def consistency(segment: Callable[[str], list[str]], prepare: Callable[[str], str]) -> float:
    same = 0
    for sentence in GOLD:
        classic, _ = gold_spans(sentence)
        modern, _ = gold_spans(new_style(sentence))
        a = [tone_key(w) for w in segment(prepare(classic))]
        b = [tone_key(w) for w in segment(prepare(modern))]
        same += a == b
    return same / len(GOLD)


def speed(segment: Callable[[str], list[str]], sentences: list[str]) -> float:
    started = time.perf_counter()
    for sentence in sentences:
        segment(canonical(sentence))
    return len(sentences) / (time.perf_counter() - started)


def uit_sentences(count: int = 2000) -> list[str]:
    path = DATA / "uit-vsfc" / "train" / "sents.txt"
    if not path.exists():
        return []
    return path.read_text(encoding="utf-8").splitlines()[:count]


def main() -> None:
    modern = [new_style(s) for s in GOLD]
    speed_set = uit_sentences()
    print(
        f"word segmentation: {len(GOLD)} gold sentences x 2 spellings; speed on "
        f"{len(speed_set)} uit-vsfc sentences"
        if speed_set
        else "(uit-vsfc absent: no speed)"
    )
    print(f"{'segmenter':<24}{'input':<11}{'F1 classic':>11}{'F1 new':>8}{'F1 both':>9}"
          f"{'consistent':>12}{'sent/s':>9}")  # fmt: skip
    for name in SEGMENTERS:
        segmenter = get_segmenter(name)
        rate = speed(segmenter.segment, speed_set) if speed_set else float("nan")
        for label, prepare in (("raw", lambda t: t), ("canonical", canonical)):

            def run(
                text: str,
                prepare: Callable[[str], str] = prepare,
                segmenter: Segmenter = segmenter,
            ) -> list[str]:
                return segmenter.segment(prepare(text))

            classic = boundary_scores(run, GOLD)
            new = boundary_scores(run, modern)
            both = boundary_scores(run, GOLD + modern)
            print(f"{name:<24}{label:<11}{classic:>11.3f}{new:>8.3f}{both:>9.3f}"
                  f"{consistency(segmenter.segment, prepare):>12.2f}{rate:>9.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
