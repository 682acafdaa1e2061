#!/usr/bin/env python3
"""Held-out intent accuracy of a trained model, as `rasa test nlu` computes it, but fast.

    .venv/bin/python -m bench.nlu_accuracy MODEL TEST_DATA OUT.json

Same loop as ``rasa.nlu.test.get_eval_data`` (each example through the model's NLU graph,
the FallbackClassifier's prediction undone so the top real intent counts, examples without
an intent left out) and the same metrics (scikit-learn's ``classification_report`` and
accuracy over intent names). The one difference: messages are parsed with
``only_output_properties=True``, as the server does. `rasa test nlu` keeps every property,
and ``undo_fallback_prediction`` then deep-copies the whole message, which for the stock
pipeline includes the spaCy ``Doc`` with its 600,000-string vocabulary: 1–8 s per fallback
example on this machine, so `rasa test nlu` on the stock model took longer than the rest of
the benchmark. bench/run_bench.py --accuracy-with-rasa-test uses `rasa test nlu` instead.
"""
from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


async def evaluate(model: str, data: str) -> dict:
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage
    from rasa.nlu.classifiers import fallback_classifier
    from rasa.shared.nlu.training_data.loading import load_data
    from sklearn.metrics import accuracy_score, classification_report

    agent = Agent.load(model)
    test_data = load_data(data)
    targets, predictions = [], []
    started = time.monotonic()
    for example in test_data.nlu_examples:
        target = example.get("intent")
        if not target:
            continue
        result = await agent.processor.parse_message(UserMessage(text=example.get("text")))
        if fallback_classifier.is_fallback_classifier_prediction(result):
            result = fallback_classifier.undo_fallback_prediction(result)
        targets.append(target)
        predictions.append((result.get("intent") or {}).get("name"))
    report = classification_report(targets, predictions, output_dict=True, zero_division=0)
    return {
        "accuracy": accuracy_score(targets, predictions),
        "macro_f1": report["macro avg"]["f1-score"],
        "examples": len(targets),
        "seconds": round(time.monotonic() - started, 1),
        "errors": [{"text": e.get("text"), "intent": t, "predicted": p}
                   for e, t, p in zip([x for x in test_data.nlu_examples if x.get("intent")],
                                      targets, predictions) if t != p],
    }


def main() -> int:
    model, data, out = sys.argv[1:4]
    result = asyncio.run(evaluate(model, data))
    Path(out).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"intent accuracy {result['accuracy']:.4f} on {result['examples']} examples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
