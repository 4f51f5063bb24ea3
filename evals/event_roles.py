"""The learned sentence-role model of ykien.events, with and without it.

Run: `python -m evals.event_roles` (YKIEN_SHARED_DATA=<folder> when the data lives elsewhere).

1. Sentence level: the labelled sentences of ykien/events/data, cross-validated by source (a
   dev gold article's spans, or a block of the sentences written for ykien, never split across
   folds): the model's accuracy beside that of the cue rules (roles.sentence_role) on the same
   sentences, for "is it a view (opinion or recommendation)?".
2. Extraction on the dev split: the opinion and recommendation fields with the rules alone and
   with the model beside them, the model of each article trained without that article's gold
   spans (so no article is scored by a model that saw its labels).
3. Extraction on the held-out split: the same two, the model trained on everything (the
   held-out gold is never part of the training data).

`python -m evals.event_roles --write` regenerates ykien/events/data/role_sentences_gold.tsv
from the dev gold files (evals/gold/events/*.json, never the held-out folder).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from evals.events import (
    GOLD_DIR,
    HELDOUT_DIR,
    NEWS_DIR,
    GoldArticle,
    Matching,
    _read_article,
    load_gold,
    print_table,
    proposal_items,
    score_article,
    total_scores,
)
from ykien.events.extract import extract_event
from ykien.events.role_model import DATA, VIEW_ROLES, Example, RoleModel, training_examples
from ykien.events.roles import ViewModel, sentence_role
from ykien.text import nfc

GOLD_TSV = DATA / "role_sentences_gold.tsv"
FOLDS = 5
# Sentences written for ykien are grouped in blocks of this many for cross-validation.
OWN_BLOCK = 10


def write_gold_sentences() -> int:
    """The dev gold spans as labelled sentences (role, gold file, span)."""
    lines = ["# role<TAB>dev gold file<TAB>span — written by `python -m evals.event_roles --write`"]
    for path in sorted(GOLD_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for field, role in (("opinions", "opinion"), ("recommendations", "recommendation")):
            for value in data.get(field, []):
                spelling = value[0] if isinstance(value, list) else value
                text = " ".join(nfc(spelling).split())
                if text:
                    lines.append(f"{role}\t{data['file']}\t{text}")
    GOLD_TSV.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{GOLD_TSV}: {len(lines) - 1} sentences")
    return 0


def _group(example: Example) -> str:
    if example.source.endswith(".txt"):
        return example.source
    name, _, number = example.source.rpartition(":")
    return f"{name}:{int(number) // OWN_BLOCK}"


def sentence_level(examples: list[Example]) -> None:
    """Cross-validated view / not-view accuracy of the model and of the cue rules."""
    groups = sorted({_group(e) for e in examples})
    fold_of = {group: index % FOLDS for index, group in enumerate(groups)}
    model_right = rules_right = 0
    role_right = 0
    for fold in range(FOLDS):
        train = [e for e in examples if fold_of[_group(e)] != fold]
        test = [e for e in examples if fold_of[_group(e)] == fold]
        if not test:
            continue
        model = RoleModel(train)
        predicted = model.predict([e.text for e in test])
        chances = model.view_probability([e.text for e in test])
        for example, role, chance in zip(test, predicted, chances, strict=True):
            truth = example.role in VIEW_ROLES
            model_right += (chance >= 0.5) == truth
            role_right += role == example.role
            rule_role, _ = sentence_role(example.text)
            rules_right += (rule_role in VIEW_ROLES) == truth
    total = len(examples)
    print(f"\n=== sentence level: {total} labelled sentences, {FOLDS}-fold by source")
    print(f"view or not, cue rules (roles.sentence_role): {rules_right / total:.3f}")
    print(f"view or not, model:                           {model_right / total:.3f}")
    print(f"role (7 classes), model:                      {role_right / total:.3f}")


def _extraction(
    golds: list[GoldArticle], model_for: Callable[[GoldArticle], ViewModel | None]
) -> dict[str, object]:
    runs: list[dict[str, Matching]] = []
    for gold in golds:
        raw = _read_article(gold)
        if raw is None:
            continue
        proposal = extract_event(raw, role_model=model_for(gold))
        runs.append(score_article(proposal_items(proposal), gold))
    return dict(total_scores(runs))


def extraction(split: str, golds: list[GoldArticle], examples: list[Example]) -> None:
    """Every field with the rules alone and with the model, per split."""
    if not golds:
        return
    if split == "dev":
        cache: dict[str, RoleModel] = {}

        def left_out(gold: GoldArticle) -> ViewModel:
            if gold.file not in cache:
                cache[gold.file] = RoleModel([e for e in examples if e.source != gold.file])
            return cache[gold.file]

        model_for: Callable[[GoldArticle], ViewModel | None] = left_out
        note = "model trained without the article's own gold spans"
    else:
        whole = RoleModel(examples)
        model_for = lambda gold: whole  # noqa: E731
        note = "model trained on every labelled sentence (no held-out gold among them)"
    print(f"\n=== {split}: {len(golds)} gold articles")
    print_table("rules alone", _extraction(golds, lambda gold: None))  # type: ignore[arg-type]
    print_table(f"rules and model ({note})", _extraction(golds, model_for))  # type: ignore[arg-type]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="regenerate the gold sentences")
    parser.add_argument("--dev-only", action="store_true", help="leave the held-out split out")
    args = parser.parse_args(argv)
    if args.write:
        return write_gold_sentences()
    examples = training_examples()
    sentence_level(examples)
    if not NEWS_DIR.exists():
        print(f"{NEWS_DIR} is not available: the extraction tables are skipped.")
        return 0
    extraction("dev", load_gold(), examples)
    if not args.dev_only:
        extraction("held-out", load_gold(HELDOUT_DIR), examples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
