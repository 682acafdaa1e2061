"""Two questions in one message → two messages for the assistant (issue 11).

「なくしたけど、再発行はいくら？何日かかる？」 asks two things. Rasa gives one intent per message,
so the channels hand each question to Rasa as its own message, in order; the second one
(「何日かかる？」) is then a follow-up answered for the topic the first one put in play.

Statements belong to the question they lead up to (「父が亡くなりました。カードは返すの？」 is one
question), a statement after the last question belongs to it, and a message with a date is
never split (the calculator reads all its dates together; maina.dates says what a date is).
No Rasa.
"""
from __future__ import annotations

import re
from typing import List

from maina import clock, dates

MAX_PARTS = 3
# A sentence ends at 。！？!? (and runs of them) or a line break; "." only before a space/end
# in Latin text (2.5 or e.g. must not end a sentence).
_SENTENCE = re.compile(r"[^。！？!?\n]*?(?:[。！？!?]+|\.(?=\s|$)|\n|$)")
_QUESTION_MARK = re.compile(r"[？?]\s*$")
# A Japanese sentence that asks without a question mark: 〜ますか。 〜の？ 〜教えて 〜知りたい
_JA_QUESTION_END = re.compile(
    r"(?:か|かな|かしら|の|でしょう|って(?:何|なに)|とは|教えて(?:ください|下さい|ほしい)?|知りたい(?:です)?"
    r"|どうすれば(?:いい)?|どうしたら(?:いい)?|いい(?:です)?か)[。!！\s]*$"
)
_EN_QUESTION_START = re.compile(
    r"^\s*(?:how|what|when|where|which|who|why|can|could|do|does|did|is|are|should|will|may|must)\b",
    re.IGNORECASE,
)
_CONTENT = re.compile(r"[^\s。、,.！？!?「」『』()（）]")
MIN_QUESTION_CHARS = 3


def _is_question(sentence: str) -> bool:
    stripped = sentence.strip()
    if _QUESTION_MARK.search(stripped):
        return True
    if _JA_QUESTION_END.search(stripped):
        return True
    return bool(_EN_QUESTION_START.match(stripped)) and not re.search(r"[ぁ-んァ-ヶ一-龥]", stripped)


def _content_length(text: str) -> int:
    return len(_CONTENT.findall(text))


def split_questions(text: str, max_parts: int = MAX_PARTS) -> List[str]:
    """The questions of ``text`` in order, each with the statements leading up to it.

    Returns ``[text]`` (unchanged) when there are fewer than two questions, for a button
    payload, and for a message with a date or an age.
    """
    # dates and ages (maina.dates decides what is one): the calculator reads them together
    if not text or text.lstrip().startswith("/") or dates.tells_date(text, clock.today()):
        return [text]
    sentences = [s for s in _SENTENCE.findall(text) if s.strip()]
    groups: List[str] = []
    pending = ""
    for sentence in sentences:
        pending += sentence
        if _is_question(sentence) and _content_length(pending) >= MIN_QUESTION_CHARS:
            groups.append(pending)
            pending = ""
    if pending.strip():
        if groups:
            groups[-1] += pending
        else:
            groups.append(pending)
    if len(groups) < 2:
        return [text]
    if len(groups) > max_parts:
        groups = groups[: max_parts - 1] + ["".join(groups[max_parts - 1:])]
    return [g.strip() for g in groups]
