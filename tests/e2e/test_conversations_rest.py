"""Conversations the way residents have them, through the real REST channel (issue 11).

Written for this project (tests/e2e/data/conversations.tsv), not taken from the shared dev
set: follow-ups without a topic word, no topic in play, two questions at once, negation,
urgency, bereavement, no phone, an upset resident, new topics and other languages. The last
answer of each row must hold its key facts (the dev-set rule). All rows must pass.
"""
from __future__ import annotations

import csv
import uuid
from pathlib import Path

import pytest

from answer_check import contains_key_facts

ROWS = list(csv.DictReader(
    open(Path(__file__).parent / "data" / "conversations.tsv", encoding="utf-8"), delimiter="\t"))


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_conversation(bot, row):
    sender = f"talk-{row['id']}-{uuid.uuid4().hex[:8]}"
    answer = ""
    for turn in [t.strip() for t in row["turns"].split("⏎")]:
        answer = bot.text(turn, sender=sender)
    assert contains_key_facts(answer, row["checks"]), f"{row['what it tests']}: {answer!r}"
