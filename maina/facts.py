"""Loads facts/facts.yml: every number, fee, hour, deadline and age, with source and as-of date.

Facts are addressed by dotted keys (``"hotline.free_dial"``). Responses use them as
``{hotline.free_dial}`` placeholders (see maina_rasa.nlg); actions call :func:`value`.

:func:`load` checks the whole file against :mod:`maina.facts_schema` (the type of every fact,
a source and an as-of date on each, facts that must agree with each other) and raises
:class:`FactsFileError` listing every problem with its line and what to write instead. The
servers load the file once at start-up (:mod:`maina_rasa.startup`), so a broken file stops
them before they serve; afterwards every turn reads the cached result.
"""
from __future__ import annotations

import datetime as _dt
import difflib
import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = ROOT / "facts" / "facts.yml"
ENV_VAR = "MAINA_FACTS_FILE"
REQUIRED_FIELDS = ("value", "source", "as_of")
SCHEMA_FILE = "maina/facts_schema.py"

_FIELD_HINTS = {
    "source": 'source: "where you read it, e.g. guidebook p.14"',
    "as_of": "as_of: the date you checked it, e.g. 2026-11-25 (no quotes)",
    "value": "value: the fact itself",
}


@dataclass(frozen=True)
class Fact:
    key: str
    value: Any
    source: str
    as_of: _dt.date


class FactsError(ValueError):
    """The facts file is malformed or a key is unknown."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the facts file: where, which fact, and what to do."""

    line: Optional[int]
    key: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}, {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class FactsFileError(FactsError):
    """The facts file cannot be used; ``problems`` lists every reason, with line numbers."""

    def __init__(self, path: Path, problems: List[Problem]) -> None:
        self.path = path
        self.problems = problems
        count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(
            f"{_shown(path)}: {count}; the bot does not start until they are fixed:\n{lines}"
        )


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


# --- reading with line numbers --------------------------------------------------------------

Path_ = Tuple[Any, ...]


def _line_map(node: yaml.Node, path: Path_ = (), lines: Optional[Dict[Path_, int]] = None
              ) -> Dict[Path_, int]:
    """1-based line of every mapping key and sequence item, by its path in the document."""
    lines = {} if lines is None else lines
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = path + (key_node.value,)
            lines[child] = key_node.start_mark.line + 1
            _line_map(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1
            _line_map(item, path + (index,), lines)
    return lines


def _read(path: Path) -> Tuple[Any, Dict[Path_, int]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FactsFileError(path, [Problem(None, "", f"cannot read the file ({error})")])
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        what = getattr(error, "problem", None) or str(error)
        raise FactsFileError(path, [Problem(
            mark.line + 1 if mark else None, "",
            f"YAML cannot read this ({what}). Check the quotes, braces and indentation of "
            "this line and the one before; a value with a colon or # inside needs quotes.",
        )])
    finally:
        loader.dispose()
    return data, (_line_map(node) if node is not None else {})


# --- checking -------------------------------------------------------------------------------


def _dotted(loc: Tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc if not isinstance(part, int))


def _nearest_line(lines: Dict[Path_, int], loc: Tuple[Any, ...]) -> Optional[int]:
    for end in range(len(loc), 0, -1):
        if tuple(loc[:end]) in lines:
            return lines[tuple(loc[:end])]
    return None


def _known_keys(loc: Tuple[Any, ...]) -> List[str]:
    from maina import facts_schema

    model: Any = facts_schema.FactsFile
    for name in loc[:-1]:
        field = getattr(model, "__fields__", {}).get(name)
        if field is None:
            return []
        model = field.outer_type_
    return list(getattr(model, "__fields__", {}))


def _schema_problem(error: Mapping[str, Any], lines: Dict[Path_, int]) -> Problem:
    from maina import facts_schema

    loc = tuple(error["loc"])
    kind = error["type"]
    field = next((part for part in loc if part in REQUIRED_FIELDS), None)
    fact_loc = loc[: loc.index(field)] if field else loc
    key = _dotted(fact_loc)
    line = _nearest_line(lines, loc)
    if kind == "value_error.extra":
        close = difflib.get_close_matches(str(loc[-1]), _known_keys(loc), n=1)
        spelled = f" (did you mean {_dotted(loc[:-1] + (close[0],))}?)" if close else ""
        return Problem(line, _dotted(loc),
                       f"not a fact the bot knows{spelled}: check the spelling, or declare "
                       f"a new fact in {SCHEMA_FILE}")
    if kind == "value_error.missing":
        if field and loc[-1] == field:
            return Problem(line, key, f"has no {field}: add {_FIELD_HINTS[field]}")
        hint = facts_schema.type_hint(loc)
        return Problem(line, _dotted(loc),
                       "is missing; the bot needs it: add "
                       f"{loc[-1]}: {{value: {hint.split('e.g. ')[-1] if hint else '…'}, "
                       "source: \"…\", as_of: YYYY-MM-DD}")
    if kind == "type_error.none.not_allowed" and field:
        return Problem(line, key, f"the {field} is empty: write {_FIELD_HINTS[field]}")
    message = str(error["msg"])
    if field == "value":
        hint = facts_schema.type_hint(fact_loc)
        if hint and hint.split("e.g. ")[-1] not in message:
            message += f". Write {hint}"
    elif field:
        message = f"{field}: {message}"
    return Problem(line, key, message)


def _schema_problems(raw: Any, lines: Dict[Path_, int]) -> List[Problem]:
    from pydantic import ValidationError

    from maina import facts_schema

    if not isinstance(raw, Mapping):
        return [Problem(None, "", "the file must be groups of facts (city:, hotline:, …)")]
    try:
        facts_schema.FactsFile.parse_obj(raw)
    except ValidationError as error:
        return [_schema_problem(e, lines) for e in error.errors()]
    return []


def _agreement_problems(loaded: Dict[str, Fact], lines: Dict[Path_, int]) -> List[Problem]:
    from maina import facts_schema

    values = {key: fact.value for key, fact in loaded.items()}
    problems = []
    for keys, check in facts_schema.AGREEMENTS:
        message = check(values)
        if message:
            message = message[len(keys[0]) + 1:] if message.startswith(keys[0] + " ") else message
            others = ", ".join(
                f"{key} line {lines.get(tuple(key.split('.')), '?')}" for key in keys[1:]
            )
            problems.append(Problem(lines.get(tuple(keys[0].split("."))), keys[0],
                                    message + (f" (see {others})" if others else "")))
    return problems


def _walk(node: Mapping[str, Any], prefix: str = "") -> Iterator[Fact]:
    for name, child in node.items():
        key = f"{prefix}{name}"
        if "value" in child:
            yield Fact(key, child["value"], str(child["source"]), child["as_of"])
        else:
            yield from _walk(child, prefix=f"{key}.")


def load(path: Path | str | None = None) -> Dict[str, Fact]:
    """Parse and check a facts file (default: facts/facts.yml or $MAINA_FACTS_FILE).

    Raises :class:`FactsFileError` with every problem found (types, missing source or date,
    unknown or missing facts, facts that disagree), each with its line number.
    """
    path = Path(path or os.environ.get(ENV_VAR) or DEFAULT_PATH)
    raw, lines = _read(path)
    problems = _schema_problems(raw, lines)
    if problems:
        raise FactsFileError(path, problems)
    loaded = {fact.key: fact for fact in _walk(raw)}
    problems = _agreement_problems(loaded, lines)
    if problems:
        raise FactsFileError(path, problems)
    return loaded


@functools.lru_cache(maxsize=1)
def _cached() -> Dict[str, Fact]:
    return load()


def all_facts() -> Dict[str, Fact]:
    """All facts of the default file, loaded once per process."""
    return _cached()


def value(key: str) -> Any:
    """The value of one fact; raises FactsError for an unknown key."""
    try:
        return all_facts()[key].value
    except KeyError:
        raise FactsError(f"unknown fact {key!r}") from None


def reload() -> None:
    """Forget the cached file (tests, or after a clerk edited it)."""
    _cached.cache_clear()
    _template_variables.cache_clear()


def display(value: Any, lang: str = "ja") -> str:
    """How a value reads inside a sentence: 1000 → "1,000", dates in the user's language.

    The one number formatter of the bot's texts (responses, channel texts).
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, _dt.date):
        from maina import locales
        from maina.wareki import format_date_en, format_date_ja

        locale = locales.get(lang)
        if locale is not None:
            return locale.date(value)
        return format_date_en(value) if lang == "en" else format_date_ja(value)
    return str(value)


@functools.lru_cache(maxsize=8)
def _template_variables(lang: str) -> Dict[str, str]:
    from maina import locales

    scalars = {key: fact.value for key, fact in all_facts().items()
               if not isinstance(fact.value, (list, dict))}
    locale = locales.get(lang)
    if locale is not None:  # a translator's language: its words, our numbers and dates
        return {key: locales.fact_text(locale, key, value, scalars.get(f"{key}_en"))
                for key, value in scalars.items()}
    return {key: display(value, lang) for key, value in scalars.items()}


def template_variables(lang: str = "ja") -> Dict[str, str]:
    """Every scalar fact as display text, keyed by dotted key, for ``{group.key}`` placeholders
    (ja, en, or a language of locales/)."""
    from maina import locales

    known = lang if lang == "en" or locales.get(lang) is not None else "ja"
    return dict(_template_variables(known))
