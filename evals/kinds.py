"""Opinion kind proposals on a small hand-written labelled set (written for this evaluation).

Prints, for cue phrases alone and for cues plus the classifier (5-fold: the classifier learns
from four fifths as if their authors had chosen the kind, and proposes for the rest):
accuracy (an omitted proposal counts as "comment"), coverage and precision of the proposals made,
beside a majority-kind baseline.

Run: .venv/bin/python -m evals.kinds
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence

from ykien.analysis.kinds import NO_KIND, KindProposal, cue_kind, propose_kinds
from ykien.text import fold

# (text, kind): opinions in the style of consultations on drafts, some typed without diacritics.
LABELLED: tuple[tuple[str, str], ...] = (
    ("Tôi hoàn toàn nhất trí với dự thảo báo cáo chính trị", "agree"),
    ("Nhất trí cao với các mục tiêu đề ra trong nhiệm kỳ tới", "agree"),
    ("Chi bộ chúng tôi tán thành phương hướng nêu trong dự thảo", "agree"),
    ("Đồng ý với quy định về thời hạn lấy ý kiến", "agree"),
    ("Tôi ủng hộ việc tinh gọn bộ máy như dự thảo nêu", "agree"),
    ("dong y voi noi dung nay", "agree"),
    ("Văn kiện viết rất sát thực tế, tôi đồng tình", "agree"),
    ("Thống nhất với cách đánh giá kết quả nhiệm kỳ", "agree"),
    ("nhat tri voi du thao", "agree"),
    ("Hội Cựu chiến binh tán thành toàn bộ nội dung", "agree"),
    ("Tôi không đồng ý với việc sáp nhập hai phòng này", "disagree"),
    ("Chúng tôi không nhất trí với chỉ tiêu tăng trưởng 10%", "disagree"),
    ("Phản đối quy định thu thêm phí của đoàn viên", "disagree"),
    ("khong dong y tang tuoi nghi huu", "disagree"),
    ("Chưa nhất trí với cách đánh giá về công tác cán bộ", "disagree"),
    ("Quy định này không phù hợp với thực tế ở cơ sở", "disagree"),
    ("Tôi không tán thành việc bỏ cấp huyện trong giai đoạn này", "disagree"),
    ("Không nên quy định cứng số lượng cấp phó", "disagree"),
    ("Đề nghị sửa cụm từ 'cơ quan nhà nước' thành 'cơ quan có thẩm quyền'", "amend"),
    ("Nên sửa lại tiêu đề mục 3 cho ngắn gọn", "amend"),
    ("Đề nghị thay cụm từ 'phấn đấu' bằng 'bảo đảm'", "amend"),
    ("Đề nghị chỉnh sửa câu đầu của đoạn 2 cho rõ nghĩa", "amend"),
    ("de nghi sua thanh 'it nhat 30 ngay'", "amend"),
    ("Cần viết lại đoạn này cho dễ hiểu hơn", "amend"),
    ("Đề nghị sửa đổi khoản 2 theo hướng giảm thủ tục", "amend"),
    ("Nên điều chỉnh chỉ tiêu giảm nghèo xuống 1,5%", "amend"),
    ("Sửa 'năm 2030' thành 'năm 2035' cho khả thi", "amend"),
    ("Đề nghị bổ sung nội dung về chuyển đổi số trong công tác đảng", "add"),
    ("Cần bổ sung chỉ tiêu về môi trường", "add"),
    ("Đề nghị thêm một khoản quy định trách nhiệm người đứng đầu", "add"),
    ("de nghi bo sung quy dinh ve bao ve du lieu ca nhan", "add"),
    ("Nên bổ sung thêm giải pháp phát triển văn hóa", "add"),
    ("Dự thảo cần có thêm phần đánh giá về công tác dân vận", "add"),
    ("Đề nghị đưa thêm nội dung phòng chống lãng phí vào báo cáo", "add"),
    ("Bổ sung cụm từ 'và người lao động' sau cụm từ 'doanh nghiệp'", "add"),
    ("Đề nghị bỏ khoản 3 vì trùng với Điều 5", "delete"),
    ("Nên bỏ đoạn cuối mục II vì không cần thiết", "delete"),
    ("Đề nghị xóa cụm từ 'về cơ bản'", "delete"),
    ("de nghi bo dieu 12", "delete"),
    ("Đề nghị lược bỏ phần giới thiệu quá dài", "delete"),
    ("Loại bỏ chỉ tiêu số 7 vì khó đo lường", "delete"),
    ("Đề nghị xoá khoản 4, đã có trong luật khác", "delete"),
    ("Bỏ quy định bắt buộc nộp bản sao có chứng thực", "delete"),
    ("Kiến nghị Thành ủy sớm ban hành quy chế đối thoại định kỳ", "recommendation"),
    ("Đề xuất tổ chức hội nghị chuyên đề về kinh tế tư nhân", "recommendation"),
    ("Kiến nghị tăng đầu tư cho trường học vùng khó khăn", "recommendation"),
    ("Mong muốn lãnh đạo thành phố quan tâm hơn đến đời sống đoàn viên", "recommendation"),
    ("Đề nghị cấp ủy tăng cường kiểm tra, giám sát", "recommendation"),
    ("Khuyến nghị có cơ chế khen thưởng cho sáng kiến của thanh niên", "recommendation"),
    ("kien nghi som giai quyet kien nghi cua cu tri", "recommendation"),
    ("Cần có chính sách thu hút người tài về công tác tại xã", "recommendation"),
    ("Đề xuất giao cho Đoàn thanh niên chủ trì phong trào chuyển đổi số", "recommendation"),
    ("Tại sao chỉ tiêu năm nay lại thấp hơn năm trước?", "question"),
    ("Có nên quy định tuổi tối thiểu là 18 không?", "question"),
    ("Vì sao dự thảo không đề cập đến công tác thanh niên", "question"),
    ("Tiêu chí 'cán bộ trẻ' được hiểu như thế nào?", "question"),
    ("Khi nào thì quy định này có hiệu lực?", "question"),
    ("tai sao lai bo quy dinh nay", "question"),
    ("Phải chăng mục tiêu này quá cao so với khả năng?", "question"),
    ("Liệu có đủ nguồn lực để thực hiện không?", "question"),
    ("Dự thảo trình bày mạch lạc, bố cục hợp lý", NO_KIND),
    ("Báo cáo đã phản ánh đầy đủ tình hình nhiệm kỳ qua", NO_KIND),
    ("Phần đánh giá hạn chế còn chung chung", NO_KIND),
    ("Số liệu ở mục 2 chưa khớp với báo cáo tài chính", NO_KIND),
    ("Tình hình ở phường tôi khác nhiều so với mô tả", NO_KIND),
    ("Nhiều đoàn viên chưa nắm được nội dung dự thảo", NO_KIND),
    ("Văn phong còn dài dòng, nhiều từ lặp lại", NO_KIND),
    ("Công tác dân vận ở cơ sở thời gian qua có nhiều chuyển biến", NO_KIND),
    ("Tôi là đảng viên 30 năm tuổi đảng, rất quan tâm văn kiện này", NO_KIND),
    ("Thực tế doanh nghiệp nhỏ đang gặp rất nhiều khó khăn", NO_KIND),
    ("bao cao con dai, kho theo doi", NO_KIND),
    ("Mục tiêu về nhà ở xã hội là vấn đề người dân rất quan tâm", NO_KIND),
    ("We agree with the proposed timeline", "agree"),
    ("I disagree with raising the fee", "disagree"),
    ("Please add a section on data protection", "add"),
    ("Remove the last sentence of paragraph 2", "delete"),
    ("Why is the deadline so short?", "question"),
    ("We recommend publishing all responses online", "recommendation"),
    ("Change 'shall' to 'may' in clause 3", "amend"),
    ("The report reads well overall", NO_KIND),
)
FOLDS = 5


def kinds_of(found: dict[int, KindProposal], count: int) -> list[str]:
    return [found[i].kind if i in found else NO_KIND for i in range(count)]


def score(name: str, truth: Sequence[str], predicted: Sequence[str]) -> None:
    """Accuracy, coverage (share proposed) and precision of the proposals made."""
    pairs = list(zip(truth, predicted, strict=True))
    accuracy = sum(t == p for t, p in pairs) / len(pairs)
    made = [(t, p) for t, p in pairs if p != NO_KIND]
    coverage = len(made) / len(pairs)
    precision = sum(t == p for t, p in made) / len(made) if made else 0.0
    print(f"{name:34} {accuracy:8.3f} {coverage:8.3f} {precision:9.3f}")


def cross_validated(texts: Sequence[str], kinds: Sequence[str]) -> list[str]:
    """propose_kinds for each fold with the other folds as the authors' labels."""
    predicted = [NO_KIND] * len(texts)
    for fold_number in range(FOLDS):
        held = [i for i in range(len(texts)) if i % FOLDS == fold_number]
        labelled = [(texts[i], kinds[i]) for i in range(len(texts)) if i % FOLDS != fold_number]
        found = propose_kinds([(i, texts[i]) for i in held], labelled=labelled, min_labelled=50)
        for i, proposal in found.items():
            predicted[i] = proposal.kind
    return predicted


def main(argv: Sequence[str] | None = None) -> int:
    texts = [text for text, _ in LABELLED]
    truth = [kind for _, kind in LABELLED]
    majority = Counter(truth).most_common(1)[0][0]
    cues = [(p.kind if (p := cue_kind(t)) else NO_KIND) for t in texts]
    cue_only = kinds_of(propose_kinds(list(enumerate(texts))), len(texts))
    combined = cross_validated(texts, truth)
    unaccented = [i for i, t in enumerate(texts) if t == fold(t)]
    print(f"{len(texts)} hand-written opinions, {len(unaccented)} typed without diacritics")
    print("(written by the author of the cue list: expect real opinions to score lower)")
    print(f"{'method':34} {'accuracy':>8} {'coverage':>8} {'precision':>9}")
    score(f"baseline: always '{majority}'", truth, [majority] * len(texts))
    score("cue_kind (strongest cue)", truth, cues)
    score("propose_kinds, cues only", truth, cue_only)
    score(f"propose_kinds + classifier ({FOLDS}-fold)", truth, combined)
    score(
        "cue_kind, unaccented only",
        [truth[i] for i in unaccented],
        [cues[i] for i in unaccented],
    )
    wrong = [(t, k, c) for t, k, c in zip(texts, truth, cues, strict=True) if k != c]
    print("\ncue_kind mistakes (text, labelled, proposed):")
    for text, kind, cue in wrong:
        print(f"  {kind:>14} -> {cue:<14} {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
