"""Whom to call right now: routes by the current Japan time (maina.clock.now), the matter and
the caller (maina.contact), and says the number that answers now or when it opens.

The matter comes from the message and the topic in play (a lost card: the 24-hour suspension
line; a counter matter: the city office), the caller from what the resident said before
(slot ``caller``: cannot phone, IP phone, another language) or the conversation's language.
Texts: ``utter_call_now_<code>`` in data/responses/calculator.yml.
"""
from __future__ import annotations

import datetime as dt
from typing import List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import case as ctx
from maina import case, clock, contact, facts


def _time(value: Optional[dt.time]) -> Optional[str]:
    return f"{value.hour}:{value.minute:02d}" if value else None


def caller_of(tracker: Tracker) -> Optional[str]:
    """Who calls: what they said (slot ``caller``), else someone not writing Japanese."""
    said = tracker.get_slot("caller")
    if said in contact.CALLERS:
        return said
    if tracker.get_slot("language") not in (None, "ja"):
        return case.FOREIGN
    return None


class ActionCallNow(Action):
    def name(self) -> Text:
        return "action_call_now"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        lang = ctx.language(tracker)
        text = (tracker.latest_message or {}).get("text") or ""
        typed = not text.startswith("/")
        matter = contact.matter_for(ctx.topic_in_play(tracker.events),
                                    wants_to_stop=typed and case.wants_to_stop(text),
                                    city_office=typed and case.mentions_city_office(text))
        route = contact.route(matter, caller_of(tracker), clock.now())
        opens = route.line.next_open
        dispatcher.utter_message(response=f"utter_call_now_{route.code}", **ctx.values(
            number=facts.value(route.number),
            suspend_number=facts.value(route.suspend_number),
            closes=_time(route.line.closes),
            opens=_time(opens.time()) if opens else None,
            open_day=ctx.day_text(opens.date(), lang) if opens else None,
        ))
        return []
