#!/usr/bin/env python3
"""`rasa data validate`, failing on every warning except the explained ones below.

Rasa's validator does not know that a form asks for its slots with `utter_ask_<slot>`
responses, so it reports them as unused; each explained warning says why it is fine.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

EXPLAINED = {
    r"The utterance 'utter_ask_(birth_date|issue_date|stay_end_date)' is not used in any story or rule":
        "asked by lifecycle_form for its slot (Rasa's form prompt convention)",
    r"The utterance 'utter_lifecycle_\w+' is not used in any story or rule":
        "said by the calculator's actions (actions/lifecycle.py) for results and re-asks",
    r"The utterance 'utter_ask_(case_reason|loss_date|case_proof|move_date|move_direction|pin_kind)' "
    r"is not used in any story or rule":
        "asked by fee_form / move_form / pin_form for their slots (issue 14)",
    r"The utterance 'utter_(fee|deadline|call_now)_\w+' is not used in any story or rule":
        "said by the calculator's actions (actions/fee.py, moving.py, call_now.py) by answer code",
    r"The intent 'other_language' is not used in any story or rule|intent 'other_language' .*no training examples|"
    r"The intent 'other_language' is listed in the domain file, but is not found in the NLU training data":
        "set by maina_rasa.nlu.language.OtherLanguageRouter from the detected language, never trained",
}


def conversation_responses() -> set:
    """Responses that maina/conversation.yml names: maina_rasa.nlg says them for a follow-up or
    a situation, so no rule needs to name them."""
    sys.path.insert(0, str(ROOT))
    from maina import conversation

    tables = conversation.load()
    names = set()
    for topic in tables.topics.values():
        names.update(topic.answers.values())
    for situation in tables.situations:
        names.update(situation.replace.values())
        names.update([situation.opening] if situation.opening else [])
    return names


def explain(message: str) -> "str | None":
    reason = next((why for pattern, why in EXPLAINED.items() if re.search(pattern, message)), None)
    if reason:
        return reason
    unused = re.search(r"The utterance '(\w+)' is not used in any story or rule", message)
    if unused and unused.group(1) in conversation_responses():
        return "said for a follow-up or a situation (maina/conversation.yml, via maina_rasa.nlg)"
    return None
# Library noise, not about the project's data.
IGNORED = re.compile(r"DeprecationWarning|MovedIn20Warning|pkg_resources|declare_namespace|"
                     r"tensorflow|oneDNN|cuda|TensorRT|AVX|rebuild TensorFlow|More info at")
WARNING = re.compile(r"UserWarning: (.*)|WARNING\s+\S+\s+-\s+(.*)")


def main() -> int:
    result = subprocess.run(
        [str(ROOT / ".venv/bin/rasa"), "data", "validate"],
        cwd=ROOT, capture_output=True, text=True,
    )
    output = result.stdout + result.stderr
    unexplained = []
    for line in output.splitlines():
        if IGNORED.search(line):
            continue
        match = WARNING.search(line)
        if not match:
            continue
        message = (match.group(1) or match.group(2)).strip()
        reason = explain(message)
        if reason:
            print(f"explained: {message}  ({reason})")
        else:
            unexplained.append(message)
    for message in unexplained:
        print(f"WARNING: {message}")
    if result.returncode != 0 or unexplained:
        print(output[-3000:] if result.returncode != 0 else "", file=sys.stderr)
        print(f"validation failed: exit {result.returncode}, {len(unexplained)} unexplained warning(s)")
        return 1
    print("rasa data validate: no errors, no unexplained warnings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
