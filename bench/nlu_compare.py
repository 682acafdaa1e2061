#!/usr/bin/env python3
"""Choose the NLU pipeline by measurement: k-fold cross-validation on the training data and
accuracy on the held-out set (tests/nlu), for every config in bench/nlu_configs/.

    python bench/nlu_compare.py [--folds 5] [config.yml ...]

Writes results/nlu-compare.md (a table) and prints it.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RASA = str(ROOT / ".venv" / "bin" / "rasa")


def run(command, out_dir: Path) -> float:
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - started


def report(path: Path) -> dict:
    data = json.loads(path.read_text())
    return {"accuracy": data["accuracy"], "f1": data["macro avg"]["f1-score"]}


def evaluate(config: Path, folds: int) -> dict:
    name = config.stem
    out = ROOT / "results" / "nlu-compare" / name
    cv_seconds = run([RASA, "test", "nlu", "--nlu", "data/nlu", "--config", str(config),
                      "--cross-validation", "--folds", str(folds), "--out", str(out / "cv"),
                      "--no-plot"], out)
    train_seconds = run([RASA, "train", "nlu", "--nlu", "data/nlu", "--config", str(config),
                         "--out", str(out), "--fixed-model-name", "model"], out)
    run([RASA, "test", "nlu", "--nlu", "tests/nlu", "--model", str(out / "model.tar.gz"),
         "--out", str(out / "holdout"), "--no-plot"], out)
    cv, holdout = report(out / "cv" / "intent_report.json"), report(out / "holdout" / "intent_report.json")
    return {"config": name, "cv_accuracy": cv["accuracy"], "cv_f1": cv["f1"],
            "holdout_accuracy": holdout["accuracy"], "holdout_f1": holdout["f1"],
            "train_seconds": train_seconds, "cv_seconds": cv_seconds}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("configs", nargs="*")
    args = parser.parse_args()
    configs = [Path(c) for c in args.configs] or sorted((ROOT / "bench" / "nlu_configs").glob("*.yml"))
    rows = []
    for config in configs:
        print(f"evaluating {config.stem} ...", flush=True)
        rows.append(evaluate(config, args.folds))
    lines = ["| config | CV accuracy | CV macro F1 | held-out accuracy | held-out macro F1 | NLU train s |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        lines.append(f"| {r['config']} | {r['cv_accuracy']:.1%} | {r['cv_f1']:.3f} | "
                     f"{r['holdout_accuracy']:.1%} | {r['holdout_f1']:.3f} | {r['train_seconds']:.0f} |")
    table = "\n".join(lines)
    confusions = "\n\n".join(confusion_table(c.stem) for c in configs)
    (ROOT / "results").mkdir(exist_ok=True)
    (ROOT / "results" / "nlu-compare.md").write_text(
        f"{args.folds}-fold cross-validation on data/nlu and held-out tests/nlu\n\n{table}\n\n"
        f"{confusions}\n")
    print(table)
    print(confusions)
    return 0


def confusion_table(name: str, top: int = 15) -> str:
    """The most frequent confusions of the cross-validation (from Rasa's intent_errors.json)."""
    errors = json.loads((ROOT / "results" / "nlu-compare" / name / "cv" / "intent_errors.json").read_text())
    counts: dict = {}
    for error in errors:
        pair = (error["intent"], error["intent_prediction"]["name"])
        counts[pair] = counts.get(pair, 0) + 1
    lines = [f"Most frequent confusions in cross-validation ({name}, {len(errors)} errors):", "",
             "| intent | taken for | times |", "| --- | --- | ---: |"]
    for (intent, predicted), count in sorted(counts.items(), key=lambda kv: -kv[1])[:top]:
        lines.append(f"| {intent} | {predicted} | {count} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
