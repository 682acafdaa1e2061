#!/usr/bin/env python3
"""Intent accuracy on the held-out examples in tests/nlu/ (never in the training data).

    python scripts/nlu_eval.py --model models/maina.tar.gz --test-dir tests/nlu [--min 0.85]

Prints accuracy, macro F1 and the confused pairs; writes results/nlu-holdout.json.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="models/maina.tar.gz")
    parser.add_argument("--test-dir", default="tests/nlu")
    parser.add_argument("--out", default="results/nlu-holdout")
    parser.add_argument("--min", type=float, default=0.85, help="fail below this accuracy")
    args = parser.parse_args()
    subprocess.run(
        [str(ROOT / ".venv/bin/rasa"), "test", "nlu", "--model", args.model, "--nlu",
         args.test_dir, "--out", args.out, "--no-plot", "--quiet"],
        cwd=ROOT, check=True,
    )
    report = json.loads((ROOT / args.out / "intent_report.json").read_text())
    errors = json.loads((ROOT / args.out / "intent_errors.json").read_text())
    accuracy = report["accuracy"]
    total = int(report["macro avg"]["support"])
    confused = Counter(
        (e["intent"], e["intent_prediction"]["name"]) for e in errors
    ).most_common(15)
    summary = {"examples": total, "accuracy": round(accuracy, 4),
               "macro_f1": round(report["macro avg"]["f1-score"], 4)}
    (ROOT / "results").mkdir(exist_ok=True)
    (ROOT / "results" / "nlu-holdout.json").write_text(json.dumps(summary, indent=2))
    print(f"held-out intent accuracy: {accuracy:.1%} on {total} examples "
          f"(macro F1 {summary['macro_f1']:.3f})")
    for (gold, predicted), count in confused:
        print(f"  {count} × {gold} → {predicted}")
    return 0 if accuracy >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
