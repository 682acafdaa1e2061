"""Every change the project makes to Rasa's own code, in one place, for Rasa 3.6.21 only.

Rasa 3.6 offers no setting for these, so they replace methods of Rasa's classes (its private
API). Nothing here happens on import: :func:`apply` installs them, and it is called once at
start-up by :func:`maina_rasa.startup.prepare_rasa` — from the project's input channels, i.e.
wherever the model is served with credentials.yml, whichever tracker store endpoints.yml
names. :func:`apply` first checks the Rasa version: on any other version than
:data:`PINNED_RASA` it refuses to start, because each patch was written against that
version's code (re-read the replaced methods, re-run the tests below, then change the pin).

Each :class:`Patch` states what it replaces, why, and the test that proves it. A *speed-up*
changes no answer (``bench/check_answers.py`` compares the answers with and without them);
``MAINA_SPEEDUPS=0`` leaves the speed-ups out (to measure or compare stock Rasa), and
``MAINA_SPEEDUPS_SKIP=name,name`` leaves out the named ones (an A/B of one patch). The
action-server budget is behaviour and always installed.

1. **action_budget** — ``RemoteAction.run`` and ``MessageProcessor.handle_message``.
   ``MAINA_ACTION_TIMEOUT`` (seconds, default 2) is how long one resident's turn may wait for
   the action server *in total*. Rasa hard-codes 300 s per call
   (``rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT``), and when a custom action fails it
   goes on predicting, so one calculator turn calls the server two or three times
   (``lifecycle_form`` → ``validate_lifecycle_form`` → ``action_lifecycle_answer``): a hung
   server would hold a turn for minutes. The budget starts at a turn's first action-server
   call; later calls get what is left, and once it is used up they fail at once. A failed
   call becomes a ``RasaException`` (what Rasa's processor expects); the channel then adds
   its apology with the city office's number (``PreparedMessage.after_turn``).
   Tests: tests/unit/test_patches.py (budget per turn, on stand-ins),
   tests/e2e/test_resilience.py (a hung action server in a real Rasa process).
2. **validator_once** (speed-up) — ``RemoteAction._validate_action_result``. Rasa calls
   ``jsonschema.validate(result, schema)`` on every action-server answer, which checks the
   constant *schema* against the meta-schema and builds a validator each time: ~13 % of the
   Rasa process's time while the calculator was active (bench/profile.md). The validator is
   built once; every answer is still validated, an invalid one raises the same
   ``ValidationError``. Test: tests/unit/test_patches.py::test_action_result_validation_unchanged.
3. **fortran_coefficients** (speed-up) — ``LogisticRegressionClassifier.process``. It
   computes ``X @ coef_.T``; scikit-learn's C-ordered ``coef_`` makes SciPy copy the whole
   78 × 10,000 matrix (6 MB) on every message (~8 % of a turn). Storing ``coef_`` in Fortran
   order once (same values) lets SciPy use it in place; the products are computed by the same
   loop in the same order, so probabilities are bit-for-bit the same.
   Test: tests/unit/test_patches.py::test_fortran_order_gives_identical_probabilities.
4. **rule_keys** (speed-up) — ``RulePolicy._get_possible_keys``. To find the rules that apply,
   Rasa checks every rule (~220) against every state of the session, newest first, twice per
   prediction, re-reading each rule's states (``json.loads`` result, reversed into a new list,
   lists turned into tuples) for every single check: the largest share of the policy's time.
   Each rule's states are prepared once per policy; the scan stops as soon as no rule is left,
   or every rule left is shorter than the states already checked (Rasa's check says "applies"
   for those from then on). Same checks, same set of keys.
   Test: tests/unit/test_patches.py::test_rule_keys_are_rasas.
5. **plain_graph_runner** (speed-up) — ``DaskGraphRunner.run``. Every message (NLU graph) and
   every prediction (policy graph, two or three per turn) builds a dask task graph, orders
   and schedules it with dask's synchronous scheduler, for graphs of 10–15 nodes run one
   after another anyway. The nodes are called in a fixed order computed once per target
   list, each exactly once and with exactly the arguments dask passes; an error is wrapped
   the same way (``GraphRunError`` from a ``RuntimeError``).
   Test: tests/unit/test_patches.py::test_plain_graph_runner_gives_dasks_results.
6. **skops_type_lookup** (speed-up, cold start) — ``skops.io._utils._getattribute`` (skops
   0.9.0). Importing ``skops.io``, which the logistic regression's ``load`` does, computes the
   trusted type names: for each of ~765 NumPy/SciPy ufuncs (no ``__module__``) pickle's
   ``whichmodule`` tries ``getattr`` on every module loaded — ~5,600 once TensorFlow is in —
   and every miss formats the module's repr into an ``AttributeError``: 6.4 s CPU, a third
   of the cold start. An import hook swaps in :func:`fast_getattribute` (same object or same
   exception, no message formatting, a plain module read from its ``__dict__``) as
   ``skops.io._utils`` loads, so the trusted names, and which models load, are the same.
   Only installed before skops.io is imported and for the pinned skops.
   Test: tests/unit/test_patches.py::test_skops_type_lookup_is_skops.
7. **sql_tracker_store** (speed-up) — ``rasa.core.tracker_store._create_from_endpoint_config``.
   The tracker store's per-turn savings (SQLite in WAL mode, a saved tracker handed back
   after a one-row check, no count query before a save) live in
   :class:`maina_rasa.tracker_store.FastSQLTrackerStore`; endpoints.yml names it, but with
   Rasa's own ``type: SQL`` they would be lost (issue 17: 1.85× stock instead of ~3×). For
   ``type: SQL`` (any case) Rasa's factory now builds that store, a subclass of
   ``SQLTrackerStore`` with the same arguments, table and rows, so PostgreSQL (the cluster)
   works as before: only SQLite gets the WAL/connection-pool tuning, the reuse and the
   count-free save are plain SQL on every dialect. Every other type (in memory, Redis,
   Mongo, Dynamo, a class path) is built by Rasa's code unchanged.
   Test: tests/unit/test_fast_tracker_store.py::test_type_sql_from_endpoints_gets_the_fast_store.
8. **model_domain_once** (speed-up, cold start) — ``DomainProvider.load``. Loading a model,
   Rasa reads the domain the model stores (``components/domain_provider/domain.yml``, written
   by Rasa at training) with ``Domain.from_directory``: it parses the ~180 KB file four times
   (to see that it is a domain file, to validate it, to build a domain it throws away, to
   merge it), one of them with the pure-Python round-trip parser, and checks it against
   Rasa's schema with pykwalify — ~2.5 s CPU of every start. The domain was validated when
   it was read for training; here each file is parsed once with Rasa's own ``read_yaml``
   (same parser, same result), recognised as a domain file by the same keys, its version
   checked with the same warning, merged and built with ``Domain.merge_domain_dicts`` and
   ``Domain.from_dict`` as Rasa does. The one difference: a model archive edited by hand
   into an invalid domain is not reported by the schema check at loading.
   Test: tests/unit/test_patches.py::test_model_domain_once_is_rasas_domain.
"""
from __future__ import annotations

import asyncio
import contextvars
import functools
import importlib.abc
import importlib.machinery
import logging
import math
import os
import sys
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Callable, Dict, List, Mapping, Optional, Text

logger = logging.getLogger(__name__)

PINNED_RASA = "3.6.21"
SPEEDUPS_ENV = "MAINA_SPEEDUPS"
SKIP_ENV = "MAINA_SPEEDUPS_SKIP"
ACTION_TIMEOUT_ENV = "MAINA_ACTION_TIMEOUT"
DEFAULT_ACTION_TIMEOUT = 2.0
MAX_ACTION_TIMEOUT = 300.0  # Rasa's own value

_MARK = "_maina_patch"  # set on every replacement: apply() is idempotent


class RasaVersionError(RuntimeError):
    """The installed Rasa is not the one the patches were written for."""


def check_rasa_version(version: Optional[str] = None) -> str:
    """The installed Rasa version; raises :class:`RasaVersionError` unless it is pinned."""
    if version is None:
        from rasa.version import __version__ as version
    if version != PINNED_RASA:
        raise RasaVersionError(
            f"Rasa {version} is installed, but maina_rasa/patches.py was written for Rasa "
            f"{PINNED_RASA} (requirements.lock). Install the pinned version (`make install`), "
            "or read the replaced Rasa methods listed in maina_rasa/patches.py in the new "
            "version, run the tests named there, and then change PINNED_RASA."
        )
    return version


def _marked(function: Callable[..., Any], name: str) -> Callable[..., Any]:
    setattr(function, _MARK, name)
    return function


def _is_patched(function: Any) -> bool:
    return bool(getattr(function, _MARK, None))


# --- 1. action_budget ------------------------------------------------------------------------

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


def budgeted_handle_message(original: Any) -> Any:
    """``MessageProcessor.handle_message`` that opens a turn's action-server budget."""

    @functools.wraps(original)
    async def handle_message(self: Any, message: Any) -> Any:
        token = _turn.set({"deadline": None})
        try:
            return await original(self, message)
        finally:
            _turn.reset(token)

    return _marked(handle_message, "action_budget")


def budgeted_run(original: Any, rasa_exception: type) -> Any:
    """``RemoteAction.run`` limited to what is left of the turn's budget."""

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

    return _marked(run, "action_budget")


def _install_action_budget(environ: Mapping[str, str]) -> None:
    import rasa.core.actions.action as rasa_action
    from rasa.core.processor import MessageProcessor
    from rasa.shared.exceptions import RasaException

    timeout = action_timeout(environ)
    _settings["timeout"] = timeout
    rasa_action.DEFAULT_REQUEST_TIMEOUT = timeout
    remote = rasa_action.RemoteAction
    if not _is_patched(remote.run):
        remote.run = budgeted_run(remote.run, RasaException)
    if not _is_patched(MessageProcessor.handle_message):
        MessageProcessor.handle_message = budgeted_handle_message(MessageProcessor.handle_message)


def _action_budget_installed() -> bool:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor

    return _is_patched(RemoteAction.run) and _is_patched(MessageProcessor.handle_message)


# --- 2. validator_once -----------------------------------------------------------------------

_validator: Dict[str, Any] = {}


def _validator_for(schema: Dict[Text, Any]) -> Any:
    cached = _validator.get("validator")
    if cached is None or _validator.get("schema") != schema:
        from jsonschema.validators import validator_for

        cls = validator_for(schema)
        cls.check_schema(schema)
        cached = cls(schema)
        _validator.update(schema=schema, validator=cached)
    return cached


def _install_validator_once(environ: Mapping[str, str]) -> None:
    from jsonschema import exceptions
    from rasa.core.actions import action as rasa_action

    remote = rasa_action.RemoteAction
    if _is_patched(remote._validate_action_result):
        return
    original = remote._validate_action_result

    def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
        validator = _validator_for(self.action_response_format_spec())
        if exceptions.best_match(validator.iter_errors(result)) is None:
            return True
        # Rasa's own wording of the failure (it appends to the message and re-raises).
        return original(self, result)

    _validate_action_result.__doc__ = original.__doc__
    remote._validate_action_result = _marked(_validate_action_result, "validator_once")


def _validator_once_installed() -> bool:
    from rasa.core.actions.action import RemoteAction

    return _is_patched(RemoteAction._validate_action_result)


# --- 3. fortran_coefficients -----------------------------------------------------------------


def _install_fortran_coefficients(environ: Mapping[str, str]) -> None:
    from rasa.nlu.classifiers.logistic_regression_classifier import (
        LogisticRegressionClassifier,
    )

    if _is_patched(LogisticRegressionClassifier.process):
        return
    original = LogisticRegressionClassifier.process

    def process(self: Any, messages: Any) -> Any:
        coef = getattr(self.clf, "coef_", None)
        if coef is not None and not coef.flags.f_contiguous:
            import numpy as np

            self.clf.coef_ = np.asfortranarray(coef)
        return original(self, messages)

    process.__doc__ = original.__doc__
    LogisticRegressionClassifier.process = _marked(process, "fortran_coefficients")


def _fortran_coefficients_installed() -> bool:
    from rasa.nlu.classifiers.logistic_regression_classifier import (
        LogisticRegressionClassifier,
    )

    return _is_patched(LogisticRegressionClassifier.process)


# --- 4. rule_keys ----------------------------------------------------------------------------

# How one value of a rule's state is compared (RulePolicy._does_rule_match_state).
_MUST_EQUAL, _MUST_BE_UNSET = 1, 2


def _compiled_rule_state(state: Dict[Text, Any], should_not_be_set: Text) -> Any:
    """A rule's state as (state type, [(key, mode, value)]), lists already made tuples."""
    compiled = []
    for state_type, sub_state in state.items():
        checks = []
        for key, value in sub_state.items():
            if isinstance(value, list):
                value = tuple(value)  # json gives lists where the featurizer has tuples
            if value == should_not_be_set:
                checks.append((key, _MUST_BE_UNSET, value))
            elif value:
                checks.append((key, _MUST_EQUAL, value))
        compiled.append((state_type, checks))
    return compiled


def _rules_by_first_state(policy: Any, lookup: Dict[Text, Text]) -> Dict[Any, List[Any]]:
    """The lookup's rules, compiled (newest state first), grouped by what their newest state
    requires: (previous action name, intent), either ``None`` when the rule does not require
    one (or not as a string)."""
    from rasa.core.policies.rule_policy import SHOULD_NOT_BE_SET
    from rasa.shared.core.constants import PREVIOUS_ACTION, USER

    cache = policy.__dict__.setdefault("_maina_rule_groups", {})
    cached = cache.get(id(lookup))
    if cached is not None and cached[0] is lookup and cached[1] == len(lookup):
        return cached[2]
    groups: Dict[Any, List[Any]] = {}
    for key in lookup:
        rule = [
            (state.get(PREVIOUS_ACTION), _compiled_rule_state(state, SHOULD_NOT_BE_SET))
            for state in reversed(policy._rule_key_to_state(key))
        ]
        required = {}
        if rule and rule[0][0]:  # the newest state has a previous action: it must match
            for state_type, checks in rule[0][1]:
                for name, mode, value in checks:
                    if mode == _MUST_EQUAL and isinstance(value, str):
                        required[(state_type, name)] = value
        group = (required.get((PREVIOUS_ACTION, "action_name")),
                 required.get((USER, "intent")))
        groups.setdefault(group, []).append((key, rule))
    cache[id(lookup)] = (lookup, len(lookup), groups)
    return groups


def possible_rule_keys(policy: Any, lookup: Dict[Text, Text], states: List[Any]) -> set:
    """What ``RulePolicy._get_possible_keys`` returns, computed without its waste.

    Rasa filters every rule key against every state of the conversation, newest first,
    re-reading the rule's JSON states (reversed into a new list) for each check: ~220 rules
    × the states, twice per prediction. Here each rule's states are compiled once and
    grouped by the previous action and intent their newest state requires, so the newest
    state is only checked against rules that can match it (a rule requiring another action
    or intent fails Rasa's check); the scan stops when no key is left (filtering an empty
    set gives the empty set) or when every key left is shorter than the states already
    checked (Rasa's check returns True for those from then on). Same checks, same keys.
    """
    from rasa.shared.core.constants import PREVIOUS_ACTION, USER

    groups = _rules_by_first_state(policy, lookup)
    if not states:
        return set(lookup)
    newest = states[-1]
    action = (newest.get(PREVIOUS_ACTION) or {}).get("action_name")
    intent = (newest.get(USER) or {}).get("intent")
    possible: List[Any] = []
    for group in {(None, None), (action, None), (None, intent), (action, intent)}:
        possible += groups.get(group, ())
    for turn, state in enumerate(reversed(states)):
        if not possible or all(turn >= len(rule) for _, rule in possible):
            break
        current_previous_action = state.get(PREVIOUS_ACTION)
        kept = []
        for key, rule in possible:
            if turn < len(rule):
                rule_previous_action, checks = rule[turn]
                if not rule_previous_action and not current_previous_action:
                    pass
                elif not rule_previous_action or not current_previous_action:
                    continue
                elif not _rule_state_matches(checks, state):
                    continue
            kept.append((key, rule))
        possible = kept
    return {key for key, _ in possible}


def _rule_state_matches(checks: Any, conversation_state: Dict[Text, Any]) -> bool:
    """``RulePolicy._does_rule_match_state`` on a compiled rule state."""
    from rasa.core.policies.rule_policy import SHOULD_NOT_BE_SET

    for state_type, items in checks:
        sub_state = conversation_state.get(state_type, {})
        for key, mode, value in items:
            current = sub_state.get(key)
            if mode == _MUST_EQUAL:
                if current != value:
                    return False
            elif current and current != SHOULD_NOT_BE_SET:
                return False
    return True


def _install_rule_keys(environ: Mapping[str, str]) -> None:
    from rasa.core.policies.rule_policy import RulePolicy

    if _is_patched(RulePolicy._get_possible_keys):
        return
    original = RulePolicy._get_possible_keys
    rasa_is_rule_applicable = RulePolicy._is_rule_applicable

    @functools.wraps(original)
    def _get_possible_keys(self: Any, lookup: Dict[Text, Text], states: List[Any]) -> set:
        if type(self)._is_rule_applicable is not rasa_is_rule_applicable:
            return original(self, lookup, states)  # a subclass decides differently
        return possible_rule_keys(self, lookup, states)

    RulePolicy._get_possible_keys = _marked(_get_possible_keys, "rule_keys")


def _rule_keys_installed() -> bool:
    from rasa.core.policies.rule_policy import RulePolicy

    return _is_patched(RulePolicy._get_possible_keys)


# --- 5. plain_graph_runner -------------------------------------------------------------------


def graph_order(schema: Any, targets: List[Text], inputs: Any) -> List[Text]:
    """The nodes ``targets`` need, each after the nodes it needs (depth first, in the order
    of each node's ``needs``); names given as ``inputs`` are not nodes to run."""
    order: List[Text] = []
    seen: set = set()

    def visit(name: Text) -> None:
        if name in seen or name in inputs or name not in schema.nodes:
            return
        seen.add(name)
        for need in schema.nodes[name].needs.values():
            visit(need)
        order.append(name)

    for target in targets:
        visit(target)
    return order


def run_graph_in_order(runner: Any, inputs: Optional[Dict[Text, Any]],
                       targets: Optional[List[Text]]) -> Dict[Text, Any]:
    """What ``DaskGraphRunner.run`` returns, without dask: each node needed is called once,
    after the nodes it needs, with the same arguments dask passes it (``(name, output)`` of
    each need, an input as ``(input name, value)``, an unknown name as the bare string)."""
    from rasa.engine.exceptions import GraphRunError

    schema = runner._graph_schema
    run_targets = targets if targets else schema.target_names
    values: Dict[Text, Any] = {}
    for input_name, input_value in (inputs or {}).items():
        if isinstance(input_value, str) and input_value in schema.nodes:
            raise GraphRunError(
                f"Input value '{input_value}' clashes with a node name. Make sure "
                f"that none of the input names passed to the `run` method are the "
                f"same as node names in the graph schema."
            )
        values[input_name] = (input_name, input_value)
    cache = runner.__dict__.setdefault("_maina_orders", {})
    key = (tuple(run_targets), tuple(sorted(values)))
    order = cache.get(key)
    if order is None:
        order = cache[key] = [
            (name, runner._instantiated_nodes[name], tuple(schema.nodes[name].needs.values()))
            for name in graph_order(schema, list(run_targets), values)
        ]
    try:
        for name, node, needs in order:
            values[name] = node(*(values.get(need, need) for need in needs))
        return dict(values.get(target, target) for target in run_targets)
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e


def _install_plain_graph_runner(environ: Mapping[str, str]) -> None:
    from rasa.engine.runner.dask import DaskGraphRunner

    if _is_patched(DaskGraphRunner.run):
        return
    original = DaskGraphRunner.run

    @functools.wraps(original)
    def run(self: Any, inputs: Optional[Dict[Text, Any]] = None,
            targets: Optional[List[Text]] = None) -> Dict[Text, Any]:
        return run_graph_in_order(self, inputs, targets)

    DaskGraphRunner.run = _marked(run, "plain_graph_runner")


def _plain_graph_runner_installed() -> bool:
    from rasa.engine.runner.dask import DaskGraphRunner

    return _is_patched(DaskGraphRunner.run)


# --- 6. skops_type_lookup -------------------------------------------------------------------

PINNED_SKOPS = "0.9.0"
_MISSING = object()


def fast_getattribute(obj: Any, name: str) -> Any:
    """``skops.io._utils._getattribute`` (a copy of pickle's): the same object or the same
    ``AttributeError``, without formatting the module's repr into a message nobody reads, and
    with a plain module's attribute read from its ``__dict__`` (what ``getattr`` does for a
    module without ``__getattr__``, for a name that is not a dunder)."""
    parent = obj
    for subpath in name.split("."):
        if subpath == "<locals>":
            raise AttributeError(f"Can't get local attribute {name!r} on {obj!r}")
        parent = obj
        if (type(obj) is ModuleType and not subpath.startswith("__")
                and "__getattr__" not in obj.__dict__):
            obj = obj.__dict__.get(subpath, _MISSING)
        else:
            obj = getattr(obj, subpath, _MISSING)
        if obj is _MISSING:
            raise AttributeError(f"Can't get attribute {name!r}")
    return obj, parent


class _SkopsUtilsFinder(importlib.abc.MetaPathFinder):
    """Swaps ``_getattribute`` into ``skops.io._utils`` as it is imported, before
    ``skops.io._trusted_types`` uses it at import time."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != "skops.io._utils":
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_patch(module: ModuleType) -> None:
            exec_module(module)
            module._getattribute = fast_getattribute

        spec.loader.exec_module = exec_and_patch  # type: ignore[method-assign]
        return spec


_skops_finder = _SkopsUtilsFinder()


def _install_skops_type_lookup(environ: Mapping[str, str]) -> None:
    from importlib.metadata import version

    if version("skops") != PINNED_SKOPS or "skops.io._utils" in sys.modules:
        return  # another skops, or already imported (nothing left to speed up)
    if _skops_finder not in sys.meta_path:
        sys.meta_path.insert(0, _skops_finder)


def _skops_type_lookup_installed() -> bool:
    utils = sys.modules.get("skops.io._utils")
    if utils is not None:
        return getattr(utils, "_getattribute", None) is fast_getattribute
    return _skops_finder in sys.meta_path


# --- 7. sql_tracker_store ------------------------------------------------------------------


def fast_sql_factory(original: Callable[..., Any]) -> Callable[..., Any]:
    """Rasa's ``_create_from_endpoint_config`` that builds
    :class:`~maina_rasa.tracker_store.FastSQLTrackerStore` for ``type: SQL``, with the
    arguments Rasa gives its ``SQLTrackerStore``; any other type goes to Rasa's code."""

    @functools.wraps(original)
    def _create_from_endpoint_config(endpoint_config: Any = None, domain: Any = None,
                                     event_broker: Any = None) -> Any:
        kind = getattr(endpoint_config, "type", None)
        if not isinstance(kind, str) or kind.lower() != "sql":
            return original(endpoint_config, domain, event_broker)
        from rasa.shared.core.domain import Domain

        from maina_rasa.tracker_store import FastSQLTrackerStore

        store = FastSQLTrackerStore(
            domain=domain or Domain.empty(),
            host=endpoint_config.url,
            event_broker=event_broker,
            **endpoint_config.kwargs,
        )
        logger.debug("Connected to %s (for type: SQL).", type(store).__name__)
        return store

    return _marked(_create_from_endpoint_config, "sql_tracker_store")


def _install_sql_tracker_store(environ: Mapping[str, str]) -> None:
    import rasa.core.tracker_store as rasa_tracker_store

    if not _is_patched(rasa_tracker_store._create_from_endpoint_config):
        rasa_tracker_store._create_from_endpoint_config = fast_sql_factory(
            rasa_tracker_store._create_from_endpoint_config
        )


def _sql_tracker_store_installed() -> bool:
    import rasa.core.tracker_store as rasa_tracker_store

    return _is_patched(rasa_tracker_store._create_from_endpoint_config)


# --- 8. model_domain_once ------------------------------------------------------------------


def model_domain(path: Text) -> Any:
    """``Domain.from_path`` of a model's stored domain without re-validating it, each file
    parsed once (see ``model_domain_once`` above)."""
    import rasa.shared.utils.io as rasa_io
    from rasa.shared.core.domain import ALL_DOMAIN_KEYS, Domain
    from rasa.shared.data import is_likely_yaml_file
    from rasa.shared.utils.validation import validate_training_data_format_version

    if os.path.isfile(path):
        return Domain.from_path(path)  # Rasa's models store a directory
    combined: Dict[Text, Any] = {}
    for root, _, files in os.walk(path, followlinks=True):
        for file in files:
            full_path = os.path.join(root, file)
            if not is_likely_yaml_file(full_path):
                continue
            content = rasa_io.read_yaml_file(full_path)
            if not any(key in content for key in ALL_DOMAIN_KEYS):
                continue
            validate_training_data_format_version(content, full_path)
            combined = Domain.merge_domain_dicts(content, combined)
    return Domain.from_dict(combined)


def _install_model_domain_once(environ: Mapping[str, str]) -> None:
    from rasa.graph_components.providers.domain_provider import DomainProvider

    if _is_patched(DomainProvider.load):
        return
    original = DomainProvider.load.__func__

    @functools.wraps(original)
    def load(cls: Any, config: Dict[Text, Any], model_storage: Any, resource: Any,
             execution_context: Any, **kwargs: Any) -> Any:
        with model_storage.read_from(resource) as resource_directory:
            domain = model_domain(os.path.abspath(resource_directory))
        return cls(model_storage, resource, domain)

    DomainProvider.load = classmethod(_marked(load, "model_domain_once"))


def _model_domain_once_installed() -> bool:
    from rasa.graph_components.providers.domain_provider import DomainProvider

    return _is_patched(DomainProvider.load)


# --- the list --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Patch:
    name: str
    replaces: str
    reason: str
    test: str
    speedup: bool
    install: Callable[[Mapping[str, str]], None]
    installed: Callable[[], bool]


PATCHES = (
    Patch("action_budget",
          "rasa.core.actions.action.RemoteAction.run, "
          "rasa.core.processor.MessageProcessor.handle_message",
          "one turn waits at most MAINA_ACTION_TIMEOUT for the action server (Rasa: 300 s "
          "per call, several calls per turn)",
          "tests/unit/test_patches.py, tests/e2e/test_resilience.py",
          False, _install_action_budget, _action_budget_installed),
    Patch("validator_once",
          "rasa.core.actions.action.RemoteAction._validate_action_result",
          "the action-server answer's JSON schema is checked once, not on every call",
          "tests/unit/test_patches.py::test_action_result_validation_unchanged",
          True, _install_validator_once, _validator_once_installed),
    Patch("fortran_coefficients",
          "rasa.nlu.classifiers.logistic_regression_classifier"
          ".LogisticRegressionClassifier.process",
          "no 6 MB copy of the classifier's coefficients on every message",
          "tests/unit/test_patches.py::test_fortran_order_gives_identical_probabilities",
          True, _install_fortran_coefficients, _fortran_coefficients_installed),
    Patch("rule_keys",
          "rasa.core.policies.rule_policy.RulePolicy._get_possible_keys",
          "each rule's states parsed once, and the scan of the conversation's states stops "
          "when no rule is left to decide (~220 rules × every state, twice per prediction)",
          "tests/unit/test_patches.py::test_rule_keys_are_rasas",
          True, _install_rule_keys, _rule_keys_installed),
    Patch("plain_graph_runner",
          "rasa.engine.runner.dask.DaskGraphRunner.run",
          "the NLU and policy graphs run node after node in a fixed order, without building "
          "and scheduling a dask graph for every message and every prediction",
          "tests/unit/test_patches.py::test_plain_graph_runner_gives_dasks_results",
          True, _install_plain_graph_runner, _plain_graph_runner_installed),
    Patch("skops_type_lookup",
          "skops.io._utils._getattribute (skops 0.9.0, as skops.io is imported)",
          "importing skops.io (the logistic regression's loader) looks up ~765 NumPy/SciPy "
          "ufuncs in every loaded module (~5,600 with TensorFlow): 6.4 s CPU of the cold "
          "start, mostly formatting error messages nobody reads",
          "tests/unit/test_patches.py::test_skops_type_lookup_is_skops",
          True, _install_skops_type_lookup, _skops_type_lookup_installed),
    Patch("sql_tracker_store",
          "rasa.core.tracker_store._create_from_endpoint_config (type: SQL)",
          "Rasa's own `type: SQL` in endpoints.yml gets the project's SQL store (WAL on "
          "SQLite, saved trackers reused after a one-row check, no count query): same "
          "table, same rows, a subclass of SQLTrackerStore",
          "tests/unit/test_fast_tracker_store.py::"
          "test_type_sql_from_endpoints_gets_the_fast_store",
          True, _install_sql_tracker_store, _sql_tracker_store_installed),
    Patch("model_domain_once",
          "rasa.graph_components.providers.domain_provider.DomainProvider.load",
          "a model's own domain (validated at training) is parsed once when the model loads, "
          "not four times plus a pykwalify schema check: ~2.5 s CPU of the cold start",
          "tests/unit/test_patches.py::test_model_domain_once_is_rasas_domain",
          True, _install_model_domain_once, _model_domain_once_installed),
)


def speedups_enabled(environ: Optional[Mapping[str, str]] = None) -> bool:
    raw = (environ if environ is not None else os.environ).get(SPEEDUPS_ENV, "")
    return raw.strip().lower() not in ("0", "false", "no", "off")


def apply(environ: Optional[Mapping[str, str]] = None) -> List[str]:
    """Checks the Rasa version, installs the patches; returns the names installed.

    Idempotent. Raises :class:`RasaVersionError` on any Rasa but :data:`PINNED_RASA`.
    """
    environ = os.environ if environ is None else environ
    check_rasa_version()
    speedups = speedups_enabled(environ)
    skip = {name.strip() for name in environ.get(SKIP_ENV, "").split(",") if name.strip()}
    names = []
    for patch in PATCHES:
        if patch.speedup and (not speedups or patch.name in skip):
            continue
        patch.install(environ)
        names.append(patch.name)
    logger.info("rasa.patches applied=%s", ",".join(names))
    return names
