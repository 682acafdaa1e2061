"""Start, check and stop the action server and Rasa on localhost (`make run`, tests, bench, load).

Command line: ``python -m maina_ops servers start|stop|shell`` (maina_ops/__main__.py).
Settings come from the environment, with defaults from scripts/defaults.env.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, Optional

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
DEFAULTS = ROOT / "scripts" / "defaults.env"


def settings(overrides: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """defaults.env, then the process environment, then explicit overrides."""
    env: Dict[str, str] = {}
    for line in DEFAULTS.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            env[key.strip()] = value.strip()
    merged = dict(os.environ)
    for key, value in env.items():
        merged.setdefault(key, value)
    merged.update(overrides or {})
    return merged


def _get(url: str, timeout: float = 2.0) -> Optional[str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError, ValueError):
        return None


def wait_until_up(url: str, seconds: float, proc: Optional[subprocess.Popen] = None) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        if _get(url) is not None:
            return True
        time.sleep(0.5)
    return False


def start_action_server(env: Dict[str, str], run_dir: Path) -> subprocess.Popen:
    log = open(run_dir / f"actions-{env['MAINA_ACTION_PORT']}.log", "ab")
    return subprocess.Popen(
        # `rasa run actions` after the start-up checks (facts file; maina_rasa/startup.py)
        [str(VENV_BIN / "python"), "-m", "maina_rasa.action_server", "--actions", "actions",
         "--port", env["MAINA_ACTION_PORT"]],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )


def start_rasa(
    env: Dict[str, str], run_dir: Path, model: str, endpoints: str = "endpoints.yml"
) -> subprocess.Popen:
    log = open(run_dir / f"rasa-{env['MAINA_RASA_PORT']}.log", "ab")
    command = [
        str(VENV_BIN / "rasa"), "run", "--model", model,
        "--endpoints", endpoints, "--credentials", "credentials.yml",
        "--port", env["MAINA_RASA_PORT"], "--interface", env.get("MAINA_INTERFACE", "127.0.0.1"),
        "--response-timeout", env.get("MAINA_RESPONSE_TIMEOUT", "30"),
        "--cors", *env.get("MAINA_CORS_ORIGINS", "*").split(),
    ]
    token = env.get("MAINA_API_TOKEN", "")
    if token:  # the HTTP API stays off unless protected by a token
        command += ["--enable-api", "--auth-token", token]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )


def _reap(pid: int) -> None:
    """Collect the exit status if ``pid`` is our own child: a zombie still counts as a
    member of its process group, so without this the wait below always ran to SIGKILL."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:  # not our child (e.g. `make stop`): init reaps it
        pass


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def start_bot(run_dir: Path, rasa_port: int, action_port: int, model: str,
              overrides: Optional[Dict[str, str]] = None):
    """A private bot for tests and measurements: own ports and SQLite tracker in ``run_dir``.

    Returns (env, action server process, Rasa process, started: bool).
    """
    env = settings({
        "MAINA_RASA_PORT": str(rasa_port),
        "MAINA_ACTION_PORT": str(action_port),
        "MAINA_ACTION_URL": f"http://127.0.0.1:{action_port}/webhook",
        "MAINA_TRACKER_URL": f"sqlite:///{run_dir}/tracker.db",
        "MAINA_TRACKER_DB": str(run_dir / "tracker.db"),
        **(overrides or {}),
    })
    actions = start_action_server(env, run_dir)
    rasa = start_rasa(env, run_dir, model)
    ok = wait_until_up(f"http://127.0.0.1:{action_port}/health", 120, actions) and \
        wait_until_up(f"http://127.0.0.1:{rasa_port}/", 300, rasa)
    return env, actions, rasa, ok


def stop_process(pid: int, seconds: float = 10.0) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        return
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        _reap(pid)
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def start(model: str = "models/maina.tar.gz") -> Dict[str, str]:
    """`make run`: both servers in the background (pids in run/pids.json); their settings.

    Raises RuntimeError (after stopping what started) if they do not come up.
    """
    env = settings()
    run_dir = ROOT / "run"
    run_dir.mkdir(exist_ok=True)
    stop()
    actions = start_action_server(env, run_dir)
    rasa = start_rasa(env, run_dir, model)
    (run_dir / "pids.json").write_text(json.dumps({"actions": actions.pid, "rasa": rasa.pid}))
    ok_actions = wait_until_up(f"http://127.0.0.1:{env['MAINA_ACTION_PORT']}/health", 120, actions)
    ok_rasa = wait_until_up(f"http://127.0.0.1:{env['MAINA_RASA_PORT']}/", 300, rasa)
    if not (ok_actions and ok_rasa):
        stop()
        raise RuntimeError("Servers did not start; see run/*.log")
    return env


def stop() -> None:
    """Stops what :func:`start` started."""
    pid_file = ROOT / "run" / "pids.json"
    if pid_file.exists():
        for pid in json.loads(pid_file.read_text()).values():
            stop_process(int(pid))
        pid_file.unlink()


def shell() -> int:
    """`rasa shell` in the terminal with the same settings (the action server from `make run`
    answers the calculator). Rasa's command-line channel has no My Number guard: for operators."""
    env = settings()
    command = [str(VENV_BIN / "rasa"), "shell", "--model", "models/maina.tar.gz",
               "--endpoints", "endpoints.yml"]
    return subprocess.call(command, cwd=ROOT, env=env)
