"""What a server of the project checks before it serves, run once per process.

**Rasa** (`rasa run`): every input channel of the project is decorated with
:func:`checked_at_start_up`, so its ``from_credentials`` calls :func:`prepare_rasa` first — the
first code of ours that `rasa run` executes (credentials.yml),
before the model loads and before the server listens. A problem raises :class:`StartupError`,
a ``RasaException``: Rasa prints its message and exits with status 1, so the bot never
serves with a broken facts file (instead of a 500 on the first message). Later calls (the
other channels) return at once; no turn ever re-reads or re-checks anything.

**Action server**: ``python -m maina_rasa.action_server`` (what `make run`, the tests and
deploy/ start) runs :func:`prepare_action_server` and then rasa_sdk with the same arguments
as ``rasa run actions``.

The checks, in this order:

* (Rasa only) the installed Rasa is the pinned one (:func:`maina_rasa.patches.check_rasa_version`);
* facts/facts.yml against its schema (:mod:`maina.facts_schema`): types, source and as_of
  on every fact, facts that must agree — every problem with its line and what to write;
* (Rasa only) every ``{placeholder}`` of the responses, the channel texts and the web
  pages' config is a fact, a slot or a value an action passes (:mod:`maina.placeholders`);

and then (Rasa only) the changes to Rasa's code are installed (:func:`maina_rasa.patches.apply`).
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Type, TypeVar

from rasa.shared.exceptions import RasaException

from maina import facts, placeholders
from maina_rasa import patches

logger = logging.getLogger(__name__)

_done: Dict[str, bool] = {}


class StartupError(RasaException):
    """The server must not start; the message says why and what to change."""


def _facts() -> Dict[str, facts.Fact]:
    facts.reload()  # a restart after a clerk's edit always reads the file again
    try:
        return facts.all_facts()
    except facts.FactsError as error:
        raise StartupError(str(error)) from None


def content_problems(known: Dict[str, facts.Fact]) -> List[str]:
    """Placeholders in responses, channel texts and web config that nothing fills."""
    from maina_rasa.channels import common, web

    problems = [str(p) for p in placeholders.unknown_placeholders(set(known))]
    for key, variants in common.CHANNEL_TEXTS.items():
        for language, text in variants.items():
            for name in placeholders.PLACEHOLDER.findall(text):
                if "." in name and name not in known:
                    problems.append(f"maina_rasa/channels/common.py ({key}, {language}): "
                                    f"{{{name}}} is not a fact in facts/facts.yml")
    for _section, _key, fact_key in web.CONFIG_FACTS:
        if fact_key not in known:
            problems.append(f"maina_rasa/channels/web.py (CONFIG_FACTS): {fact_key} is not a "
                            "fact in facts/facts.yml")
    return problems


def prepare_rasa() -> None:
    """Checks for a Rasa server of the project; once per process. Raises StartupError."""
    if _done.get("rasa"):
        return
    try:
        patches.check_rasa_version()
    except patches.RasaVersionError as error:
        raise StartupError(str(error)) from None
    known = _facts()
    problems = content_problems(known)
    if problems:
        raise StartupError(
            f"{len(problems)} placeholder(s) would reach residents unfilled; the bot does not "
            "start until they are fixed:\n" + "\n".join(f"  {p}" for p in problems)
        )
    patches.apply()
    _done["rasa"] = True
    logger.info("startup.checked facts=%d", len(known))


Channel = TypeVar("Channel", bound=Type[Any])


def checked_at_start_up(channel_class: Channel) -> Channel:
    """Class decorator for an input channel: ``from_credentials`` runs :func:`prepare_rasa`
    before it builds the channel (its own or the inherited one)."""
    build = channel_class.from_credentials.__func__

    def from_credentials(cls: Any, credentials: Optional[Dict[str, Any]]) -> Any:
        prepare_rasa()  # first code of ours in `rasa run`: refuse to start if broken
        return build(cls, credentials)

    from_credentials.__doc__ = build.__doc__
    channel_class.from_credentials = classmethod(from_credentials)
    return channel_class


def prepare_action_server() -> None:
    """Checks for the action server; once per process. Raises StartupError."""
    if _done.get("actions"):
        return
    known = _facts()
    _done["actions"] = True
    logger.info("startup.checked facts=%d", len(known))


def reset() -> None:
    """Forget that the checks ran (tests)."""
    _done.clear()
