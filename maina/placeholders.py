"""Every ``{name}`` placeholder of the responses must be something the bot can fill.

Rasa fills ``{name}`` in a response from the facts (``{group.key}``, maina_rasa.nlg), the
slots, or the values an action passes; anything else is sent to the resident *as typed*
(``{hotline.free_dail}``), with only a log line. :func:`unknown_placeholders` finds those
before the bot serves (:mod:`maina_rasa.startup`) and in the tests.

Plain Python: reads domain.yml and data/**/*.yml, no Rasa import.
"""
from __future__ import annotations

import difflib
import re
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Set, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent

# Rasa's own pattern (rasa.core.nlg.interpolator.interpolate_text).
PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")

# Values the actions pass explicitly: dispatcher.utter_message(response=..., **values)
# (actions/lifecycle.py), and the values of the calculator's explanation lines
# (utter_lifecycle_line_*, rendered by actions/texts.py).
ACTION_VARIABLES = frozenset({
    "card_expiry", "card_rule", "cert_line", "renewal_line", "next_step", "whose_card",
    "birth_date", "issue_date", "stay_end_date", "residence_status",
    "what", "known", "advice", "why",
    "birthdays", "birthday_expiry", "age_at_issue", "application", "adult_age", "change_date",
    "status", "status_en", "stay_end", "limit", "latest", "period_end", "event",
    "possible_from", "window_start", "days_until_open", "expiry", "days_left", "until",
    "early", "late", "note", "age", "last_before", "assumed_from", "window_month",
    # the calculator's other answers (issue 14: actions/fee.py, moving.py, call_now.py)
    "amount", "apply_by", "days_ago", "lost_from", "moved", "notice_by", "notice_by_last",
    "continue_by", "latest_by", "number", "suspend_number", "closes", "opens", "open_day",
    # added by the NLG (maina_rasa/nlg.py): the languages of locales/ by their own names
    "spoken_languages",
})


@dataclass(frozen=True)
class UnknownPlaceholder:
    file: Path
    line: int
    response: str
    name: str
    suggestion: str = ""

    def __str__(self) -> str:
        try:
            shown = self.file.resolve().relative_to(ROOT)
        except ValueError:
            shown = self.file
        hint = f" (did you mean {{{self.suggestion}}}?)" if self.suggestion else ""
        return (f"{shown} line {self.line} ({self.response}): {{{self.name}}} is not a fact, "
                f"slot or action value{hint}; facts are in facts/facts.yml")


# PyYAML's C parser when built with libyaml (same documents, ~10× faster: the check reads
# every response file at each start-up, which residents wait through after a facts edit).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader) or {}


def response_files(root: Path = ROOT) -> List[Path]:
    """domain.yml and the data files (responses may live in either)."""
    return [root / "domain.yml"] + sorted((root / "data").glob("**/*.yml"))


@functools.lru_cache(maxsize=4)
def variations(root: Path = ROOT) -> Dict[str, List[Mapping[str, Any]]]:
    """Every response by name with its variations, as written (read once per process): the
    one reader of the response files for the code that renders or inspects them outside Rasa
    (the calculator's lines, the language detector's button texts)."""
    found: Dict[str, List[Mapping[str, Any]]] = {}
    for path in response_files(root):
        found.update(_load_yaml(path.read_text(encoding="utf-8")).get("responses") or {})
    return found


def slot_names(root: Path = ROOT) -> Set[str]:
    domain = _load_yaml((root / "domain.yml").read_text(encoding="utf-8"))
    return set(domain.get("slots") or {})


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def responses(path: Path) -> Iterator[Tuple[str, str]]:
    """(response name, every text of its variations: text, buttons, custom) of one file."""
    data = _load_yaml(path.read_text(encoding="utf-8"))
    for name, variations in (data.get("responses") or {}).items():
        for text in _strings(variations):
            yield name, text


def _line_of(source_lines: List[str], response: str, placeholder: str) -> int:
    """Line of ``placeholder`` after the response's key (first match; 1-based)."""
    start = next((i for i, line in enumerate(source_lines)
                  if line.strip().startswith(f"{response}:")), 0)
    for index in range(start, len(source_lines)):
        if placeholder in source_lines[index]:
            return index + 1
    return start + 1


def unknown_placeholders(known: Iterable[str], root: Path = ROOT) -> List[UnknownPlaceholder]:
    """Placeholders of the responses under ``root`` that are not in ``known`` (facts),
    the domain's slots or :data:`ACTION_VARIABLES`, with file, line and a suggestion."""
    facts = set(known)
    allowed = facts | slot_names(root) | ACTION_VARIABLES
    found: List[UnknownPlaceholder] = []
    for path in response_files(root):
        lines = path.read_text(encoding="utf-8").splitlines()
        seen: Set[Tuple[str, str]] = set()
        for response, text in responses(path):
            for name in PLACEHOLDER.findall(text):
                if name in allowed or (response, name) in seen:
                    continue
                seen.add((response, name))
                close = difflib.get_close_matches(name, sorted(allowed), n=1)
                found.append(UnknownPlaceholder(
                    path, _line_of(lines, response, "{" + name + "}"), response, name,
                    close[0] if close else "",
                ))
    return found
