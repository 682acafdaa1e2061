"""maina_rasa.runtime: the per-turn action-server budget (MAINA_ACTION_TIMEOUT).

The wrappers are tested here on stand-ins for Rasa's methods (fast, no Rasa import);
tests/e2e/test_resilience.py checks the installed budget in a real Rasa process.
"""
from __future__ import annotations

import asyncio
import time

import pytest

from maina_rasa import runtime


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


run = runtime._budgeted_run(_original_run, Failed)
handle = runtime._budgeted_handle_message(_original_handle)


@pytest.mark.parametrize("raw,expected", [
    ("", 2.0), ("  ", 2.0), ("1.5", 1.5), ("300", 300.0), ("0", 2.0), ("-1", 2.0),
    ("nan", 2.0), ("inf", 2.0), ("301", 2.0), ("abc", 2.0),
])
def test_action_timeout_from_the_environment(raw, expected):
    assert runtime.action_timeout({runtime.ACTION_TIMEOUT_ENV: raw}) == expected
    assert runtime.action_timeout({}) == runtime.DEFAULT_ACTION_TIMEOUT == 2.0


def test_fast_actions_are_untouched(monkeypatch):
    monkeypatch.setitem(runtime._settings, "timeout", 0.5)
    actions = [FakeAction(f"a{i}", 0.01) for i in range(5)]
    assert asyncio.run(handle(None, actions)) == [f"a{i} done" for i in range(5)]


def test_the_budget_is_per_turn_not_per_call(monkeypatch):
    """A hung server costs the budget once per turn, however many actions follow."""
    monkeypatch.setitem(runtime._settings, "timeout", 0.3)
    actions = [FakeAction("form", 5), FakeAction("answer", 5), FakeAction("other", 5)]
    start = time.monotonic()
    results = asyncio.run(handle(None, actions))
    elapsed = time.monotonic() - start
    assert 0.25 < elapsed < 1.0, elapsed
    assert all(r.startswith("failed:") for r in results), results
    assert "no answer from the action server" in results[0]
    assert [a.calls for a in actions] == [1, 0, 0]  # later calls fail at once


def test_later_calls_get_what_is_left(monkeypatch):
    monkeypatch.setitem(runtime._settings, "timeout", 0.5)
    actions = [FakeAction("slowish", 0.3), FakeAction("too_slow", 0.4)]
    results = asyncio.run(handle(None, actions))
    assert results[0] == "slowish done"
    assert results[1].startswith("failed:")


def test_turns_do_not_share_a_budget(monkeypatch):
    monkeypatch.setitem(runtime._settings, "timeout", 0.3)

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
    monkeypatch.setitem(runtime._settings, "timeout", 0.2)
    with pytest.raises(Failed):
        asyncio.run(run(FakeAction("hung", 5), None, None, None, None))
    assert asyncio.run(run(FakeAction("fast", 0.01), None, None, None, None)) == "fast done"


def test_wrappers_are_marked_so_apply_is_idempotent():
    assert getattr(run, runtime._WRAPPED) and getattr(handle, runtime._WRAPPED)
