"""Moderation flags: the built-in word list, a trained hashed linear model, its file format."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import shared_data
from ykien.analysis.moderation import (
    MODEL_FILE,
    ModerationModel,
    _column,
    _vectorizer,
    binary_f1,
    default_model,
    features_of,
    flags_as_labels,
    lexicon_hits,
    main,
    read_labelled,
)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Đồ ngu, không biết gì mà cũng nói", "offensive"),
        ("do ngu khong biet gi", "offensive"),
        ("thằng này óc chó thật", "offensive"),
        ("vcl luôn", "offensive"),
        ("Đm cái luật này", "offensive"),
        ("Bọn bắc kỳ toàn thế", "hate"),
        ("bon bac ky toan the", "hate"),
    ],
)
def test_lexicon_flags_insults(text: str, label: str) -> None:
    flag = ModerationModel.lexicon().predict([text])[0]
    assert flag is not None and flag.label == label
    assert flag.terms and all(term.lower() in text.lower() for term in flag.terms)


@pytest.mark.parametrize(
    "text",
    [
        "Đề nghị cho ý kiến về dự thảo",  # "cho" is not "chó"
        "Tôi đi ngủ sớm để mai dự hội nghị",  # "ngủ" is not "ngu"
        "Bộ Công an chủ trì, phối hợp với các cơ quan",
        "cho toi hoi ve dieu 5",
        "",
    ],
)
def test_lexicon_leaves_ordinary_text_alone(text: str) -> None:
    assert ModerationModel.lexicon().predict([text]) == [None]


def test_lexicon_hits_report_phrases_as_written() -> None:
    assert lexicon_hits("Thằng Chó này") == [("Thằng Chó", 1), ("Chó", 1)]


def test_hashed_columns_match_the_vectorizer() -> None:
    vectorizer = _vectorizer(2**12)
    names = features_of("Đồ ngu")
    matrix = vectorizer.transform(["Đồ ngu"])
    assert set(matrix.indices) == {_column(name, 2**12) for name in names}


def test_features_cover_folded_canonical_and_characters() -> None:
    names = features_of("Hoà bình")
    assert {"f:hoa", "f:hoa binh", "c:hòa", "c:hòa bình", "g: ho"} <= set(names)


def synthetic(count: int, seed: int = 3) -> tuple[list[str], list[int]]:
    """Clean opinions, offensive ones (insults) and hateful ones (a group slur)."""
    rng = random.Random(seed)
    clean = [
        "đề",
        "nghị",
        "bổ",
        "sung",
        "quy",
        "định",
        "rõ",
        "trách",
        "nhiệm",
        "cơ",
        "quan",
        "tổ",
        "chức",
        "thời",
        "hạn",
        "hội",
        "nghị",
    ]
    texts: list[str] = []
    labels: list[int] = []
    for i in range(count):
        words = rng.sample(clean, 6)
        label = i % 3
        if label == 1:
            words.insert(rng.randrange(6), rng.choice(["đồ khốn", "thằng hèn", "mất dạy"]))
        elif label == 2:
            words.insert(rng.randrange(6), rng.choice(["lũ mọi rợ", "bọn khựa"]))
        texts.append(" ".join(words))
        labels.append(label)
    return texts, labels


@pytest.fixture(scope="module")
def trained() -> ModerationModel:
    texts, labels = synthetic(300)
    return ModerationModel.train(texts, labels, name="synthetic")


def test_trained_model_flags_what_it_learned(trained: ModerationModel) -> None:
    flags = trained.predict(
        [
            "đề nghị bổ sung thời hạn hội nghị",
            "thằng hèn đề nghị quy định",
            "lũ mọi rợ cơ quan tổ chức",
        ]
    )
    assert flags[0] is None
    assert flags[1] is not None and flags[1].label == "offensive"
    assert flags[2] is not None and flags[2].label == "hate"
    assert any("hèn" in term for term in flags[1].terms)
    assert 0.0 < flags[1].score <= 1.0
    assert 0.05 <= trained.threshold <= 0.95


def test_save_and_load_round_trip(trained: ModerationModel, tmp_path: Path) -> None:
    path = tmp_path / "models" / MODEL_FILE  # a folder that does not exist yet
    trained.save(path)
    assert [p.name for p in path.parent.iterdir()] == [MODEL_FILE]  # no partial file left
    with np.load(path, allow_pickle=False) as data:  # our format needs no pickle
        assert "coef" in data
    loaded = ModerationModel.load(path)
    texts = ["thằng hèn đề nghị", "đề nghị rõ trách nhiệm", "bọn khựa"]
    assert loaded.name == "synthetic"
    assert loaded.predict(texts) == trained.predict(texts)
    assert default_model(path.parent).predict(texts) == trained.predict(texts)


def test_default_model_without_a_file_is_the_lexicon(tmp_path: Path) -> None:
    assert default_model(tmp_path).name == "lexicon"


def test_lexicon_cannot_be_saved(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="nothing to save"):
        ModerationModel.lexicon().save(tmp_path / "m.npz")


def test_empty_input(trained: ModerationModel) -> None:
    assert trained.predict([]) == []


def test_binary_f1_and_labels() -> None:
    truth = np.array([True, True, False, False])
    assert binary_f1(truth, np.array([True, False, False, False])) == pytest.approx(2 / 3)
    assert binary_f1(truth, np.array([False] * 4)) == 0.0
    flags = ModerationModel.lexicon().predict(["đồ ngu", "xin chào", "bọn khựa"])
    assert list(flags_as_labels(flags)) == [1, 0, 2]


def write_csv(path: Path, texts: list[str], labels: list[int]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["free_text", "label_id"])
        writer.writerows(zip(texts, labels, strict=True))


def test_command_line_trains_and_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    texts, labels = synthetic(240)
    write_csv(tmp_path / "train.csv", texts, labels)
    write_csv(tmp_path / "dev.csv", *synthetic(60, seed=9))
    out = tmp_path / "model.npz"
    assert main(["train", "--data", str(tmp_path), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "dev flag F1" in printed
    assert read_labelled(tmp_path / "dev.csv")[1][:3] == [0, 1, 2]
    assert ModerationModel.load(out).predict(["mất dạy"])[0] is not None


@pytest.mark.slow
def test_lexicon_on_real_comments_is_precise() -> None:
    """On ViHSD dev, most comments the word list flags are labelled offensive or hateful."""
    texts, labels = read_labelled(shared_data("vihsd", "dev.csv"))
    flagged = flags_as_labels(ModerationModel.lexicon().predict(texts)) != 0
    truth = np.asarray(labels) != 0
    precision = float(np.sum(flagged & truth)) / max(1, int(np.sum(flagged)))
    assert precision > 0.6
    assert binary_f1(truth, flagged) > 0.3
