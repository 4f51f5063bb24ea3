"""Moderation flag quality on ViHSD: a model trained on its train split, scored on dev.

Prints the binary flag (offensive or hate vs clean) precision, recall and F1, the macro-F1 over
the three classes, and the built-in word list's figures beside them. ViHSD is for research use
only: the model trained here is written nowhere unless --out is given (never into the repo).

Run: .venv/bin/python -m evals.moderation [--out /tmp/moderation.npz]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score, precision_recall_fscore_support

from ykien.analysis.moderation import (
    CLEAN,
    SURE_WITHOUT_WORD,
    ModerationModel,
    flags_as_labels,
    read_labelled,
)

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "vihsd"


def report(name: str, truth: np.ndarray, predicted: np.ndarray) -> None:
    """One line: flag precision, recall, F1 and 3-class macro-F1."""
    precision, recall, f1, _ = precision_recall_fscore_support(
        truth != CLEAN, predicted != CLEAN, average="binary", zero_division=0
    )
    macro = f1_score(truth, predicted, average="macro", labels=[0, 1, 2], zero_division=0)
    print(f"{name:22} {precision:9.3f} {recall:7.3f} {f1:7.3f} {macro:13.3f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also save the trained model here")
    parser.add_argument("--limit", type=int, default=0, help="train on the first N rows only")
    args = parser.parse_args(argv)
    if not (DATA / "train.csv").is_file() or not (DATA / "dev.csv").is_file():
        print(f"{DATA} is not available (third-party data lives beside the repo): nothing to do.")
        return 0
    texts, labels = read_labelled(DATA / "train.csv")
    if args.limit:
        texts, labels = texts[: args.limit], labels[: args.limit]
    dev_texts, dev_labels = read_labelled(DATA / "dev.csv")
    truth = np.asarray(dev_labels)
    started = time.perf_counter()
    model = ModerationModel.train(texts, labels, name="vihsd-trained")
    trained_in = time.perf_counter() - started
    started = time.perf_counter()
    predicted = flags_as_labels(model.predict(dev_texts))
    predicted_in = time.perf_counter() - started
    lexicon = flags_as_labels(ModerationModel.lexicon().predict(dev_texts))
    print(
        f"ViHSD: train {len(texts)} texts, dev {len(dev_texts)} texts "
        f"({np.mean(truth != CLEAN):.1%} flagged in dev)"
    )
    print(f"{'model':22} {'precision':>9} {'recall':>7} {'flag F1':>7} {'3-class macro':>13}")
    report("trained + word list", truth, predicted)  # what ykien ships
    report("trained model alone", truth, model.model_flags(dev_texts))
    report("lexicon (built-in)", truth, lexicon)
    report("always flag", truth, np.full_like(truth, 1))
    print(f"\nthreshold on P(offensive)+P(hate), chosen on a train hold-out: {model.threshold:.2f}")
    print(
        f"shipped rule: a word of the list and the threshold, or {SURE_WITHOUT_WORD} without one "
        "(the model alone flags formal political opinions: political words go with hate speech "
        "in social-media comments)"
    )
    print(f"trained in {trained_in:.1f} s; dev predicted in {predicted_in:.1f} s")
    if args.out is not None:
        model.save(args.out)
        print(f"model written to {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
