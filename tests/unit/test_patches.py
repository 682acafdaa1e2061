"""maina_rasa.patches: the changes to Rasa's code, each proved here, and the version check.

The action-server budget's wrappers are tested on stand-ins for Rasa's methods (fast);
tests/e2e/test_resilience.py checks the installed budget in a real Rasa process.
"""
from __future__ import annotations

import asyncio
import time

import pytest

from maina_rasa import patches, startup


class Failed(Exception):
    pass


class FakeAction:
    def __init__(self, name: str, delay: float) -> None:
        self._name, self.delay, self.calls = name, delay, 0

    def name(self) -> str:
        return self._name


async def _original_run(self: FakeAction, output_channel, nlg, tracker, domain):
    self.calls += 1
    await asyncio.sleep(self.delay)
    return f"{self._name} done"


async def _original_handle(self, actions):
    results = []
    for action in actions:
        try:
            results.append(await run(action, None, None, None, None))
        except Failed as error:
            results.append(f"failed: {error}")
    return results


run = patches.budgeted_run(_original_run, Failed)
handle = patches.budgeted_handle_message(_original_handle)


@pytest.mark.parametrize("raw,expected", [
    ("", 2.0), ("  ", 2.0), ("1.5", 1.5), ("300", 300.0), ("0", 2.0), ("-1", 2.0),
    ("nan", 2.0), ("inf", 2.0), ("301", 2.0), ("abc", 2.0),
])
def test_action_timeout_from_the_environment(raw, expected):
    assert patches.action_timeout({patches.ACTION_TIMEOUT_ENV: raw}) == expected
    assert patches.action_timeout({}) == patches.DEFAULT_ACTION_TIMEOUT == 2.0


def test_fast_actions_are_untouched(monkeypatch):
    monkeypatch.setitem(patches._settings, "timeout", 0.5)
    actions = [FakeAction(f"a{i}", 0.01) for i in range(5)]
    assert asyncio.run(handle(None, actions)) == [f"a{i} done" for i in range(5)]


def test_the_budget_is_per_turn_not_per_call(monkeypatch):
    """A hung server costs the budget once per turn, however many actions follow."""
    monkeypatch.setitem(patches._settings, "timeout", 0.3)
    actions = [FakeAction("form", 5), FakeAction("answer", 5), FakeAction("other", 5)]
    start = time.monotonic()
    results = asyncio.run(handle(None, actions))
    elapsed = time.monotonic() - start
    assert 0.25 < elapsed < 1.0, elapsed
    assert all(r.startswith("failed:") for r in results), results
    assert "no answer from the action server" in results[0]
    assert [a.calls for a in actions] == [1, 0, 0]  # later calls fail at once


def test_later_calls_get_what_is_left(monkeypatch):
    monkeypatch.setitem(patches._settings, "timeout", 0.5)
    actions = [FakeAction("slowish", 0.3), FakeAction("too_slow", 0.4)]
    results = asyncio.run(handle(None, actions))
    assert results[0] == "slowish done"
    assert results[1].startswith("failed:")


def test_turns_do_not_share_a_budget(monkeypatch):
    monkeypatch.setitem(patches._settings, "timeout", 0.3)

    async def two_turns():
        first = await handle(None, [FakeAction("hung", 5)])
        second = await handle(None, [FakeAction("fast", 0.01)])
        concurrent = await asyncio.gather(
            handle(None, [FakeAction("hung2", 5)]), handle(None, [FakeAction("fast2", 0.05)])
        )
        return first, second, concurrent

    first, second, concurrent = asyncio.run(two_turns())
    assert first[0].startswith("failed:")
    assert second == ["fast done"]
    assert concurrent[0][0].startswith("failed:") and concurrent[1] == ["fast2 done"]


def test_outside_a_turn_each_call_gets_the_timeout(monkeypatch):
    monkeypatch.setitem(patches._settings, "timeout", 0.2)
    with pytest.raises(Failed):
        asyncio.run(run(FakeAction("hung", 5), None, None, None, None))
    assert asyncio.run(run(FakeAction("fast", 0.01), None, None, None, None)) == "fast done"


def test_wrappers_are_marked_so_apply_is_idempotent():
    assert patches._is_patched(run) and patches._is_patched(handle)


# --- the speed-ups: same results -----------------------------------------------------------


def test_action_result_validation_unchanged() -> None:
    import jsonschema
    from rasa.core.actions.action import RemoteAction
    from rasa.utils.endpoints import EndpointConfig

    patches.apply()
    assert patches._validator_once_installed()
    action = RemoteAction("validate_lifecycle_form", EndpointConfig("http://127.0.0.1:1"))
    good = {"events": [{"event": "slot", "name": "birth_date", "value": "2000-01-01"}],
            "responses": [{"text": "ok"}]}
    assert action._validate_action_result(good) is True
    for bad in ({"events": "x", "responses": []}, {"events": [], "responses": [1]}):
        with pytest.raises(jsonschema.ValidationError) as ours:
            action._validate_action_result(bad)
        with pytest.raises(jsonschema.ValidationError) as theirs:
            jsonschema.validate(bad, action.action_response_format_spec())
        assert ours.value.message.startswith(theirs.value.message)
        assert "Failed to validate Action server response" in ours.value.message


def test_fortran_order_gives_identical_probabilities() -> None:
    import numpy as np
    import scipy.sparse
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(13)
    x = scipy.sparse.random(200, 3000, density=0.01, format="csr", random_state=13)
    y = rng.integers(0, 12, size=200)
    clf = LogisticRegression(solver="lbfgs", max_iter=300, class_weight="balanced").fit(x, y)
    clf.coef_ = np.ascontiguousarray(clf.coef_)  # as a model loaded from disk has it
    assert not clf.coef_.flags.f_contiguous
    rows = x[:20]
    before = clf.predict_proba(rows)
    clf.coef_ = np.asfortranarray(clf.coef_)  # what the patch does once
    assert np.array_equal(before, clf.predict_proba(rows))  # bit for bit


def _random_rule_state(rng, should_not_be_set, start=False):
    if start or rng.random() < 0.08:
        state = {}  # a conversation's start: no previous action
    elif rng.random() < 0.1:
        state = {"prev_action": {"action_text": rng.choice(["hi", "bye"])}}
    else:
        state = {"prev_action": {"action_name": rng.choice(
            ["action_listen", "utter_a", "utter_b", "lifecycle_form"])}}
    if rng.random() < 0.7:
        state["user"] = {"intent": rng.choice(["ask_fee", "ask_where", "greet", "affirm"])}
        if rng.random() < 0.3:
            state["user"]["entities"] = rng.choice([["date"], ["date", "case"], []])
    if rng.random() < 0.4:
        state["slots"] = {rng.choice(["language", "case"]): rng.choice(
            [[1.0], [0.0, 1.0], should_not_be_set, None])}
    if rng.random() < 0.3:
        state["active_loop"] = {"name": rng.choice(["lifecycle_form", should_not_be_set])}
    return state


def _as_conversation_state(rule_state, rng):
    """A conversation state near a rule state: the featurizer's tuples, some values changed."""
    state = {}
    for state_type, sub_state in rule_state.items():
        state[state_type] = {k: tuple(v) if isinstance(v, list) else v
                             for k, v in sub_state.items()}
        if rng.random() < 0.2 and state[state_type]:
            key = rng.choice(sorted(state[state_type]))
            state[state_type][key] = rng.choice(["greet", "utter_b", (1.0,), None])
    return state


def test_rule_keys_are_rasas() -> None:
    """The patched ``_get_possible_keys`` gives Rasa's set on rules and conversations of
    every shape: starts of conversations, negative slot/loop conditions, tuples, long
    conversations (the scan stops early), no applicable rule at all."""
    import json
    import random

    from rasa.core.policies.rule_policy import SHOULD_NOT_BE_SET, RulePolicy

    patches.apply()
    assert patches._rule_keys_installed()
    rasa_get_possible_keys = RulePolicy._get_possible_keys.__wrapped__
    rng = random.Random(17)
    lookup = {}
    for i in range(300):
        length = rng.randint(1, 5)
        states = [_random_rule_state(rng, SHOULD_NOT_BE_SET, start=(j == 0 and i % 7 == 0))
                  for j in range(length)]
        lookup[json.dumps(states, sort_keys=True)] = f"action_{i % 13}"
    rule_states = [json.loads(key) for key in lookup]
    policy = RulePolicy.__new__(RulePolicy)
    checked = non_empty = 0
    for _ in range(400):
        base = rng.choice(rule_states)
        prefix = [_as_conversation_state(_random_rule_state(rng, SHOULD_NOT_BE_SET), rng)
                  for _ in range(rng.randint(0, 12))]
        if rng.random() < 0.1:
            prefix = [{}] + prefix  # the conversation's start
        states = prefix + [_as_conversation_state(s, rng) for s in base]
        expected = rasa_get_possible_keys(policy, lookup, states)
        assert policy._get_possible_keys(lookup, states) == expected
        checked += 1
        non_empty += bool(expected)
    assert checked == 400 and 50 < non_empty < 400  # both outcomes were exercised
    assert policy._get_possible_keys(lookup, []) == set(lookup)


class _Node:
    """A graph node that records its arguments and answers ``(name, output)``."""

    def __init__(self, name, calls, fail=False):
        self.name, self.calls, self.fail = name, calls, fail

    def __call__(self, *inputs):
        self.calls.append((self.name, inputs))
        if self.fail:
            raise RuntimeError("boom")
        return self.name, f"{self.name}({','.join(str(i[1]) if isinstance(i, tuple) else i for i in inputs)})"


def _runner(calls, fail=()):
    from rasa.engine.graph import GraphSchema, SchemaNode
    from rasa.engine.runner.dask import DaskGraphRunner

    needs = {
        "convert": {"messages": "__message__"},
        "tokens": {"messages": "convert"},
        "features_a": {"messages": "tokens"},
        "features_b": {"messages": "tokens", "other": "features_a"},
        "classify": {"messages": "features_b", "extra": "not_a_node"},
        "domain": {},
        "policy": {"tracker": "__tracker__", "domain": "domain", "rules": "domain"},
        "select": {"p": "policy", "m": "classify"},
        "unused": {"x": "domain"},
    }
    schema = GraphSchema({
        name: SchemaNode(needs=n, uses=object, constructor_name="load", fn="run", config={},
                         is_target=name in ("select", "unused"))
        for name, n in needs.items()
    })
    runner = DaskGraphRunner.__new__(DaskGraphRunner)
    runner._graph_schema = schema
    runner._instantiated_nodes = {name: _Node(name, calls, name in fail) for name in needs}
    runner._execution_context = None
    return runner


@pytest.mark.parametrize("targets", [None, ["select"], ["classify"], ["policy", "classify"]])
def test_plain_graph_runner_gives_dasks_results(targets) -> None:
    from rasa.engine.runner.dask import DaskGraphRunner

    patches.apply()
    assert patches._plain_graph_runner_installed()
    dask_run = DaskGraphRunner.run.__wrapped__
    inputs = {"__message__": "hello", "__tracker__": "t1"}
    dask_calls, our_calls = [], []
    expected = dask_run(_runner(dask_calls), inputs, targets)
    runner = _runner(our_calls)
    assert runner.run(inputs, targets) == expected
    assert sorted(our_calls) == sorted(dask_calls)  # each node once, same arguments
    our_calls.clear()
    assert runner.run({"__message__": "again", "__tracker__": "t2"}, targets) == \
        dask_run(_runner([]), {"__message__": "again", "__tracker__": "t2"}, targets)
    assert len(our_calls) == len(dask_calls)  # the cached order runs the same nodes


def test_plain_graph_runner_fails_like_dask() -> None:
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    patches.apply()
    dask_run = DaskGraphRunner.run.__wrapped__
    inputs = {"__message__": "hello", "__tracker__": "t1"}
    for run in (dask_run, DaskGraphRunner.run):
        with pytest.raises(GraphRunError, match="Error running runner"):
            run(_runner([], fail=("features_b",)), inputs, ["select"])
        with pytest.raises(GraphRunError, match="clashes with a node name"):
            run(_runner([]), {"__message__": "tokens"}, ["select"])


def test_model_domain_once_is_rasas_domain(tmp_path) -> None:
    """The project's domain, stored in a model as training stores it, loads into the same
    domain as Rasa's ``DomainProvider.load`` gives (every key, slots, responses, session
    config, fingerprint); so do a domain split over files and a file that is not a domain."""
    from pathlib import Path

    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.graph_components.providers.domain_provider import DomainProvider
    from rasa.shared.importers.importer import TrainingDataImporter

    patches.apply()
    assert patches._model_domain_once_installed()
    rasa_load = DomainProvider.load.__wrapped__
    root = Path(__file__).resolve().parents[2]
    domain = TrainingDataImporter.load_from_config(
        str(root / "config.yml"), str(root / "domain.yml"), [str(root / "data")]
    ).get_domain()
    assert len(domain.responses) > 100 and domain.slots and domain.forms
    (tmp_path / "storage").mkdir()
    storage = LocalModelStorage(tmp_path / "storage")
    resource = Resource("domain_provider")
    DomainProvider(storage, resource)._persist(domain)  # what training writes
    with storage.write_to(Resource("split")) as directory:
        (directory / "a.yml").write_text('version: "3.1"\nintents: [greet, bye]\n'
                                         'responses:\n  utter_hi: [{text: "やあ 😀"}]\n',
                                         encoding="utf-8")
        (directory / "sub").mkdir()
        (directory / "sub" / "b.yml").write_text(
            'version: "3.1"\nintents: [bye, ask]\nslots:\n  s: {type: text, '
            'mappings: [{type: custom}]}\nsession_config: {session_expiration_time: 5}\n',
            encoding="utf-8")
        (directory / "notes.yml").write_text("nlu: []\n", encoding="utf-8")
        (directory / "readme.txt").write_text("intents: [x]\n", encoding="utf-8")
    for name in ("domain_provider", "split"):
        ours = DomainProvider.load({}, storage, Resource(name), None).provide_inference()
        theirs = rasa_load(DomainProvider, {}, storage, Resource(name), None)\
            .provide_inference()
        assert ours.as_dict() == theirs.as_dict()
        assert ours.fingerprint() == theirs.fingerprint()
        assert [s.as_feature() for s in ours.slots] == [s.as_feature() for s in theirs.slots]
        assert ours.session_config == theirs.session_config
    assert {"greet", "bye", "ask"} <= set(ours.intents) and "x" not in ours.intents
    assert ours.responses["utter_hi"] == [{"text": "やあ 😀"}]
    assert ours.session_config.session_expiration_time == 5


def test_model_domain_once_parses_once_without_the_schema_check(tmp_path, monkeypatch):
    import rasa.shared.utils.io as rasa_io
    import rasa.shared.utils.validation as validation

    patches.apply()
    (tmp_path / "domain.yml").write_text('version: "3.1"\nintents: [greet]\n',
                                         encoding="utf-8")
    parsed = []
    read_yaml = rasa_io.read_yaml
    monkeypatch.setattr(rasa_io, "read_yaml", lambda *a, **k: parsed.append(1) or
                        read_yaml(*a, **k))
    monkeypatch.setattr(validation, "validate_yaml_schema", lambda *a, **k: 1 / 0)
    assert "greet" in patches.model_domain(str(tmp_path)).intents
    assert parsed == [1]


_TRUSTED_NAMES = (
    "import rasa.core.agent, sys, json\n"  # the modules a server has loaded by then
    "from maina_rasa import patches\n"
    "if sys.argv[1] == '1':\n"
    "    patches.apply()\n"
    "    assert 'skops.io' not in sys.modules\n"
    "import skops.io._trusted_types as t\n"
    "assert patches._skops_type_lookup_installed() == (sys.argv[1] == '1')\n"
    "print(json.dumps({n: getattr(t, n) for n in dir(t) if n.endswith('_NAMES')}))\n"
)


def test_skops_type_lookup_is_skops() -> None:
    """skops' trusted type names (what decides whether a model file loads) are the same
    with the import hook, in a process that has Rasa and TensorFlow loaded."""
    import json
    import subprocess
    import sys
    import types

    import numpy as np

    root = str(__import__("pathlib").Path(__file__).parents[2])
    runs = [subprocess.Popen([sys.executable, "-c", _TRUSTED_NAMES, flag], cwd=root,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for flag in ("0", "1")]
    (stock, _), (ours, errors) = (run.communicate(timeout=300) for run in runs)
    assert runs[1].returncode == 0, errors[-2000:]
    stock_names, our_names = json.loads(stock), json.loads(ours)
    assert our_names == stock_names
    assert len(stock_names["NUMPY_UFUNC_TYPE_NAMES"]) > 50

    module = types.ModuleType("m")
    module.absolute = np.absolute
    lazy = types.ModuleType("lazy")
    lazy.__getattr__ = lambda name: np.add if name == "add" else (_ for _ in ()).throw(
        AttributeError(name))
    for obj, name in [(np, "absolute"), (module, "absolute"), (module, "nope"), (lazy, "add"),
                      (lazy, "nope"), (np, "linalg.norm"), (np, "linalg.nope"),
                      (np, "__name__"), (np, "a.<locals>.b"), (np.absolute, "__class__")]:
        try:
            want = _pickle_getattribute(obj, name)
        except AttributeError:
            with pytest.raises(AttributeError):
                patches.fast_getattribute(obj, name)
        else:
            got = patches.fast_getattribute(obj, name)
            assert got[0] is want[0] and got[1] is want[1], (obj, name)


def _pickle_getattribute(obj, name):
    """skops 0.9.0's ``_getattribute`` (pickle's), as it was before the patch."""
    for subpath in name.split("."):
        if subpath == "<locals>":
            raise AttributeError(name)
        try:
            parent = obj
            obj = getattr(obj, subpath)
        except AttributeError:
            raise AttributeError(name) from None
    return obj, parent


# --- applying them -------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["3.6.20", "3.6.22", "3.7.0", "4.0.0"])
def test_any_other_rasa_version_stops_start_up(version, monkeypatch):
    with pytest.raises(patches.RasaVersionError, match=f"Rasa {version} is installed.*3.6.21"):
        patches.check_rasa_version(version)
    monkeypatch.setattr("rasa.version.__version__", version)
    startup.reset()
    try:
        with pytest.raises(startup.StartupError, match=f"Rasa {version} is installed"):
            startup.prepare_rasa()
        with pytest.raises(patches.RasaVersionError):
            patches.apply()
    finally:
        startup.reset()


def test_the_pin_matches_the_lock_and_the_installed_rasa():
    from pathlib import Path

    lock = (Path(__file__).resolve().parents[2] / "requirements.lock").read_text()
    assert f"rasa=={patches.PINNED_RASA}\n" in lock
    assert patches.check_rasa_version() == patches.PINNED_RASA


def test_importing_the_package_changes_nothing():
    """No patch is an import side effect any more: a fresh interpreter proves it."""
    import subprocess
    import sys

    code = (
        "import rasa.core.processor, rasa.core.actions.action as a\n"
        "import maina_rasa, maina_rasa.tracker_store, maina_rasa.channels.rest, maina_rasa.nlg\n"
        "from maina_rasa import patches\n"
        "assert not any(p.installed() for p in patches.PATCHES), 'patched on import'\n"
        "from maina_rasa.channels.rest import GuardedRestInput\n"
        "GuardedRestInput.from_credentials({})  # start-up: what `rasa run` does first\n"
        "assert all(p.installed() for p in patches.PATCHES)\n"
        "assert a.DEFAULT_REQUEST_TIMEOUT == 2.0\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=300, cwd=str(__import__("pathlib").Path(__file__).parents[2]))
    assert result.returncode == 0, result.stderr[-3000:]


def test_speedups_can_be_left_out_the_budget_cannot():
    assert patches.speedups_enabled({})
    assert not patches.speedups_enabled({patches.SPEEDUPS_ENV: "0"})
    names = patches.apply({patches.SPEEDUPS_ENV: "off"})
    assert names == ["action_budget"]
    names = patches.apply({patches.SKIP_ENV: " rule_keys,model_domain_once,action_budget"})
    assert "rule_keys" not in names and "model_domain_once" not in names
    assert "action_budget" in names and "plain_graph_runner" in names
    assert patches.apply({}) == ["action_budget", "validator_once", "fortran_coefficients",
                                 "rule_keys", "plain_graph_runner", "skops_type_lookup",
                                 "sql_tracker_store", "model_domain_once"]


def test_every_patch_names_its_reason_and_an_existing_test():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for patch in patches.PATCHES:
        assert patch.reason and patch.replaces
        for test in patch.test.split(", "):
            path, _, name = test.partition("::")
            assert (root / path).exists(), test
            if name:
                assert f"def {name}(" in (root / path).read_text(), test
