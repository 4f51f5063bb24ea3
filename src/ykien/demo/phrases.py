"""The demo generator's material: topics with their phrases, opinion templates per kind,
names, agencies and titles, petition campaigns, and the shares that shape the mix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Topic:
    """Phrases of one theme: shortcomings, measures, proposed wordings and supporting facts."""

    name: str
    weight: int
    issues: tuple[str, ...]
    actions: tuple[str, ...]
    wordings: tuple[str, ...]
    facts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Campaign:
    """A petition copied by many people; each segment lists interchangeable variants."""

    kind: str
    openers: tuple[str, ...]
    body: tuple[tuple[str, ...], ...]
    wording: tuple[tuple[str, ...], ...]
    reasons: tuple[str, ...]
    titles: tuple[str, ...]


TOPICS: tuple[Topic, ...] = (
    Topic(
        name="chuyển đổi số",
        weight=14,
        issues=(
            "hạ tầng công nghệ thông tin ở một số cơ quan còn thiếu đồng bộ, xuống cấp",
            "kỹ năng số của một bộ phận đảng viên, nhất là đảng viên lớn tuổi, còn hạn chế",
            "việc sử dụng Sổ tay đảng viên điện tử ở nhiều chi bộ còn mang tính hình thức",
            "dữ liệu đảng viên chưa được số hóa đầy đủ, chưa kết nối với dữ liệu cán bộ, công chức",
            "an toàn, an ninh thông tin trên môi trường mạng chưa được quan tâm đúng mức",
        ),
        actions=(
            "đầu tư đồng bộ hạ tầng số cho các tổ chức cơ sở đảng",
            "bồi dưỡng kỹ năng số định kỳ cho cán bộ, đảng viên",
            "hoàn thành số hóa hồ sơ đảng viên trong năm 2027",
            "đưa việc sử dụng Sổ tay đảng viên điện tử vào tiêu chí đánh giá tổ chức đảng hằng năm",
            "xây dựng nền tảng lấy ý kiến đảng viên trực tuyến dùng chung cho toàn Đảng bộ Khối",
        ),
        wordings=(
            "Đến năm 2030, 100% hồ sơ đảng viên được số hóa và cập nhật vào cơ sở dữ liệu đảng"
            " viên; 100% văn bản của cấp ủy (trừ văn bản mật) được gửi, nhận trên môi trường mạng.",
            "Đẩy mạnh chuyển đổi số trong hoạt động của các tổ chức đảng, lấy người dùng làm trung"
            " tâm; bảo đảm an toàn, an ninh thông tin là yêu cầu xuyên suốt.",
            "Phấn đấu 100% chi bộ sử dụng hiệu quả Sổ tay đảng viên điện tử trong sinh hoạt"
            " chi bộ.",
        ),
        facts=(
            "Tại cơ quan tôi, nhiều máy tính đã dùng trên 8 năm, không cài được phần mềm mới.",
            "Nhiều đảng viên lớn tuổi vẫn gặp khó khăn khi cài đặt và sử dụng ứng dụng trên điện"
            " thoại.",
            "Việc tập huấn hiện nay chủ yếu là một buổi trực tuyến, chưa có hướng dẫn cầm tay"
            " chỉ việc.",
        ),
    ),
    Topic(
        name="cải cách hành chính",
        weight=12,
        issues=(
            "thủ tục hành chính trong một số lĩnh vực còn rườm rà, thời gian giải quyết kéo dài",
            "tình trạng hồ sơ trễ hạn vẫn còn xảy ra ở một số sở, ngành",
            "việc phối hợp giữa các cơ quan trong giải quyết hồ sơ liên thông chưa nhịp nhàng",
            "tỷ lệ hồ sơ trực tuyến toàn trình còn thấp so với yêu cầu",
        ),
        actions=(
            "gắn kết quả cải cách hành chính với đánh giá, xếp loại tổ chức đảng và người đứng đầu",
            "công khai tỷ lệ hồ sơ trễ hạn của từng cơ quan hằng quý",
            "rà soát, cắt giảm ít nhất 20% thủ tục hành chính không cần thiết",
            "tăng cường kiểm tra đột xuất việc thực thi công vụ ở bộ phận một cửa",
        ),
        wordings=(
            "Lãnh đạo đẩy mạnh cải cách hành chính, trọng tâm là cải cách thủ tục hành chính; gắn"
            " trách nhiệm của người đứng đầu cấp ủy, cơ quan với kết quả giải quyết thủ tục"
            " hành chính.",
            "Phấn đấu tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng hạn đạt trên 98%; mức độ"
            " hài lòng của người dân, doanh nghiệp đạt trên 90%.",
        ),
        facts=(
            "Người dân vẫn phản ánh phải đi lại nhiều lần đối với một số thủ tục về đất đai,"
            " xây dựng.",
            "Chỉ số cải cách hành chính của thành phố có tăng nhưng một số chỉ số thành phần còn"
            " giảm bậc.",
        ),
    ),
    Topic(
        name="công tác cán bộ trẻ",
        weight=12,
        issues=(
            "tỷ lệ cấp ủy viên trẻ dưới 40 tuổi còn thấp",
            "việc quy hoạch cán bộ trẻ có nơi còn khép kín, thiếu nguồn",
            "chưa có cơ chế đủ mạnh để thu hút, giữ chân người có năng lực",
            "việc luân chuyển, rèn luyện cán bộ trẻ qua thực tiễn còn ít",
            "tỷ lệ cán bộ nữ tham gia cấp ủy chưa đạt chỉ tiêu đề ra",
        ),
        actions=(
            "giao việc khó cho cán bộ trẻ để thử thách, rèn luyện",
            "đặt chỉ tiêu cụ thể về tỷ lệ cấp ủy viên trẻ, cấp ủy viên nữ",
            "xây dựng cơ chế bảo vệ cán bộ dám nghĩ, dám làm, dám chịu trách nhiệm",
            "mở rộng nguồn quy hoạch từ đoàn viên thanh niên ưu tú",
        ),
        wordings=(
            "Tỷ lệ cấp ủy viên dưới 40 tuổi đạt từ 15% trở lên; tỷ lệ cấp ủy viên nữ đạt từ 25%"
            " trở lên.",
            "Chú trọng phát hiện, đào tạo, bồi dưỡng và bố trí cán bộ trẻ có năng lực nổi trội,"
            " có triển vọng vào các vị trí lãnh đạo, quản lý.",
        ),
        facts=(
            "Ở nhiều chi bộ, cấp ủy viên chủ yếu là lãnh đạo phòng đã trên 50 tuổi.",
            "Hai năm qua, nhiều công chức trẻ có trình độ cao đã xin chuyển sang khu vực ngoài"
            " nhà nước.",
        ),
    ),
    Topic(
        name="phòng, chống tham nhũng, lãng phí",
        weight=10,
        issues=(
            "số vụ việc tiêu cực được phát hiện qua tự kiểm tra nội bộ còn ít",
            "trụ sở, tài sản công dôi dư sau sắp xếp bộ máy chưa được xử lý dứt điểm",
            "việc kiểm soát tài sản, thu nhập của người có chức vụ còn hình thức",
            "tâm lý nể nang, né tránh trong tự phê bình và phê bình vẫn còn",
        ),
        actions=(
            "công khai kết quả xử lý các vụ việc tiêu cực trong nội bộ",
            "có phương án xử lý dứt điểm trụ sở, tài sản dôi dư sau sắp xếp",
            "xử lý trách nhiệm người đứng đầu khi để xảy ra tham nhũng, lãng phí",
            "bảo vệ người phát hiện, tố giác tham nhũng, tiêu cực",
        ),
        wordings=(
            "Kiên quyết, kiên trì đấu tranh phòng, chống tham nhũng, lãng phí, tiêu cực; coi chống"
            " lãng phí là nhiệm vụ trọng tâm, thường xuyên của các cấp ủy, cơ quan.",
            "Xử lý nghiêm người đứng đầu để xảy ra tham nhũng, lãng phí, tiêu cực trong cơ quan,"
            " đơn vị mình phụ trách.",
        ),
        facts=(
            "Sau sắp xếp, một số trụ sở cũ bỏ trống đã hơn một năm, xuống cấp nhanh.",
            "Số vụ việc phát hiện qua tự kiểm tra trong nhiệm kỳ rất ít so với qua thanh tra,"
            " kiểm toán.",
        ),
    ),
    Topic(
        name="chất lượng sinh hoạt chi bộ",
        weight=8,
        issues=(
            "nội dung sinh hoạt chi bộ ở nhiều nơi còn đơn điệu, nặng về thông báo công việc"
            " chuyên môn",
            "sinh hoạt chuyên đề chưa được tổ chức thường xuyên",
            "tính chiến đấu trong sinh hoạt chi bộ chưa cao, ít tranh luận",
        ),
        actions=(
            "ban hành hướng dẫn cụ thể về nội dung sinh hoạt chuyên đề",
            "cấp ủy cấp trên dự sinh hoạt chi bộ định kỳ",
            "đổi mới cách đánh giá chất lượng sinh hoạt chi bộ",
        ),
        wordings=(
            "Nâng cao chất lượng sinh hoạt chi bộ; mỗi chi bộ sinh hoạt chuyên đề ít nhất một lần"
            " mỗi quý, gắn với giải quyết những vấn đề cụ thể của cơ quan, đơn vị.",
        ),
        facts=(
            "Ở chi bộ tôi, có buổi sinh hoạt chỉ kéo dài khoảng 40 phút, chủ yếu là thông báo"
            " công việc.",
        ),
    ),
    Topic(
        name="công tác kiểm tra, giám sát",
        weight=6,
        issues=(
            "kiểm tra, giám sát có lúc còn nặng về xử lý, chưa chú trọng phòng ngừa",
            "giám sát thường xuyên chưa được thực hiện hiệu quả",
            "năng lực của một số cán bộ kiểm tra ở cơ sở còn hạn chế, chủ yếu kiêm nhiệm",
        ),
        actions=(
            "ứng dụng công nghệ thông tin trong giám sát thường xuyên",
            "bồi dưỡng nghiệp vụ cho ủy viên ủy ban kiểm tra cơ sở",
            "công khai kết luận kiểm tra theo quy định",
        ),
        wordings=(
            "Chủ động phát hiện sớm, ngăn chặn từ xa vi phạm của tổ chức đảng và đảng viên; giám"
            " sát phải được mở rộng, kiểm tra phải có trọng tâm, trọng điểm.",
        ),
        facts=("Phần lớn ủy viên ủy ban kiểm tra ở cơ sở đều kiêm nhiệm, ít thời gian cho việc.",),
    ),
    Topic(
        name="công tác dân vận và đối thoại",
        weight=7,
        issues=(
            "việc đối thoại giữa người đứng đầu với cán bộ, công chức còn mang tính hình thức",
            "kiến nghị sau đối thoại chậm được trả lời",
            "quy chế dân chủ ở cơ sở có nơi thực hiện chưa nghiêm",
        ),
        actions=(
            "theo dõi và công khai kết quả giải quyết kiến nghị sau đối thoại",
            "tổ chức đối thoại định kỳ ít nhất mỗi năm một lần",
            "nhân rộng các mô hình “Dân vận khéo” trong phục vụ người dân",
        ),
        wordings=(
            "Hằng năm, người đứng đầu cấp ủy, cơ quan tổ chức ít nhất một hội nghị đối thoại với"
            " cán bộ, công chức, viên chức, người lao động; 100% kiến nghị được xem xét, trả lời.",
        ),
        facts=("Có kiến nghị từ hội nghị đối thoại năm trước đến nay vẫn chưa được trả lời.",),
    ),
    Topic(
        name="chăm lo đời sống đoàn viên công đoàn",
        weight=8,
        issues=(
            "thu nhập của một bộ phận công chức, viên chức trẻ còn thấp",
            "áp lực công việc tăng lên sau sắp xếp, tinh gọn bộ máy",
            "hoạt động công đoàn còn nặng về phong trào, chưa chú trọng bảo vệ quyền lợi"
            " của đoàn viên",
        ),
        actions=(
            "quan tâm nhà ở xã hội cho công chức trẻ",
            "nâng cao vai trò của Công đoàn khi xây dựng quy chế chi tiêu nội bộ",
            "hỗ trợ kịp thời đoàn viên có hoàn cảnh khó khăn",
        ),
        wordings=(
            "Chăm lo đời sống vật chất, tinh thần của cán bộ, công chức, viên chức, người lao"
            " động; phát huy vai trò đại diện, bảo vệ quyền, lợi ích hợp pháp, chính đáng của"
            " đoàn viên công đoàn.",
        ),
        facts=(
            "Sau sắp xếp, khối lượng công việc của nhiều phòng tăng gần gấp rưỡi trong khi biên"
            " chế giảm.",
        ),
    ),
    Topic(
        name="vai trò của Hội Cựu chiến binh",
        weight=4,
        issues=(
            "vai trò của hội viên cựu chiến binh trong giáo dục truyền thống chưa được phát huy",
            "kinh phí hoạt động của các chi hội còn khó khăn",
        ),
        actions=(
            "phối hợp với Đoàn Thanh niên tổ chức giáo dục truyền thống",
            "tạo điều kiện để Hội tham gia giám sát, phản biện",
        ),
        wordings=(
            "Phát huy vai trò của Hội Cựu chiến binh trong giáo dục truyền thống cách mạng cho"
            " thế hệ trẻ, tham gia bảo vệ Đảng, bảo vệ chế độ.",
        ),
        facts=("Số hội viên còn đang công tác ở các cơ quan giảm dần qua từng năm.",),
    ),
    Topic(
        name="bảo vệ nền tảng tư tưởng của Đảng",
        weight=6,
        issues=(
            "việc đấu tranh phản bác quan điểm sai trái trên không gian mạng chưa thường xuyên",
            "một bộ phận đảng viên trẻ còn thờ ơ với các vấn đề chính trị, xã hội",
            "việc nắm bắt tư tưởng cán bộ, đảng viên khi sắp xếp bộ máy có lúc còn chậm",
        ),
        actions=(
            "xây dựng lực lượng nòng cốt trên không gian mạng ở mỗi đảng bộ cơ sở",
            "đổi mới hình thức học tập, quán triệt nghị quyết",
            "thường xuyên nắm bắt tâm tư, nguyện vọng của cán bộ, đảng viên",
        ),
        wordings=(
            "Chủ động nắm bắt, định hướng tư tưởng cán bộ, đảng viên, nhất là trong quá trình"
            " sắp xếp tổ chức bộ máy; tích cực đấu tranh phản bác các quan điểm sai trái, thù"
            " địch trên không gian mạng.",
        ),
        facts=("Nhiều đảng viên trẻ cho biết chỉ đọc tin tức chính trị qua mạng xã hội.",),
    ),
    Topic(
        name="văn hóa công sở và đạo đức công vụ",
        weight=7,
        issues=(
            "tình trạng sợ sai, sợ trách nhiệm, đùn đẩy công việc ở một bộ phận cán bộ",
            "ý thức chấp hành kỷ luật, kỷ cương hành chính ở một số nơi chưa nghiêm",
            "việc học tập và làm theo gương Bác có nơi còn hình thức",
        ),
        actions=(
            "xây dựng bộ tiêu chí văn hóa công sở",
            "biểu dương, nhân rộng gương người tốt, việc tốt",
            "xử lý nghiêm cán bộ né tránh, đùn đẩy trách nhiệm",
        ),
        wordings=(
            "Xây dựng đội ngũ cán bộ, công chức, viên chức tận tụy phục vụ Nhân dân; kiên quyết"
            " khắc phục tình trạng sợ sai, sợ trách nhiệm, đùn đẩy, né tránh.",
        ),
        facts=("Người dân vẫn phàn nàn về thái độ của một số công chức ở bộ phận một cửa.",),
    ),
    Topic(
        name="công tác phát triển đảng viên",
        weight=6,
        issues=(
            "số đảng viên mới kết nạp những năm gần đây có xu hướng giảm",
            "nguồn phát triển đảng viên trong đoàn viên thanh niên còn mỏng",
            "việc theo dõi, giúp đỡ quần chúng ưu tú chưa sát",
        ),
        actions=(
            "giao chỉ tiêu phát triển đảng viên gắn với chất lượng",
            "tạo nguồn từ đoàn viên thanh niên ưu tú",
            "phân công đảng viên chính thức giúp đỡ quần chúng ưu tú",
        ),
        wordings=(
            "Mỗi năm kết nạp từ 120 đảng viên trở lên; chú trọng kết nạp đoàn viên thanh niên ưu"
            " tú, cán bộ trẻ có trình độ cao.",
        ),
        facts=("Có chi bộ cả nhiệm kỳ không kết nạp được đảng viên mới nào.",),
    ),
)

# Phrases people quote when asking for something concrete or something to be removed.
VAGUE = (
    "tiếp tục quan tâm",
    "từng bước nâng cao",
    "cơ bản đáp ứng yêu cầu",
    "tương đối tốt",
    "chú trọng hơn nữa",
)
PRAISE = (
    "chuyển biến rõ nét",
    "đạt nhiều kết quả nổi bật",
    "đạt và vượt tất cả các chỉ tiêu",
    "tạo bước đột phá",
)

TEMPLATES: dict[str, tuple[str, ...]] = {
    "comment": (
        "Nội dung {where} đánh giá về {topic} còn chung chung, chưa chỉ ra hạn chế là {issue}.",
        "Tôi thấy phần viết về {topic} {where} mới nêu kết quả, chưa phân tích vì sao {issue}.",
        "Dự thảo cần làm rõ hơn kết quả về {topic}; thực tế ở {org} cho thấy {issue}.",
        "Về {topic}, đề nghị dự thảo nêu số liệu cụ thể thay vì đánh giá định tính như hiện nay.",
        "Phần viết về {topic} {where} còn dài, nhiều ý trùng với các phần khác, nên viết gọn lại.",
        "Cách diễn đạt {where} chưa thống nhất với văn kiện cấp trên; đề nghị rà soát lại các"
        " thuật ngữ về {topic}.",
        "Theo tôi, {topic} là khâu còn yếu trong nhiệm kỳ qua nhưng dự thảo chưa đánh giá đúng"
        " mức, nhất là hạn chế: {issue}.",
        "Dự thảo đã có tiến bộ so với lần trước, song phần về {topic} vẫn thiếu đánh giá trách"
        " nhiệm của người đứng đầu.",
        "Chi bộ chúng tôi đã thảo luận và thấy rằng {issue}; dự thảo cần phản ánh đúng thực tế"
        " này.",
    ),
    "amend": (
        "Đề nghị sửa lại nội dung {where} như sau: “{wording}”",
        "Đề nghị chỉnh sửa nội dung về {topic} {where} cho cụ thể, đo lường được.",
        "Cách viết hiện nay về {topic} còn chung chung, khó kiểm tra, đánh giá; đề nghị sửa lại"
        " cho rõ chủ thể và thời hạn thực hiện.",
        "Đề nghị viết lại câu về {topic} {where} theo hướng nhấn mạnh trách nhiệm của cấp ủy và"
        " người đứng đầu.",
        "Chỉ tiêu về {topic} trong dự thảo chưa sát thực tế; đề nghị điều chỉnh lại theo phương"
        " án tôi đề xuất.",
        "Tôi đề nghị thay cụm từ “{vague}” bằng nội dung cụ thể hơn về {topic}.",
        "Đề nghị sửa nội dung {where} để thể hiện rõ yêu cầu {action}.",
        "Nội dung {where} nên sửa gọn lại, tách rõ phần kết quả và phần hạn chế về {topic}.",
    ),
    "add": (
        "Đề nghị bổ sung {where} nội dung về {topic}, cụ thể là {action}.",
        "Dự thảo chưa đề cập đến việc {action}; đề nghị bổ sung vào phần nhiệm vụ, giải pháp.",
        "Đề nghị bổ sung một chỉ tiêu riêng về {topic} để có cơ sở đánh giá cuối nhiệm kỳ.",
        "Cần bổ sung vào phần hạn chế nội dung: {issue}.",
        "Tôi đề nghị bổ sung giải pháp {action}, vì đây là khâu còn yếu hiện nay.",
        "Đề nghị bổ sung {where} câu sau: “{wording}”",
        "Phần bài học kinh nghiệm nên bổ sung bài học về {topic}.",
        "Đề nghị bổ sung cơ chế kiểm tra, đánh giá hằng năm việc {action}.",
        "Đề nghị bổ sung số liệu minh chứng về {topic} trong nhiệm kỳ qua để tăng sức thuyết phục.",
    ),
    "delete": (
        "Đề nghị bỏ đoạn {where} vì trùng lặp với nội dung đã nêu ở phần trước.",
        "Đề nghị lược bỏ nhận định “{praise}” vì chưa có số liệu chứng minh.",
        "Nên bỏ cụm từ “{vague}” {where} vì không có nội dung cụ thể, khó đánh giá.",
        "Đề nghị bỏ chỉ tiêu về {topic} {where} vì không còn phù hợp sau khi sắp xếp tổ chức"
        " bộ máy.",
        "Đoạn viết về {topic} {where} mang tính liệt kê hoạt động, đề nghị bỏ bớt cho văn kiện"
        " ngắn gọn.",
        "Tôi đề nghị bỏ nội dung này vì đây là nhiệm vụ chuyên môn của cơ quan, không phải nội"
        " dung lãnh đạo của Đảng ủy Khối.",
        "Đề nghị bỏ các số liệu quá chi tiết {where}, chuyển sang phụ lục kèm theo báo cáo.",
        "Nội dung {where} đã được quy định tại văn bản khác, đề nghị bỏ để tránh trùng lặp.",
    ),
    "agree": (
        "Tôi hoàn toàn nhất trí với nội dung {where}.",
        "Thống nhất cao với đánh giá về {topic} trong dự thảo; nội dung đã phản ánh đúng thực"
        " tế tại {org}.",
        "Nhất trí với các mục tiêu, chỉ tiêu về {topic} mà dự thảo đề ra.",
        "Tôi đồng tình với việc dự thảo đặt yêu cầu {action}.",
        "Chi bộ chúng tôi thống nhất với bố cục và nội dung của dự thảo, không có ý kiến bổ sung.",
        "Dự thảo được chuẩn bị công phu, đánh giá khách quan, thẳng thắn; tôi nhất trí.",
        "Nhất trí với nội dung về {topic}, nhất là việc dự thảo đã thẳng thắn chỉ ra rằng {issue}.",
        "Tôi đồng ý với phần nhiệm vụ, giải pháp về {topic}; các giải pháp cụ thể, khả thi.",
    ),
    "disagree": (
        "Tôi chưa đồng tình với đánh giá {where} rằng kết quả về {topic} đã “{praise}”, vì thực"
        " tế {issue}.",
        "Không nhất trí với chỉ tiêu về {topic} như dự thảo; chỉ tiêu này quá cao so với điều"
        " kiện thực tế.",
        "Tôi không đồng ý đưa nội dung về {topic} vào phần kết quả nổi bật, vì {issue}.",
        "Chỉ tiêu về {topic} được đặt quá thấp, không tạo động lực phấn đấu; tôi không nhất trí.",
        "Đánh giá {where} chưa khách quan, còn nặng về thành tích; tôi không đồng tình.",
        "Tôi không tán thành giải pháp {action} như cách viết hiện nay, vì dễ dẫn đến hình thức,"
        " tăng thêm hồ sơ, giấy tờ cho cơ sở.",
        "Chưa đồng tình với nhận định nguyên nhân chủ yếu là khách quan; theo tôi nguyên nhân"
        " chủ quan về {topic} mới là chính.",
        "Không nên gộp nội dung về {topic} chung với các nhiệm vụ khác như dự thảo, vì sẽ làm"
        " mờ trách nhiệm.",
    ),
    "recommendation": (
        "Kiến nghị Đảng ủy Khối chỉ đạo {action}.",
        "Đề nghị Ban Thường vụ Đảng ủy Khối sớm có hướng dẫn về {topic} để các tổ chức cơ sở"
        " đảng thống nhất thực hiện.",
        "Kiến nghị cấp ủy có cơ chế theo dõi, đôn đốc việc {action}, định kỳ báo cáo kết quả.",
        "Đề nghị Đảng ủy Khối kiến nghị Thành ủy quan tâm chỉ đạo khắc phục hạn chế: {issue}.",
        "Kiến nghị thành lập tổ công tác chuyên trách về {topic} ở cấp Khối.",
        "Qua thực tế tại {org}, tôi kiến nghị {action}.",
        "Đề nghị Đảng ủy Khối tổ chức đối thoại chuyên đề về {topic} với đoàn viên, hội viên"
        " ngay trong năm đầu nhiệm kỳ.",
        "Kiến nghị đưa nội dung {action} vào chương trình hành động thực hiện Nghị quyết Đại hội.",
    ),
    "question": (
        "Chỉ tiêu về {topic} {where} được xây dựng trên cơ sở nào, đề nghị Tiểu ban làm rõ?",
        "Xin hỏi: khi {issue} thì trách nhiệm thuộc về cấp ủy hay thủ trưởng cơ quan?",
        "Dự thảo nêu yêu cầu {action}, vậy nguồn lực để thực hiện lấy từ đâu?",
        "Số liệu về {topic} {where} được tổng hợp đến thời điểm nào?",
        "Cụm từ “{vague}” {where} được hiểu như thế nào, đo bằng tiêu chí gì?",
        "Sau sắp xếp tổ chức bộ máy, việc {action} sẽ do cơ quan nào chủ trì?",
        "Vì sao dự thảo không có chỉ tiêu riêng về {topic}?",
        "Kết quả về {topic} có được tính vào tiêu chí đánh giá, xếp loại tổ chức đảng hằng năm"
        " không?",
    ),
}

# Sentences that lengthen an opinion without changing its point.
CLOSERS = (
    "Đây là vấn đề được nhiều đảng viên trong chi bộ quan tâm.",
    "Ý kiến này đã được thống nhất tại buổi sinh hoạt chi bộ thường kỳ.",
    "Đề nghị Tiểu ban Văn kiện nghiên cứu, tiếp thu.",
    "Mong Ban Chấp hành xem xét.",
    "Tôi xin góp một ý nhỏ như vậy.",
    "Nếu được tiếp thu, văn kiện sẽ sát với thực tế hơn.",
)
THANKS = ("Xin cảm ơn.", "Trân trọng cảm ơn.", "Trân trọng.")
# Supporting sentences by kind; {issue2}/{action2} differ from the main sentence's phrases.
SUPPORT_ISSUE = ("Ở cơ quan tôi, {issue2}.", "Lý do là {issue2}.")
SUPPORT_ACTION = ("Theo tôi, cần {action2}.", "Cần sớm {action2}.")
SUPPORT_ALL = ("Nhiều đồng chí trong {dept} cũng có chung ý kiến này.",)
SUPPORT_AGREE = (
    "Đề nghị giữ nguyên nội dung này trong dự thảo tiếp theo.",
    "Các nhận định nêu trong dự thảo sát với thực tế ở {org}.",
)
SUPPORT_DELETE = ("Bỏ đi như vậy, văn kiện sẽ ngắn gọn, tập trung hơn.",)
ARGUED_KINDS = frozenset({"comment", "amend", "add", "disagree", "recommendation"})

SURNAMES: tuple[tuple[str, int], ...] = (
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 4),
    ("Huỳnh", 3),
    ("Võ", 4),
    ("Vũ", 3),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 1),
    ("Lý", 1),
    ("Phan", 3),
    ("Trương", 1),
    ("Đinh", 1),
    ("Đoàn", 1),
    ("Lương", 1),
)
MALE_MIDDLE = (
    "Văn",
    "Hữu",
    "Đức",
    "Minh",
    "Quang",
    "Công",
    "Thanh",
    "Xuân",
    "Ngọc",
    "Trọng",
    "Đình",
    "Quốc",
    "Anh",
    "Hoàng",
    "Văn Minh",
    "Doãn",
)
FEMALE_MIDDLE = (
    "Thị",
    "Thu",
    "Ngọc",
    "Thanh",
    "Thùy",
    "Kim",
    "Minh",
    "Phương",
    "Hồng",
    "Bích",
    "Diệu",
    "Thị Thu",
    "Thị Ngọc",
    "Thị Thanh",
)
MALE_GIVEN = (
    "Hùng",
    "Dũng",
    "Tuấn",
    "Long",
    "Nam",
    "Hải",
    "Sơn",
    "Thắng",
    "Quân",
    "Khoa",
    "Phong",
    "Bình",
    "Cường",
    "Hiếu",
    "Trung",
    "Hoàn",
    "Toàn",
    "Thành",
    "Đạt",
    "Huy",
    "Khánh",
    "Lâm",
    "Tùng",
    "Vinh",
    "Hòa",
)
FEMALE_GIVEN = (
    "Hà",
    "Lan",
    "Hương",
    "Hoa",
    "Mai",
    "Ngọc",
    "Thảo",
    "Trang",
    "Linh",
    "Huyền",
    "Nga",
    "Yến",
    "Oanh",
    "Hằng",
    "Thủy",
    "Nhung",
    "Phương",
    "Vân",
    "Loan",
    "Hạnh",
    "Dung",
    "Giang",
    "Quyên",
)

AGENCIES = (
    "Sở Tài chính",
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Xây dựng",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Khoa học và Công nghệ",
    "Sở Văn hóa và Thể thao",
    "Sở Nông nghiệp và Môi trường",
    "Sở Công Thương",
    "Sở Ngoại vụ",
    "Văn phòng Ủy ban nhân dân thành phố",
    "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân thành phố",
    "Thanh tra thành phố",
    "Ban Quản lý các khu công nghiệp",
    "Đài Phát thanh và Truyền hình thành phố",
)
DEPTS = (
    "Văn phòng",
    "Phòng Tổ chức cán bộ",
    "Phòng Kế hoạch - Tài chính",
    "Phòng Pháp chế",
    "Phòng Quản lý ngân sách",
    "Phòng Công chức, viên chức",
    "Phòng Chuyển đổi số",
    "Phòng Nghiệp vụ",
    "Phòng Tổng hợp",
)
# (weight, template); {agency} and {dept} are filled from the lists above.
TITLES: tuple[tuple[int, str], ...] = (
    (18, "đảng viên Chi bộ {dept}, Đảng bộ {agency}"),
    (5, "Bí thư Chi bộ {dept}, Đảng bộ {agency}"),
    (2, "Phó Bí thư Đảng ủy {agency}"),
    (4, "Chủ tịch Công đoàn cơ sở {agency}"),
    (6, "đoàn viên Công đoàn cơ sở {agency}"),
    (2, "Trưởng ban Nữ công Công đoàn cơ sở {agency}"),
    (2, "Chi hội trưởng Chi hội Cựu chiến binh {agency}"),
    (2, "hội viên Chi hội Cựu chiến binh {agency}"),
    (3, "Bí thư Chi đoàn {agency}"),
    (4, "đoàn viên Chi đoàn {agency}"),
    (4, "Trưởng {dept_lower}, {agency}"),
    (6, "chuyên viên {dept}, {agency}"),
    (2, "Phó Giám đốc {agency}"),
    (1, "Ủy viên Ban Chấp hành Đảng bộ Khối"),
)

CAMPAIGNS: tuple[Campaign, ...] = (
    Campaign(
        kind="add",
        openers=(
            "",
            "Chúng tôi, đoàn viên Công đoàn cơ sở {agency}, ",
            "Thay mặt tổ công đoàn {dept}, tôi ",
            "Tôi ",
            "Tập thể đoàn viên công đoàn {dept} ",
        ),
        body=(
            ("đề nghị bổ sung vào ",),
            ("phần nhiệm vụ, giải pháp", "phần mục tiêu, chỉ tiêu", "dự thảo"),
            (" nội dung: ",),
        ),
        wording=(
            ("“Hằng năm, người đứng đầu cấp ủy, cơ quan tổ chức ",),
            ("ít nhất một", "tối thiểu một"),
            (
                " hội nghị đối thoại với cán bộ, công chức, viên chức, người lao động; 100% kiến"
                " nghị của đoàn viên công đoàn được xem xét, trả lời bằng văn bản ",
            ),
            ("trong thời hạn 30 ngày", "chậm nhất sau 30 ngày", "trong vòng 30 ngày"),
            (".”",),
        ),
        reasons=(
            "Thực tế nhiều kiến nghị sau đối thoại chưa được trả lời, làm giảm niềm tin của"
            " người lao động.",
            "Thực tế có nhiều kiến nghị sau đối thoại chưa được trả lời, ảnh hưởng đến niềm tin"
            " của người lao động.",
            "Nhiều kiến nghị sau đối thoại vẫn chưa được trả lời, làm giảm niềm tin của người"
            " lao động.",
            "",
        ),
        titles=(
            "đoàn viên Công đoàn cơ sở {agency}",
            "Tổ trưởng tổ công đoàn {dept}, {agency}",
            "Chủ tịch Công đoàn cơ sở {agency}",
        ),
    ),
    Campaign(
        kind="recommendation",
        openers=(
            "",
            "Hội viên Chi hội Cựu chiến binh {agency} ",
            "Chúng tôi, hội viên cựu chiến binh, ",
            "Là cựu chiến binh, tôi ",
        ),
        body=(
            ("kiến nghị Đảng ủy Khối ",),
            ("quan tâm", "quan tâm hơn nữa", "tiếp tục quan tâm"),
            (" bố trí kinh phí ",),
            ("và thời gian", ", thời gian"),
            (
                " cho hoạt động của các chi hội Cựu chiến binh ở cơ quan; giao Hội Cựu chiến binh"
                " phối hợp với Đoàn Thanh niên ",
            ),
            ("tổ chức", "thực hiện"),
            (" chương trình giáo dục truyền thống cho đoàn viên, thanh niên ",),
            ("hằng năm.", "mỗi năm.", "định kỳ hằng năm."),
        ),
        wording=(),
        reasons=(
            "Đồng thời đề nghị dự thảo ghi nhận vai trò của Hội trong giám sát, phản biện xã hội.",
            "Đồng thời đề nghị ghi nhận vai trò của Hội trong giám sát và phản biện xã hội.",
            "",
            "",
        ),
        titles=(
            "hội viên Chi hội Cựu chiến binh {agency}",
            "Chi hội trưởng Chi hội Cựu chiến binh {agency}",
            "hội viên Hội Cựu chiến binh Khối các cơ quan thành phố",
        ),
    ),
    Campaign(
        kind="amend",
        openers=(
            "",
            "Đoàn viên Chi đoàn {agency} ",
            "Chúng tôi, đoàn viên thanh niên, ",
            "Tôi ",
        ),
        body=(
            ("đề nghị sửa chỉ tiêu về cán bộ trẻ ",),
            ("trong dự thảo", "tại phần chỉ tiêu", "ở phần chỉ tiêu chủ yếu"),
            (" thành: ",),
        ),
        wording=(
            ("“Tỷ lệ cấp ủy viên cơ sở dưới 40 tuổi đạt từ ",),
            ("15%", "15 %"),
            (" trở lên; ",),
            ("mỗi", "100%"),
            (" cấp ủy cơ sở có ít nhất một cấp ủy viên là cán bộ trẻ dưới 35 tuổi.”",),
        ),
        reasons=(
            "Như vậy mới tạo được nguồn cán bộ kế cận vững chắc.",
            "Có như vậy mới tạo được nguồn cán bộ kế cận.",
            "Đây là nguyện vọng chung của đoàn viên thanh niên trong Khối.",
            "",
        ),
        titles=(
            "đoàn viên Chi đoàn {agency}",
            "Bí thư Chi đoàn {agency}",
            "Ủy viên Ban Chấp hành Đoàn Thanh niên Khối",
        ),
    ),
)
CAMPAIGN_CLOSERS = ("", "", "Trân trọng.", "Xin cảm ơn.", "Rất mong được tiếp thu.")

GENERAL_SHARE = 0.15
NO_DIACRITICS_SHARE = 0.03
OTHER_TONE_SHARE = 0.06
KIND_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("comment", 25),
    ("amend", 15),
    ("add", 14),
    ("delete", 5),
    ("agree", 12),
    ("disagree", 5),
    ("recommendation", 16),
    ("question", 8),
)
# Extra sentences after the main one: 0..4, so an opinion has 1-5 sentences.
EXTRA_SENTENCE_WEIGHTS = (30, 30, 22, 12, 6)
