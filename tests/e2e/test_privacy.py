"""Issue 5, privacy and security defaults, against real servers (the `lab_bot` fixture).

The My Number guard end to end: 「私のマイナンバーは1234-5678-9018です」 goes through each
channel (REST, socket.io, LINE); the bot warns and answers the rest; then the digits are
searched for in everything that keeps or sees user text:

* the SQLite tracker store (raw bytes of the file and any journal, and the decoded JSON:
  Rasa stores text with \\uXXXX escapes),
* the servers' logs (Rasa and the action server, INFO level as in production),
* every request body the action server received (a recording proxy sits in front of it),
* every call the bot made to the (fake) LINE API.

Positive controls make sure the searches are not vacuous: each conversation is in the
store with the mask marker, and the action server did receive each conversation's tracker.

Also: INFO logs carry no user text at all (a unique canary word), the HTTP API is off or
token-protected, CORS answers only configured origins, the action server listens on
loopback only, and no secret is committed.
"""
from __future__ import annotations

import json
import re
import subprocess
import uuid
from pathlib import Path
from typing import Dict, List

import pytest

import lab
from maina.mynumber import MARKER
from maina_rasa.channels import common

NUMBER = "1234-5678-9018"
NUMBER_MESSAGE = f"私のマイナンバーは{NUMBER}です"
CALCULATOR = "有効期限を調べる"
WARNING = common.render("my_number_warning", "ja")
ASKS_BIRTH_DATE = "生年月日"

# Anything that still shows the number: all 12 digits with up to 3 separators between
# any two, or two of its groups as typed. (Single groups like "1234" also occur in
# timestamps and ids, so they are not searched for.)
LEAKS = (
    lab.digit_pattern("123456789018"),
    re.compile(re.escape("1234-5678")),
    re.compile(re.escape("5678-9018")),
)

REST_SENDER = "privacy-rest-" + uuid.uuid4().hex[:8]
LINE_USER = "U" + uuid.uuid4().hex
LINE_SENDER = "line:" + LINE_USER


def leaks(text: str) -> List[str]:
    return [m.group(0) for pattern in LEAKS for m in pattern.finditer(text)]


@pytest.fixture(scope="module")
def sent(lab_bot) -> Dict[str, object]:
    """The number through every channel, then the calculator in the same conversation
    (so the action server is sent that conversation's tracker)."""
    replies: Dict[str, List[List[str]]] = {}
    rest = [lab_bot.ask(NUMBER_MESSAGE, REST_SENDER)]
    # the same number hidden in metadata: an allowed key (masked) and an unknown one (dropped)
    status, answer = lab_bot.post_rest({
        "sender": REST_SENDER, "message": "番号は書かないよ",
        "metadata": {"language": NUMBER, "note": NUMBER_MESSAGE},
    })
    assert status == 200, answer
    rest.append(answer)
    rest.append(lab_bot.ask(CALCULATOR, REST_SENDER))
    replies["rest"] = [[m.get("text", "") for m in turn] for turn in rest]

    socket_sender, replies["socketio"] = lab_bot.ask_socketio([NUMBER_MESSAGE, CALCULATOR])

    replies["line"] = [lab_bot.ask_line(NUMBER_MESSAGE, LINE_USER),
                       lab_bot.ask_line(CALCULATOR, LINE_USER)]
    return {
        "replies": replies,
        "senders": {"rest": REST_SENDER, "socketio": socket_sender, "line": LINE_SENDER},
    }


@pytest.mark.parametrize("channel", ["rest", "socketio", "line"])
def test_each_channel_warns_and_answers_the_rest(sent, channel):
    number_turn, *later = sent["replies"][channel]
    assert number_turn, f"{channel}: no answer"
    assert number_turn[0] == WARNING, number_turn
    assert len(number_turn) >= 2, f"{channel}: the rest of the message got no answer: {number_turn}"
    assert not leaks("\n".join(number_turn))
    assert any(ASKS_BIRTH_DATE in text for text in later[-1]), later[-1]


def test_the_store_has_each_conversation_masked(sent, lab_bot):
    """Positive control: the conversations are stored, with the marker where the number was."""
    for channel, sender in sent["senders"].items():
        events = lab_bot.tracker_events(sender)
        users = [e for e in events if e.get("event") == "user"]
        assert users, f"{channel}: conversation {sender!r} not in the tracker store"
        first = users[0]
        assert first["text"] == f"私のマイナンバーは{MARKER}です", (channel, first["text"])
        seen_by_nlu = first["parse_data"]["text"]  # the NLU pipeline drops the marker
        assert seen_by_nlu.startswith("私のマイナンバーは") and not leaks(seen_by_nlu)
        assert any(e.get("event") == "bot" for e in events), channel


def test_no_digits_in_the_tracker_store(sent, lab_bot):
    for path in lab.stored_files(lab_bot.tracker_db):
        raw = path.read_bytes().decode("latin-1")
        assert not leaks(raw), f"{path.name} holds the number"
    decoded = lab.decoded_texts(lab_bot.tracker_db)
    assert MARKER in decoded
    assert not leaks(decoded), leaks(decoded)


def test_no_digits_in_the_logs(sent, lab_bot):
    logs = sorted(lab_bot.run_dir.glob("*.log"))
    assert {p.name.split("-")[0] for p in logs} >= {"rasa", "actions"}
    for path in logs:
        found = leaks(path.read_text(errors="replace"))
        assert not found, f"{path.name}: {found}"


def test_no_digits_reach_the_action_server(sent, lab_bot):
    bodies = lab_bot.proxy.texts()
    assert bodies, "the action server was never called"
    for channel, sender in sent["senders"].items():
        seen = [b for b in bodies if json.dumps(sender)[1:-1] in b]
        assert seen, f"{channel}: the action server never saw conversation {sender!r}"
        assert any(MARKER in b for b in seen), f"{channel}: tracker without the masked turn"
    for body in bodies:
        assert not leaks(body), leaks(body)
    raw = b"\n".join(lab_bot.proxy.bodies).decode("latin-1")
    assert not leaks(raw)


def test_no_digits_go_to_line(sent, lab_bot):
    calls = lab_bot.line.calls
    assert calls, "the bot never called the LINE API"
    for call in calls:
        text = call.body.decode("utf-8", "replace")
        if call.json is not None:
            text += json.dumps(call.json, ensure_ascii=False)
        assert not leaks(text), (call.path, leaks(text))


# ------------------------------------------------------------------------------------------
# logs carry no user text at INFO


def test_info_logs_carry_no_user_text(lab_bot):
    canary = "zqcanary" + uuid.uuid4().hex[:12]
    lab_bot.ask(f"{canary} カードをなくした", "log-" + canary)
    lab_bot.ask(f"{canary}です", "log-" + canary)  # nlu_fallback path
    lab_bot.ask(CALCULATOR, "log-" + canary)
    lab_bot.ask(f"{canary} 1990年1月15日", "log-" + canary)  # the action server runs
    lab_bot.ask_socketio([f"{canary} 暗証番号を忘れた"], quiet=1.0)
    lab_bot.ask_line(f"{canary} 手数料はいくら？", "U" + canary)
    logs = lab_bot.logs()
    assert " INFO " in logs, "expected INFO-level logs"
    assert " DEBUG " not in logs, "servers must not log at DEBUG by default"
    assert canary not in logs, [line for line in logs.splitlines() if canary in line][:5]
    # nor Japanese user text (e.g. echoed in an error message)
    assert "カードをなくした" not in logs and "暗証番号を忘れた" not in logs


# ------------------------------------------------------------------------------------------
# security defaults


API_CALLS = [
    ("GET", "/status", None),
    ("GET", "/domain", None),
    ("POST", "/model/parse", b'{"text": "hello"}'),
    ("GET", "/conversations/someone/tracker", None),
    ("POST", "/conversations/someone/messages", b'{"text": "hi", "sender": "user"}'),
    ("POST", "/conversations/someone/trigger_intent", b'{"name": "greet"}'),
    ("PUT", "/model", b'{"model_file": "/etc/passwd"}'),
    ("DELETE", "/model", None),
]


@pytest.mark.parametrize("method,path,body", API_CALLS)
def test_http_api_is_off_without_a_token(bot, method, path, body):
    if bot.env.get("MAINA_API_TOKEN"):
        pytest.skip("MAINA_API_TOKEN is set in this environment: the API is on")
    status, _, _ = lab.http(method, bot.url + path, body, {"Content-Type": "application/json"})
    assert status in (404, 405), f"{method} {path}: {status}"


@pytest.mark.parametrize("method,path,body", API_CALLS)
def test_http_api_needs_the_token(lab_bot, method, path, body):
    headers = {"Content-Type": "application/json"}
    for query in ("", "?token=wrong", "?token="):
        status, _, _ = lab.http(method, lab_bot.url + path + query, body, headers)
        assert status in (401, 403), f"{method} {path}{query}: {status}"


def test_http_api_works_with_the_token(lab_bot):
    status, _, body = lab.http("GET", f"{lab_bot.url}/status?token={lab.API_TOKEN}")
    assert status == 200 and b"model_file" in body
    status, _, body = lab.http(
        "GET", f"{lab_bot.url}/conversations/{REST_SENDER}/tracker?token={lab.API_TOKEN}"
    )
    assert status == 200
    assert not leaks(body.decode("utf-8", "replace"))


def test_cors_default_is_not_everyone():
    defaults = lab.servers.settings({})  # what a deployment gets unless it says otherwise
    origins = (lab.ROOT / "scripts" / "defaults.env").read_text()
    assert "MAINA_CORS_ORIGINS=*" not in origins.replace(" ", "")
    assert defaults["MAINA_CORS_ORIGINS"].strip() not in ("*", ".*", "")


@pytest.mark.parametrize("path", ["/webhooks/rest/webhook", "/webhooks/line/webhook", "/",
                                  "/webhooks/rest/", "/status"])
@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://localhost.evil.example",
                                    "https://www.city.tomakomai.hokkaido.jp.evil.example"])
def test_cors_refuses_other_origins(lab_bot, path, origin):
    headers = {"Origin": origin, "Access-Control-Request-Method": "POST",
               "Access-Control-Request-Headers": "content-type"}
    status, answer_headers, _ = lab.http("OPTIONS", lab_bot.url + path, None, headers)
    assert status < 500
    lowered = {k.lower(): v for k, v in answer_headers.items()}
    assert "access-control-allow-origin" not in lowered, (status, answer_headers)
    body = json.dumps({"sender": "cors-test", "message": "こんにちは"}).encode()
    status, answer_headers, _ = lab.http(
        "POST", lab_bot.url + path, body, {"Origin": origin, "Content-Type": "application/json"}
    )
    assert status < 500
    assert "access-control-allow-origin" not in {k.lower() for k in answer_headers}


def test_cors_allows_a_configured_origin(lab_bot):
    """The default allows pages on this machine (any port), e.g. a developer's test page."""
    origin = "http://localhost:8080"
    body = json.dumps({"sender": "cors-test", "message": "こんにちは"}).encode()
    status, headers, _ = lab.http("POST", f"{lab_bot.url}/webhooks/rest/webhook", body,
                                  {"Origin": origin, "Content-Type": "application/json"})
    assert status == 200
    assert {k.lower(): v for k, v in headers.items()}.get("access-control-allow-origin") == origin


def _listening(port: int) -> List[str]:
    """Local addresses (hex, as in /proc/net/tcp*) listening on ``port``."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, state = fields[1], fields[3]
            if state == "0A" and int(address.rsplit(":", 1)[1], 16) == port:
                found.append(address.rsplit(":", 1)[0])
    return found


def test_servers_listen_on_loopback_only(lab_bot):
    loopback = {"0100007F", "00000000000000000000000001000000", "0000000000000000FFFF00000100007F"}
    for port in (lab_bot.rasa_port, lab_bot.action_port):
        addresses = _listening(port)
        assert addresses, f"nothing listens on {port}"
        assert set(addresses) <= loopback, f"port {port} listens on {addresses}"


SECRET_PATTERNS = [
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    re.compile(r"\bsk-[A-Za-z0-9]{32,}\b"),
    # a LINE channel secret is 32 hex digits, an access token ~170 base64 characters
    # a value (not ${ENV}, not an ENV_NAME) of 24+ token characters with lower case and digits
    re.compile(r"(?i:channel_secret|access_token|auth_token|password|secret)[ \t]*[:=][ \t]*['\"]?"
               r"(?=[\w+/=-]*[a-z])(?=[\w+/=-]*[0-9])[\w+/=-]{24,}"),
]


def test_no_secret_in_the_repository():
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=lab.ROOT, capture_output=True, check=True
    ).stdout.decode().split("\0")
    found = []
    for name in filter(None, files):
        path = lab.ROOT / name
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_bytes().decode("utf-8", "ignore")
        for pattern in SECRET_PATTERNS:
            found += [f"{name}: {m.group(0)[:40]}" for m in pattern.finditer(text)]
    assert not found, found
    # settings that are secrets have no value in the committed defaults
    defaults = (lab.ROOT / "scripts" / "defaults.env").read_text().splitlines()
    for line in defaults:
        key, _, value = line.partition("=")
        if re.search(r"SECRET|TOKEN|PASSWORD", key):
            assert not value.strip(), f"defaults.env sets {key}"
    for yml in ("credentials.yml", "endpoints.yml"):
        for key, value in re.findall(r"^\s*(\w*(?:secret|token|password)\w*):\s*(.*)$",
                                     (lab.ROOT / yml).read_text(), re.M | re.I):
            assert value.strip().startswith("${") or not value.strip(), f"{yml}: {key}"
