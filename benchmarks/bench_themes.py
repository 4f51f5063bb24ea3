"""Themes for 100,000 opinions: time and peak memory of find_themes, beside a plain baseline.

Opinions of about 30 words are built by recombining 2-3 sentences of uit-vsfc (when
../shared/data is there) with generated consultation sentences. The baseline, timed in the same
run on the same opinions, is TF-IDF on raw syllables + one KMeans with the k find_themes chose
(it has no segmentation, no choice of k, no labels and no summaries).

Run: python -m benchmarks.bench_themes [--quick] [--opinions N]
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from pathlib import Path

from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer

from ykien.analysis.themes import find_themes

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "uit-vsfc"
SUBJECTS = """công tác cán bộ|chuyển đổi số|cải cách hành chính|phòng chống tham nhũng|
giáo dục và đào tạo|y tế cơ sở|bảo vệ môi trường|phát triển kinh tế tư nhân|
an sinh xã hội|xây dựng Đảng|quốc phòng an ninh|văn hóa và con người|hội nhập quốc tế|
khoa học công nghệ|quản lý đất đai|hạ tầng giao thông""".replace("\n", "").split("|")
FRAMES = (
    "Đề nghị làm rõ hơn nội dung về {s} trong dự thảo.",
    "Cần bổ sung giải pháp cụ thể cho {s} ở cấp cơ sở.",
    "Dự thảo chưa đánh giá đúng những hạn chế của {s}.",
    "Tôi đồng tình với định hướng về {s} nhưng cần lộ trình rõ ràng.",
    "Kiến nghị tăng nguồn lực đầu tư cho {s} trong giai đoạn tới.",
    "Việc thực hiện {s} ở địa phương còn chậm, cần tháo gỡ vướng mắc.",
)


def feedback_sentences() -> list[str]:
    """uit-vsfc sentences (train and dev), or nothing when the data is absent."""
    sentences: list[str] = []
    for split in ("train", "dev"):
        path = DATA / split / "sents.txt"
        if path.exists():
            sentences += path.read_text(encoding="utf-8").splitlines()
    return sentences


def make_opinions(count: int, seed: int = 11) -> list[tuple[int, str]]:
    """Opinions of 2-3 sentences, real feedback and generated consultation text mixed."""
    rng = random.Random(seed)
    real = feedback_sentences()
    opinions = []
    for opinion_id in range(count):
        parts = []
        subject = rng.choice(SUBJECTS)
        for _ in range(rng.randint(2, 3)):
            if real and rng.random() < 0.5:
                parts.append(rng.choice(real))
            else:
                parts.append(rng.choice(FRAMES).format(s=subject))
        opinions.append((opinion_id, " ".join(parts)))
    return opinions


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(count: int) -> None:
    opinions = make_opinions(count)
    words = sum(len(text.split()) for _, text in opinions) / count
    source = "uit-vsfc + generated" if feedback_sentences() else "generated only"
    print(f"themes: {count:,} opinions ({source}, {words:.0f} words each on average)")
    before = peak_mib()
    started = time.perf_counter()
    result, _ = find_themes(opinions)
    elapsed = time.perf_counter() - started
    peak = peak_mib()
    started = time.perf_counter()
    matrix = TfidfVectorizer().fit_transform([text for _, text in opinions])
    KMeans(n_clusters=max(result.chosen_k, 2), n_init=1, random_state=0).fit(matrix)
    baseline = time.perf_counter() - started
    sizes = ", ".join(str(len(theme.member_ids)) for theme in result.themes)
    print(f"  find_themes   {elapsed:6.1f} s   k={result.chosen_k} (sizes {sizes})")
    print(f"  baseline      {baseline:6.1f} s   (syllable TF-IDF + one KMeans, same k)")
    print(f"  ratio         {elapsed / baseline:6.2f}x the baseline's time   (target: <= 90 s)")
    print(f"  peak memory   {peak:,.0f} MiB (process; {before:,.0f} MiB before find_themes)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--opinions", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="10,000 opinions")
    args = parser.parse_args(argv)
    run(10_000 if args.quick else args.opinions)


if __name__ == "__main__":
    main()
