#!/usr/bin/env python3
"""Fast feedback for content writers: 5-fold cross-validation of the training examples with a
scikit-learn stand-in for the Rasa pipeline (normalised text, char n-gram TF-IDF, linear SVM).

It runs in seconds, so use it while writing examples; the numbers that count come from the
real pipeline (`bench/nlu_compare.py`, `scripts/nlu_eval.py`).

    python scripts/nlu_quick_cv.py [--intents a,b,c]
"""
from __future__ import annotations

import argparse
import glob
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from maina.normalize import normalize  # noqa: E402


def load(pattern: str):
    texts, labels = [], []
    for path in sorted(glob.glob(str(ROOT / pattern))):
        for block in (yaml.safe_load(open(path, encoding="utf-8")) or {}).get("nlu", []):
            if "intent" not in block:
                continue
            for line in block["examples"].splitlines():
                line = line.strip()
                if line.startswith("- "):
                    texts.append(normalize(line[2:]))
                    labels.append(block["intent"])
    return texts, np.array(labels)


def model():
    return make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True),
        LinearSVC(C=1.0, class_weight="balanced"),
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--intents", default="", help="comma-separated intents to report on")
    args = parser.parse_args()
    texts, labels = load("data/nlu/*.yml")
    predicted = cross_val_predict(model(), texts, labels,
                                  cv=StratifiedKFold(5, shuffle=True, random_state=0))
    wrong = predicted != labels
    print(f"5-fold CV accuracy: {1 - wrong.mean():.1%} on {len(texts)} examples, "
          f"{len(set(labels))} intents")
    test_texts, test_labels = load("tests/nlu/*.yml")
    fitted = model().fit(texts, labels)
    print(f"held-out accuracy: {(fitted.predict(test_texts) == test_labels).mean():.1%} "
          f"on {len(test_texts)} examples")
    wanted = set(filter(None, args.intents.split(",")))
    totals, errors = Counter(labels), Counter(labels[wrong])
    print("\nworst intents (CV error rate):")
    for intent in sorted(totals, key=lambda k: -errors[k] / totals[k])[:20]:
        if not wanted or intent in wanted:
            print(f"  {errors[intent] / totals[intent]:.0%}  {intent} ({totals[intent]} examples)")
    print("\nmost confused (gold → predicted):")
    for (gold, pred), count in Counter(zip(labels[wrong], predicted[wrong])).most_common(25):
        if not wanted or gold in wanted or pred in wanted:
            print(f"  {count} × {gold} → {pred}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
