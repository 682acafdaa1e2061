"""Every row of the shared dev conversations through the real REST channel (issue 11).

A new sender per row, the turns in order; the last answer must hold the key facts (the same
rule as the dev questions; ``DATE:YYYY-MM-DD`` is any way the bot writes that date). ≥ 95%.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import uuid
from pathlib import Path

from answer_check import contains_key_facts

DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev_conversations.tsv"
TARGET = 0.95


def date_checks(checks: str) -> str:
    """``DATE:2026-06-03`` → the ways an answer writes that date (西暦, 和暦, slashes)."""
    if not checks.startswith("DATE:"):
        return checks
    day = dt.date.fromisoformat(checks[5:].strip())
    reiwa = day.year - 2018
    return "|".join([f"{day.year}年{day.month}月{day.day}日", f"{day.year}/{day.month}/{day.day}",
                     f"令和{reiwa}年{day.month}月{day.day}日", day.strftime("%-d %B %Y")])


def test_dev_conversations_end_with_key_facts(bot):
    with open(DEV, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    misses = []
    for row in rows:
        sender = f"conv-{row['id']}-{uuid.uuid4().hex[:8]}"
        turns = [t.strip() for t in row["turns"].split("⏎") if t.strip()]
        answer = ""
        for turn in turns:
            answer = bot.text(turn, sender=sender)
        if not contains_key_facts(answer, date_checks(row["checks"])):
            misses.append(f"{row['id']} {' ⏎ '.join(turns)}\n   expected: {row['checks']}\n"
                          f"   got: {answer!r}")
    score = 1 - len(misses) / len(rows)
    print(f"\ndev conversations: {len(rows) - len(misses)}/{len(rows)} = {score:.1%}")
    results = Path(__file__).resolve().parents[2] / "results"
    results.mkdir(exist_ok=True)
    (results / "dev-conversations.json").write_text(json.dumps(
        {"asked": len(rows), "with_key_facts": len(rows) - len(misses), "score": round(score, 4),
         "misses": misses}, ensure_ascii=False, indent=2), encoding="utf-8")
    for miss in misses:
        print("MISS", miss)
    assert score >= TARGET, "\n".join(misses)
