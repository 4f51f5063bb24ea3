"""A small learned model of a sentence's role, beside the cue rules of roles.py.

Trained in-process on first use (well under a second) from labelled sentences kept in the
package, nothing downloaded: `data/role_sentences_own.tsv` (sentences written for ykien in the
style of press reports and minutes, every role) and `data/role_sentences_gold.tsv` (the opinion
and recommendation spans of the dev gold set, `python -m evals.event_roles --write` regenerates
it). Character and word n-grams, TF-IDF, a logistic regression with balanced classes.

The rules decide; the model is consulted only where `python -m evals.event_roles` measured that
it helps (see roles.py: `VETO_BELOW`): a sentence the rules take for a view is left out when the
model gives it a low chance of being a view at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ykien.events.mentions import lower_key

DATA = Path(__file__).with_name("data")
TRAINING_FILES = ("role_sentences_own.tsv", "role_sentences_gold.tsv")
VIEW_ROLES = frozenset({"opinion", "recommendation"})


@dataclass(frozen=True)
class Example:
    """One labelled sentence; `source` groups examples for cross-validation (a gold file)."""

    role: str
    text: str
    source: str


def training_examples(files: Iterable[str] = TRAINING_FILES) -> list[Example]:
    """The labelled sentences of the package's data files (comment lines start with #)."""
    examples: list[Example] = []
    for name in files:
        path = DATA / name
        if not path.exists():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) == 2:
                examples.append(Example(parts[0], parts[1], f"{name}:{number}"))
            elif len(parts) == 3:
                examples.append(Example(parts[0], parts[2], parts[1]))
    return examples


class RoleModel:
    """P(role | sentence) from n-gram features; `view_probability` sums opinion+recommendation."""

    def __init__(self, examples: Sequence[Example]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, make_pipeline

        features = FeatureUnion(
            [
                (
                    "chars",
                    TfidfVectorizer(
                        analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=2
                    ),
                ),
                ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
            ]
        )
        self._pipeline: Any = make_pipeline(
            features, LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000)
        )
        self._pipeline.fit([lower_key(e.text) for e in examples], [e.role for e in examples])
        classes = list(self._pipeline.classes_)
        self._views = [classes.index(role) for role in VIEW_ROLES if role in classes]
        self.classes: tuple[str, ...] = tuple(classes)

    def probabilities(self, sentences: Sequence[str]) -> list[dict[str, float]]:
        """Each sentence's probability per role."""
        if not sentences:
            return []
        rows = self._pipeline.predict_proba([lower_key(s) for s in sentences])
        return [dict(zip(self.classes, map(float, row), strict=True)) for row in rows]

    def view_probability(self, sentences: Sequence[str]) -> list[float]:
        """Each sentence's probability of voicing a view (an opinion or a recommendation)."""
        if not sentences:
            return []
        rows = self._pipeline.predict_proba([lower_key(s) for s in sentences])
        return [float(sum(row[i] for i in self._views)) for row in rows]

    def predict(self, sentences: Sequence[str]) -> list[str]:
        return [str(role) for role in self._pipeline.predict([lower_key(s) for s in sentences])]


@lru_cache(maxsize=1)
def default_model() -> RoleModel:
    """The model trained on every labelled sentence of the package (once per process)."""
    return RoleModel(training_examples())
