#!/usr/bin/env python3
"""Print the top intents and entities the trained model gives for each text (a dev tool).

    python scripts/nlu_probe.py "カードなくした" "期限いつまで？"
    python scripts/nlu_probe.py --dev      # every dev question, marking low confidence
"""
from __future__ import annotations

import asyncio
import csv
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


async def main(texts):
    from rasa.core.agent import Agent

    agent = Agent.load(str(ROOT / "models" / "maina.tar.gz"))
    for text in texts:
        result = await agent.parse_message(text)
        ranking = result.get("intent_ranking", [])[:3]
        top = ", ".join(f"{r['name']} {r['confidence']:.2f}" for r in ranking)
        entities = [(e["entity"], e.get("role"), e["value"]) for e in result.get("entities", [])]
        print(f"{text[:40]:<40} | {top} {entities if entities else ''}")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args == ["--dev"]:
        dev = ROOT.parent / "shared" / "eval" / "dev_questions.tsv"
        with open(dev, encoding="utf-8") as handle:
            args = [row["question"] for row in csv.DictReader(handle, delimiter="\t")]
    asyncio.run(main(args))
