"""Whom to call now: every routing case at the minutes around each boundary (Japan time).

2026-11-25 is a Wednesday, 2026-11-23 a public holiday (勤労感謝の日, a Monday), 2026-11-28 a
Saturday; 12/29–1/3 the year-end closure; 2027-01-04 the Monday it ends.
"""
from __future__ import annotations

import datetime as dt

import pytest

from maina import clock, contact, facts


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=clock.JST)


# (moment, matter, code, closes at, next opening)
CASES = [
    # weekday: the call centre 9:30–20:00, the counter 8:45–17:15
    ("2026-11-25T09:29", "card", "closed", None, "2026-11-25T09:30"),
    ("2026-11-25T09:30", "card", "open", "20:00", None),
    ("2026-11-25T17:30", "card", "open", "20:00", None),
    ("2026-11-25T19:59", "card", "open", "20:00", None),
    ("2026-11-25T20:00", "card", "closed", None, "2026-11-26T09:30"),
    ("2026-11-25T08:44", "counter", "counter_closed", None, "2026-11-25T08:45"),
    ("2026-11-25T08:45", "counter", "counter_open", "17:15", None),
    ("2026-11-25T17:14", "counter", "counter_open", "17:15", None),
    ("2026-11-25T17:15", "counter", "counter_closed", None, "2026-11-26T08:45"),
    ("2026-11-25T09:29", "system", "closed", None, "2026-11-25T09:30"),
    # Saturday: 9:30–17:30; the counter is closed until Monday
    ("2026-11-28T09:29", "card", "closed", None, "2026-11-28T09:30"),
    ("2026-11-28T09:30", "card", "open", "17:30", None),
    ("2026-11-28T17:29", "card", "open", "17:30", None),
    ("2026-11-28T17:30", "card", "closed", None, "2026-11-29T09:30"),
    ("2026-11-28T20:00", "card", "closed", None, "2026-11-29T09:30"),
    ("2026-11-28T21:00", "card", "closed", None, "2026-11-29T09:30"),
    ("2026-11-28T10:00", "counter", "counter_closed", None, "2026-11-30T08:45"),
    # a public holiday on a Monday: weekend hours, counter closed
    ("2026-11-23T09:29", "card", "closed", None, "2026-11-23T09:30"),
    ("2026-11-23T17:29", "card", "open", "17:30", None),
    ("2026-11-23T17:30", "card", "closed", None, "2026-11-24T09:30"),
    ("2026-11-23T10:00", "counter", "counter_closed", None, "2026-11-24T08:45"),
    # 28 December (Monday) is an ordinary weekday; the closure starts on the 29th
    ("2026-12-28T19:59", "card", "open", "20:00", None),
    ("2026-12-28T20:00", "card", "closed", None, "2027-01-04T09:30"),
    # 31 December and 3 January: everything but suspension is closed until 4 January
    ("2026-12-31T21:00", "card", "closed", None, "2027-01-04T09:30"),
    ("2026-12-31T10:00", "card", "closed", None, "2027-01-04T09:30"),
    ("2026-12-31T10:00", "counter", "counter_closed", None, "2027-01-04T08:45"),
    ("2027-01-03T12:00", "card", "closed", None, "2027-01-04T09:30"),
    ("2027-01-03T12:00", "counter", "counter_closed", None, "2027-01-04T08:45"),
    # 4 January (Monday): back to weekday hours
    ("2027-01-04T09:29", "card", "closed", None, "2027-01-04T09:30"),
    ("2027-01-04T09:30", "card", "open", "20:00", None),
    ("2027-01-04T08:45", "counter", "counter_open", "17:15", None),
]


@pytest.mark.parametrize("moment,matter,code,closes,next_open", CASES)
def test_route_at_the_boundaries(moment, matter, code, closes, next_open):
    got = contact.route(matter, None, at(moment))
    assert got.code == code
    assert got.line.closes == (contact.parse_time(closes) if closes else None)
    assert got.line.next_open == (at(next_open) if next_open else None)


@pytest.mark.parametrize("moment", ["2026-11-25T03:00", "2026-11-28T21:00", "2026-11-23T23:59",
                                    "2026-12-31T21:00", "2027-01-01T00:00", "2027-01-03T12:00"])
def test_suspension_is_open_always(moment):
    got = contact.route("suspend", None, at(moment))
    assert got.code == "suspend" and got.line.open_now and got.number == "hotline.free_dial"


# (matter, caller, number fact)
NUMBERS = [
    ("suspend", None, "hotline.free_dial"),
    ("suspend", "foreign", "hotline.foreign_card"),
    ("suspend", "ip_phone", "hotline.ip_phone_card"),
    ("suspend", "hearing", "hotline.fax_hearing"),
    ("card", "foreign", "hotline.foreign_card"),
    ("card", "ip_phone", "hotline.ip_phone_card"),
    ("system", None, "hotline.free_dial"),
    ("system", "foreign", "hotline.foreign_system"),
    ("system", "ip_phone", "hotline.ip_phone_system"),
    ("counter", None, "city.tel"),
    ("counter", "hearing", "city.fax"),
    ("counter", "foreign", "city.tel"),
]


@pytest.mark.parametrize("matter,caller,number", NUMBERS)
def test_number_by_matter_and_caller(matter, caller, number):
    assert contact.route(matter, caller, at("2026-11-25T10:00")).number == number


def test_the_numbers_are_the_guidebooks():
    assert facts.value("hotline.fax_hearing") == "0120-601-785"
    assert facts.value("hotline.foreign_card") == "0120-0178-27"
    assert facts.value("hotline.foreign_system") == "0120-0178-26"
    assert facts.value("hotline.ip_phone_card") == "050-3818-1250"


@pytest.mark.parametrize("moment", ["2026-11-25T21:00", "2026-12-31T21:00"])
def test_hearing_gets_the_fax_at_any_hour(moment):
    got = contact.route("card", "hearing", at(moment))
    assert got.code == "fax" and got.number == "hotline.fax_hearing"
    assert got.suspend_number == "hotline.fax_hearing"


def test_hearing_with_a_counter_matter_gets_the_citys_fax():
    got = contact.route("counter", "hearing", at("2026-11-28T21:00"))
    assert got.code == "counter_fax" and got.number == "city.fax"


@pytest.mark.parametrize("topic,stop,city_office,matter", [
    ("lost", False, False, "suspend"), (None, True, False, "suspend"), ("reissue", False, False, "counter"),
    ("moving", False, False, "counter"), ("pin", False, False, "counter"), ("hotline", False, False, "card"),
    ("konbini", False, False, "card"), (None, False, False, "card"), (None, False, True, "counter"),
    ("lost", False, True, "counter"), ("lost", True, True, "suspend"),
])
def test_matter_by_topic(topic, stop, city_office, matter):
    assert contact.matter_for(topic, stop, city_office) == matter


def test_closed_answers_name_the_24_hour_number_for_the_caller():
    assert contact.route("card", "foreign", at("2026-12-31T21:00")).suspend_number == "hotline.foreign_card"
    assert contact.route("card", "ip_phone", at("2026-12-31T21:00")).suspend_number == "hotline.ip_phone_card"


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        contact.route("pizza", None, at("2026-11-25T10:00"))
    with pytest.raises(ValueError):
        contact.route("card", "robot", at("2026-11-25T10:00"))


def test_every_route_and_line_is_one_the_router_knows():
    """(That the hours texts agree with contact_hours and that routes name phone facts is
    checked when the facts file loads: maina.facts_schema AGREEMENTS.)"""
    assert set(facts.value("contact_routes")) == set(contact.MATTERS)
    for line in facts.value("contact_hours"):
        contact.schedule(line)  # parses
