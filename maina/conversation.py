"""The conversation's effect on an answer: the topic in play and the resident's situation.

Plain Python, no Rasa: the tables live in maina/conversation.yml, the texts in
data/responses/. maina_rasa.nlg calls :func:`choose` for every response it renders.

* **Topic in play.** Every answer leaves a topic (「カードなくした」 → ``lost``). A follow-up
  without a topic word (「いくら？」 = ``followup_cost``) is answered for that topic
  (``utter_reissue_fee``); a few topic intents too, where the topic changes their meaning
  (「再発行してもらえる？」 after the notification card: it is never re-issued).
* **Situations.** Cues in the message change the answer whatever the topic: a resident who
  cannot phone gets the fax number first, an urgent one the express issue, a bereaved one
  condolences and what happens to the deceased's card, an upset one an apology first.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, List, Mapping, Optional, Pattern, Sequence, Tuple

import yaml

PATH = Path(__file__).resolve().parent / "conversation.yml"
FOLLOWUP_PREFIX = "followup_"
# When the model is unsure (the ask-back), the topic in play decides between its best guesses:
# the first guess, down to this confidence, that the topic answers is taken.
ASK_BACK = "utter_ask_rephrase"
MIN_GUESS_CONFIDENCE = 0.1
GUESSES = 3
# A follow-up that also names a topic (「更新は無料？」): the topic guess must reach this, and
# more to replace a topic already in play (a stray second guess must not).
NAMED_TOPIC_CONFIDENCE = 0.15
NAMED_OVER_PLAY_CONFIDENCE = 0.3
# A message that names the card itself is about the card, whatever topic is in play: the
# topic's re-reading of a topic intent (not of a follow-up) is skipped for it.
_NAMES_THE_CARD = re.compile(r"マイナンバーカード|マイナカード|個人番号カード|my ?number ?card|myna ?card")


@dataclass(frozen=True)
class Topic:
    name: str
    label: Mapping[str, str]
    intents: FrozenSet[str]
    responses: FrozenSet[str]
    answers: Mapping[str, str]


@dataclass(frozen=True)
class Situation:
    name: str
    cues: Tuple[Pattern[str], ...]
    unless: Tuple[Pattern[str], ...]
    replace: Mapping[str, str]
    opening: Optional[str]
    opening_not_with: FrozenSet[str]

    def applies_to(self, text: str) -> bool:
        return any(c.search(text) for c in self.cues) and not any(
            u.search(text) for u in self.unless
        )


@dataclass(frozen=True)
class Choice:
    """What to say: the response to render, the topic it leaves in play, an opening."""

    response: str
    topic: Optional[str]
    opening: Optional[str] = None
    situations: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Tables:
    topics: Mapping[str, Topic]
    topic_of_intent: Mapping[str, str]
    topic_of_response: Mapping[str, str]
    situations: Tuple[Situation, ...]


def _compile(patterns: List[str]) -> Tuple[Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns or [])


def load(path: Path = PATH) -> Tables:
    """Parse and check conversation.yml (an intent belongs to one topic at most)."""
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    topics: Dict[str, Topic] = {}
    topic_of_intent: Dict[str, str] = {}
    topic_of_response: Dict[str, str] = {}
    for name, entry in raw["topics"].items():
        topic = Topic(
            name=name,
            label=dict(entry.get("label") or {}),
            intents=frozenset(entry.get("intents") or []),
            responses=frozenset(entry.get("responses") or []),
            answers=dict(entry.get("answers") or {}),
        )
        topics[name] = topic
        for intent in topic.intents:
            if intent in topic_of_intent:
                raise ValueError(f"{path}: intent {intent!r} is in topics "
                                 f"{topic_of_intent[intent]!r} and {name!r}")
            topic_of_intent[intent] = name
            topic_of_response[f"utter_{intent}"] = name
        for response in topic.responses:
            topic_of_response[response] = name
    situations = tuple(
        Situation(
            name=name,
            cues=_compile(entry.get("cues")),
            unless=_compile(entry.get("unless")),
            replace=dict(entry.get("replace") or {}),
            opening=entry.get("opening"),
            opening_not_with=frozenset(entry.get("opening_not_with") or []),
        )
        for name, entry in (raw.get("situations") or {}).items()
    )
    return Tables(topics, topic_of_intent, topic_of_response, situations)


@functools.lru_cache(maxsize=1)
def tables() -> Tables:
    return load()


def cue_text(text: Optional[str]) -> str:
    """The message as situation cues and card names are matched: NFKC, lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def is_followup(intent: Optional[str]) -> bool:
    return bool(intent) and intent.startswith(FOLLOWUP_PREFIX)


def choose(
    response: str,
    intent: Optional[str],
    text: Optional[str],
    topic_in_play: Optional[str],
    situations_in_play: Tuple[str, ...] = (),
    opening_allowed: bool = True,
    ranking: Sequence[Tuple[str, float]] = (),
    table: Optional[Tables] = None,
) -> Choice:
    """The response to render instead of ``response`` (what the dialogue rules picked).

    ``intent`` and ``text`` are the resident's latest message; ``topic_in_play`` the topic
    of the latest earlier answer that had one, ``situations_in_play`` the situations found
    for that answer: they still change the answer (「急いでる、なくした」 then 「いくら？」 →
    the express fee) but say no opening again. ``opening_allowed`` is False after the first
    message of a turn (an opening is said once). ``ranking`` = the model's guesses
    (intent, confidence), best first: when the rules picked the ask-back because the model
    was unsure, a guess that fits the topic in play is answered instead (「署名用は何桁？」 after
    a PIN answer: the PIN overview, not "which one did you mean?").
    """
    table = table or tables()
    message = cue_text(text)
    chosen = response

    in_play = table.topics.get(topic_in_play or "")
    if is_followup(intent):
        # 「更新は無料？」: the follow-up names its topic itself, and the model's next guess
        # says which (renewal_procedure → the renewal topic); that beats the topic in play.
        floor = NAMED_TOPIC_CONFIDENCE if in_play is None else NAMED_OVER_PLAY_CONFIDENCE
        in_play = _topic_named(table, intent, ranking, floor) or in_play
    from_topic = False
    if response == ASK_BACK and in_play is not None:
        guess = _guess_in_topic(in_play, ranking)
        if guess is not None:  # then answered like a message classified as the guess
            intent, response = guess, f"utter_{guess}"
            chosen = response
    if in_play is not None and intent is not None and response == f"utter_{intent}" \
            and intent in in_play.answers:
        if is_followup(intent) or not _NAMES_THE_CARD.search(message):
            chosen, from_topic = in_play.answers[intent], True

    topic = in_play.name if from_topic else None
    return _with_situations(table, chosen, topic, message, intent, situations_in_play,
                            opening_allowed, from_topic, response, in_play)


def _topic_named(table: Tables, followup: Optional[str],
                 ranking: Sequence[Tuple[str, float]], floor: float) -> Optional[Topic]:
    """The topic of the model's best topic guess that answers ``followup``, if confident enough."""
    for name, confidence in list(ranking)[:GUESSES]:
        if confidence < floor:
            break
        topic = table.topics.get(table.topic_of_intent.get(name, ""))
        if topic is not None and followup in topic.answers:
            return topic
    return None


def _guess_in_topic(topic: Topic, ranking: Sequence[Tuple[str, float]]) -> Optional[str]:
    for name, confidence in list(ranking)[:GUESSES]:
        if confidence < MIN_GUESS_CONFIDENCE:
            break
        if name in topic.intents or (is_followup(name) and name in topic.answers):
            return name
    return None


def _with_situations(
    table: Tables,
    chosen: str,
    topic: Optional[str],
    message: str,
    intent: Optional[str],
    situations_in_play: Tuple[str, ...],
    opening_allowed: bool,
    from_topic: bool,
    response: Optional[str] = None,
    in_play: Optional[Topic] = None,
) -> Choice:
    """Apply the situations, then name the topic the answer leaves in play."""
    response = response or chosen
    opening, applied = None, []
    for situation in table.situations:
        said_now = situation.applies_to(message)
        # an earlier situation carries over only to a follow-up on the same topic
        carried = from_topic and is_followup(intent) and situation.name in situations_in_play
        if not (said_now or carried):
            continue
        applied.append(situation.name)
        chosen = situation.replace.get(chosen, chosen)
        if (said_now and opening is None and situation.opening and opening_allowed
                and chosen not in situation.opening_not_with):
            opening = situation.opening

    if topic is None:
        topic = table.topic_of_response.get(chosen) or table.topic_of_response.get(response)
        if topic is None and not is_followup(intent):
            topic = table.topic_of_intent.get(intent or "")
        if topic is None and in_play is not None and is_followup(intent):
            topic = in_play.name  # the ask-back keeps the topic for the next try
    return Choice(chosen, topic, opening, tuple(applied))
