"""The benchmark's question mix: what residents send, as whole conversations of a fixed length.

    .venv/bin/python -m bench.mix --turns 3 [--out FILE]     # prints / writes the conversations

Every load level of `make bench` (bench/run_bench.py) and the answer-equality check
(bench/check_answers.py) ask the same conversations, built here from four kinds of *units*
(one unit = one question, or a question and the follow-ups that belong to it):

* the bench questions (bench/questions.txt: held-out examples of tests/nlu, Japanese);
* the dev questions (../shared/eval/dev_questions.tsv) and the dev conversations
  (../shared/eval/dev_conversations.tsv: 「特急発行って何？ ⏎ いくら？」, some in English) —
  skipped with a note if shared/ is not beside the checkout;
* follow-ups after a topic: every held-out follow-up of tests/nlu/followup.yml (「それっていくら
  するの？」) after a held-out question of a topic that answers it (maina/conversation.yml:
  a topic whose ``answers`` list that follow-up intent), so the topic in play is used;
* English: held-out examples of tests/nlu/english.yml (every third one).

The units are shuffled once (fixed seed) and cut into conversations of ``turns`` questions:
whole units are taken in order; a unit that does not fit in what is left of a conversation
waits for the next one (a follow-up is never separated from its topic), and a unit longer than
a conversation is cut. A file has one conversation per line, questions separated by " ⏎ "
(what maina_ops/locustfile.py reads with MAINA_LOAD_CONVERSATIONS).
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import yaml

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "bench" / "questions.txt"
TESTS_NLU = ROOT / "tests" / "nlu"
CONVERSATION_TABLES = ROOT / "maina" / "conversation.yml"
SHARED_EVAL = ROOT.parent / "shared" / "eval"
SEPARATOR = " ⏎ "
SEED = 17
ENGLISH_EVERY = 3

Unit = List[str]


def bench_questions(path: Path = QUESTIONS) -> List[Unit]:
    return [[line.strip()] for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def _tsv(path: Path) -> List[Dict[str, str]]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def dev_units(shared_eval: Path = SHARED_EVAL) -> List[Unit]:
    units = [[row["question"].strip()] for row in _tsv(shared_eval / "dev_questions.tsv")]
    for row in _tsv(shared_eval / "dev_conversations.tsv"):
        units.append([turn.strip() for turn in row["turns"].split("⏎") if turn.strip()])
    return units


def held_out(path: Path) -> Dict[str, List[str]]:
    """intent → its held-out examples (Rasa YAML test data)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: Dict[str, List[str]] = {}
    for item in document.get("nlu") or []:
        if "intent" in item and "examples" in item:
            out[item["intent"]] = [line.strip()[2:].strip()
                                   for line in str(item["examples"]).splitlines()
                                   if line.strip().startswith("- ")]
    return out


def followup_units(tests: Path = TESTS_NLU, tables: Path = CONVERSATION_TABLES) -> List[Unit]:
    """Each held-out follow-up after a held-out question of a topic that answers it."""
    examples: Dict[str, List[str]] = {}
    for path in sorted(tests.glob("*.yml")):
        if path.name != "english.yml":
            examples.update(held_out(path))
    topics = (yaml.safe_load(tables.read_text(encoding="utf-8")) or {}).get("topics") or {}
    units: List[Unit] = []
    for followup in sorted(name for name in examples if name.startswith("followup_")):
        openers = [question for topic in topics.values()
                   if followup in (topic.get("answers") or {})
                   for intent in topic.get("intents") or []
                   for question in examples.get(intent, [])]
        if not openers:
            continue
        for i, question in enumerate(examples[followup]):
            units.append([openers[(i * 7) % len(openers)], question])
    return units


def english_units(tests: Path = TESTS_NLU) -> List[Unit]:
    path = tests / "english.yml"
    if not path.exists():
        return []
    flat = [q for _intent, questions in sorted(held_out(path).items()) for q in questions]
    return [[q] for q in flat[::ENGLISH_EVERY]]


def units(shared_eval: Path = SHARED_EVAL) -> List[Unit]:
    """Every unit of the mix, shuffled with a fixed seed."""
    everything = bench_questions() + dev_units(shared_eval) + followup_units() + english_units()
    random.Random(SEED).shuffle(everything)
    return everything


def conversations(turns: int, source: Optional[Sequence[Unit]] = None) -> List[Unit]:
    """The units cut into conversations of exactly ``turns`` questions (the last one may be
    shorter); every unit is asked once."""
    if turns < 1:
        raise ValueError("turns must be at least 1")
    queue = [list(u[:turns]) for u in (units() if source is None else source)]
    out: List[Unit] = []
    while queue:
        conversation: Unit = []
        waiting: List[Unit] = []
        while queue and len(conversation) < turns:
            unit = queue.pop(0)
            if len(unit) <= turns - len(conversation):
                conversation += unit
            else:
                waiting.append(unit)
        queue = waiting + queue
        out.append(conversation)
    return out


def describe(source: Optional[Sequence[Unit]] = None) -> Dict[str, int]:
    """How many questions of each kind the mix has (for the report)."""
    dev = dev_units()
    return {
        "bench_questions": len(bench_questions()),
        "dev_questions": sum(1 for u in dev if len(u) == 1),
        "dev_conversation_turns": sum(len(u) for u in dev if len(u) > 1),
        "followup_pairs": len(followup_units()),
        "english_questions": len(english_units()),
        "questions": sum(len(u) for u in (units() if source is None else source)),
    }


def write(path: Path, turns: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(SEPARATOR.join(c) + "\n" for c in conversations(turns)),
                    encoding="utf-8")
    return path


def read(path: Path) -> List[Unit]:
    """Conversations of a file written by :func:`write`."""
    return [[t.strip() for t in line.split(SEPARATOR.strip()) if t.strip()]
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.out:
        write(args.out, args.turns)
        print(f"{args.out}: {describe()}")
    else:
        for conversation in conversations(args.turns):
            print(SEPARATOR.join(conversation))
    return 0


if __name__ == "__main__":
    sys.exit(main())
