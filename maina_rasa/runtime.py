"""Process-wide Rasa settings that Rasa 3.6 offers no configuration for.

Imported (and applied) by ``maina_rasa/__init__.py``, so it takes effect in every Rasa
process that loads any of our code (the channels from credentials.yml, the NLG from
endpoints.yml, the NLU components from config.yml). The action server does not import it.

``MAINA_ACTION_TIMEOUT`` (seconds, default 2): how long one resident's turn may wait for
the action server, *in total*.

* Rasa's ``RemoteAction`` hard-codes a 300 s timeout
  (``rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT``, imported by name into that module
  and read at call time): a hung action server would hold a turn for five minutes. It is
  set to the budget.
* That alone is not enough: when a custom action fails, Rasa logs it and *goes on
  predicting*, so one calculator turn calls the server two or three times
  (``lifecycle_form`` → ``validate_lifecycle_form`` → ``action_lifecycle_answer``), and a
  hung server would cost the full timeout *each*. So the budget is per turn: a turn is one
  :meth:`MessageProcessor.handle_message`; the budget starts at its first action-server
  call, later calls get what is left, and once it is used up they fail at once.

A failed call becomes a ``RasaException`` (what Rasa's processor and slot extraction
expect); Rasa goes on without the action's events, and the channel adds its apology
with the city office's phone number
(:meth:`maina_rasa.channels.common.PreparedMessage.after_turn`): the resident gets an
answer within about 2.1 s. Our actions are pure computations (milliseconds); raise the value
only for an action server on another machine.
"""
from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import math
import os
import sys
from typing import Any, Dict, Mapping, Optional

logger = logging.getLogger(__name__)

ACTION_TIMEOUT_ENV = "MAINA_ACTION_TIMEOUT"
DEFAULT_ACTION_TIMEOUT = 2.0
MAX_ACTION_TIMEOUT = 300.0  # Rasa's own value

_WRAPPED = "_maina_action_budget"
# The running turn's budget: {"deadline": loop time or None until the first call}.
_turn: "contextvars.ContextVar[Optional[Dict[str, Any]]]" = contextvars.ContextVar(
    "maina_action_turn", default=None
)
_settings: Dict[str, float] = {"timeout": DEFAULT_ACTION_TIMEOUT}


def action_timeout(environ: Optional[Mapping[str, str]] = None) -> float:
    """The action-server budget from ``MAINA_ACTION_TIMEOUT`` (0 < t ≤ 300), else 2."""
    raw = (environ if environ is not None else os.environ).get(ACTION_TIMEOUT_ENV, "")
    if not raw.strip():
        return DEFAULT_ACTION_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (0 < value <= MAX_ACTION_TIMEOUT):
        logger.warning(
            "%s=%r is not a number of seconds in (0, %g]: using %g",
            ACTION_TIMEOUT_ENV, raw, MAX_ACTION_TIMEOUT, DEFAULT_ACTION_TIMEOUT,
        )
        return DEFAULT_ACTION_TIMEOUT
    return value


def _budgeted_handle_message(original: Any) -> Any:
    @functools.wraps(original)
    async def handle_message(self: Any, message: Any) -> Any:
        token = _turn.set({"deadline": None})
        try:
            return await original(self, message)
        finally:
            _turn.reset(token)

    setattr(handle_message, _WRAPPED, True)
    return handle_message


def _budgeted_run(original: Any, rasa_exception: type) -> Any:
    @functools.wraps(original)
    async def run(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> Any:
        budget = _settings["timeout"]
        timeout = budget
        turn = _turn.get()
        if turn is not None:
            now = asyncio.get_running_loop().time()
            if turn["deadline"] is None:
                turn["deadline"] = now + budget
            timeout = turn["deadline"] - now
            if timeout <= 0:
                raise rasa_exception(
                    f"Skipped custom action '{self.name()}': this turn already waited "
                    f"{budget:g} s ({ACTION_TIMEOUT_ENV}) for the action server."
                )
        try:
            return await asyncio.wait_for(
                original(self, output_channel, nlg, tracker, domain), timeout
            )
        except asyncio.TimeoutError as error:
            if turn is not None:
                turn["deadline"] = 0.0  # no more waiting in this turn
            raise rasa_exception(
                f"Custom action '{self.name()}': no answer from the action server within "
                f"{timeout:.2f} s ({ACTION_TIMEOUT_ENV}={budget:g})."
            ) from error

    setattr(run, _WRAPPED, True)
    return run


def apply(
    environ: Optional[Mapping[str, str]] = None, *, import_rasa: bool = True
) -> Optional[float]:
    """Installs the per-turn action-server budget; returns it, or None if not installed.

    With ``import_rasa=False`` (what ``maina_rasa/__init__`` does) nothing is imported: the
    budget is installed only if Rasa's processor is loaded already, as it always is in
    ``rasa run`` / ``rasa shell`` before any of our components (rasa.core.run imports
    the agent and processor first). So a script or unit test that imports a small module
    of ours does not pay ~9 s for importing Rasa's core. Idempotent.
    """
    if not import_rasa and not (
        "rasa.core.processor" in sys.modules and "rasa.core.actions.action" in sys.modules
    ):
        return None
    try:
        import rasa.core.actions.action as rasa_action
        from rasa.core.processor import MessageProcessor
        from rasa.shared.exceptions import RasaException
    except ImportError:  # e.g. a script that only uses maina_rasa.line_api
        return None
    timeout = action_timeout(environ)
    _settings["timeout"] = timeout
    rasa_action.DEFAULT_REQUEST_TIMEOUT = timeout
    remote = rasa_action.RemoteAction
    if not getattr(remote.run, _WRAPPED, False):
        remote.run = _budgeted_run(remote.run, RasaException)
    if not getattr(MessageProcessor.handle_message, _WRAPPED, False):
        MessageProcessor.handle_message = _budgeted_handle_message(
            MessageProcessor.handle_message
        )
    return timeout
