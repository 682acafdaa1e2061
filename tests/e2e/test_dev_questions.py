"""Every row of the shared dev questions, asked through the real REST channel (≥ 95%)."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from answer_check import contains_key_facts

DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev_questions.tsv"
TARGET = 0.95


def load_rows():
    with open(DEV, encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_dev_questions_contain_key_facts(bot):
    rows = load_rows()
    misses = []
    for row in rows:
        answer = bot.text(row["question"], sender=f"dev-{row['id']}")
        if not contains_key_facts(answer, row["checks"]):
            misses.append(f"{row['id']} {row['question']}\n   expected: {row['checks']}\n   got: {answer!r}")
    score = 1 - len(misses) / len(rows)
    print(f"\ndev questions: {len(rows) - len(misses)}/{len(rows)} = {score:.1%}")
    results = Path(__file__).resolve().parents[2] / "results"
    results.mkdir(exist_ok=True)
    (results / "dev-questions.json").write_text(json.dumps(
        {"asked": len(rows), "with_key_facts": len(rows) - len(misses), "score": round(score, 4),
         "misses": misses}, ensure_ascii=False, indent=2), encoding="utf-8")
    for miss in misses:
        print("MISS", miss)
    assert score >= TARGET, "\n".join(misses)
