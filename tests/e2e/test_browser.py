"""The website chat widget (/chat/) and the office-tablet kiosk (/kiosk/) in a real browser.

Chromium is Debian's (/usr/bin/chromium), driven by Playwright for Python; axe-core comes
from web/vendor-test (npm). Install both with `bash scripts/install_browser_deps.sh`.

Against the real bot (the `bot_url` fixture of tests/e2e/conftest.py) by default; against the
canned stand-in tests/e2e/fake_bot.py with MAINA_E2E_FAKE=1 (or when no `bot_url` fixture
exists). Without Chromium/Playwright the browser tests are skipped, unless
MAINA_E2E_REQUIRE_BROWSER=1 (then they fail). The first tests need no browser: they mount
WebPages on a Sanic app the way Rasa does and check routes, headers and path handling.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple
from urllib.parse import unquote

import pytest
from _pytest.fixtures import FixtureLookupError

from maina import facts
from maina_rasa.channels.web import WebPages, build_config

ROOT = Path(__file__).resolve().parents[2]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
AXE_JS = ROOT / "web" / "vendor-test" / "node_modules" / "axe-core" / "axe.min.js"
WEB = ROOT / "web"
WEBHOOK = "/webhooks/rest/webhook"
SENDER = re.compile(r"^(web|kiosk)-[0-9a-f]{32}$")
PHONE = re.compile(r"0\d{1,4}-\d{1,4}-\d{2,4}")


def tel_href(number: str) -> str:
    return "tel:" + re.sub(r"\D", "", number)


# ------------------------------------------------------------------------------------------
# 1. No browser: WebPages mounted the way Rasa mounts input channels (ASGI, in process).
# ------------------------------------------------------------------------------------------

async def _asgi(app, method: str, raw_path: str, headers: Optional[Dict[str, str]] = None):
    """One HTTP request through Sanic's ASGI interface; (status, headers, body)."""
    path, _, query = raw_path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": unquote(path), "raw_path": path.encode(),
        "query_string": query.encode(), "root_path": "",
        "headers": [(b"host", b"bot.test")] + [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "client": ("127.0.0.1", 1234), "server": ("bot.test", 80),
    }
    sent: List[Dict[str, Any]] = []
    incoming = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive():
        if incoming:
            return incoming.pop(0)
        await asyncio.sleep(3600)

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    hdrs: Dict[str, str] = {}
    for key, value in start["headers"]:  # repeated headers joined, as a browser sees them
        name = key.decode().lower()
        hdrs[name] = f"{hdrs[name]}, {value.decode()}" if name in hdrs else value.decode()
    return start["status"], hdrs, body


def _mounted(channel: WebPages, name: str, cors: Optional[str] = None):
    """A Sanic app with the channel registered exactly like `rasa run` does it."""
    from rasa.core.channels.channel import register
    from sanic import Sanic

    Sanic.test_mode = True  # several apps in one process (as Rasa's own tests do)
    app = Sanic(name)
    if cors is not None:
        from rasa.server import configure_cors

        configure_cors(app, cors)  # `rasa run --cors …`
    register([channel], app, "/webhooks/")
    return app


def _requests(app, calls) -> List[Tuple[int, Dict[str, str], bytes]]:
    async def run():
        started: List[Dict[str, Any]] = []
        lifespan_in = [{"type": "lifespan.startup"}]

        async def receive():
            if lifespan_in:
                return lifespan_in.pop(0)
            await asyncio.sleep(3600)

        async def send(message):
            started.append(message)

        task = asyncio.ensure_future(app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send))
        for _ in range(500):
            if started:
                break
            await asyncio.sleep(0.01)
        assert started and started[0]["type"] == "lifespan.startup.complete", started
        try:
            return [await _asgi(app, *call) for call in calls]
        finally:
            task.cancel()

    return asyncio.run(run())


def test_routes_when_mounted_like_rasa():
    channel = WebPages(bot_url="https://bot.example/some/path")
    assert channel.url_prefix() == "/"
    app = _mounted(channel, "maina_web_routes")
    (chat, kiosk, js, css, kjs, svg, config, redirect, head) = _requests(app, [
        ("GET", "/chat/"), ("GET", "/kiosk/"), ("GET", "/static/maina/widget.js"),
        ("GET", "/static/maina/widget.css"), ("GET", "/static/maina/kiosk.js"),
        ("GET", "/static/maina/maina.svg"), ("GET", "/static/maina/config.json"),
        ("GET", "/chat"), ("HEAD", "/kiosk/"),
    ])
    assert chat[0] == 200 and chat[1]["content-type"] == "text/html; charset=utf-8"
    assert b'static/maina/widget.js' in chat[2]
    assert kiosk[0] == 200 and b'static/maina/kiosk.js' in kiosk[2]
    assert js[0] == 200 and js[1]["content-type"] == "text/javascript; charset=utf-8"
    assert css[1]["content-type"] == "text/css; charset=utf-8"
    assert kjs[0] == 200
    assert svg[1]["content-type"] == "image/svg+xml" and svg[2].lstrip().startswith(b"<svg")
    assert config[1]["content-type"] == "application/json; charset=utf-8"
    assert redirect[0] == 308 and redirect[1]["location"] == "chat/"
    assert head[0] == 200 and head[2] == b""

    for status, headers, _ in (chat, kiosk, js, svg, config):
        assert status == 200
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["etag"].startswith('"')
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp
        assert "connect-src 'self' https://bot.example;" in csp
        assert "script-src 'self' https://bot.example;" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "*" not in csp
    assert chat[1]["cache-control"] == "no-cache" and config[1]["cache-control"] == "no-cache"
    assert js[1]["cache-control"].startswith("public, max-age=")
    assert js[1]["access-control-allow-origin"] == "*"  # embedded by the city's own pages
    assert chat[1]["x-frame-options"] == "DENY"


@pytest.mark.parametrize("cors", [None, "*", "https://www.city.example"])
def test_one_cors_header_with_or_without_rasa_cors(cors):
    app = _mounted(WebPages(), "maina_web_cors_" + str(abs(hash(cors))), cors=cors)
    origin = {"Origin": "https://www.city.example"}
    (config, js, page) = _requests(app, [
        ("GET", "/static/maina/config.json", origin), ("GET", "/static/maina/widget.js", origin),
        ("GET", "/kiosk/", origin)])
    assert config[1]["access-control-allow-origin"] == "*"
    assert js[1]["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in config[1]
    assert page[0] == 200


def test_config_json_comes_from_facts():
    app = _mounted(WebPages(idle_seconds=45), "maina_web_config")
    ((status, _, body),) = _requests(app, [("GET", "/static/maina/config.json")])
    config = json.loads(body)
    assert status == 200
    assert config["city"]["tel"] == facts.value("city.tel")
    assert config["city"]["office"] == facts.value("city.office")
    assert config["hotline"]["free_dial"] == facts.value("hotline.free_dial")
    assert config["kiosk"]["idle_seconds"] == 45
    payloads = [item["payload"] for item in config["kiosk"]["menu"]]
    assert payloads == ["/lost_card", "/ask_my_expiry", "/pin_overview", "/konbini_what",
                        "/address_name_change", "/contact_city"]
    assert [lang["code"] for lang in config["languages"]][:2] == ["ja", "en"]
    assert {"zh", "vi", "ko"} <= set(config["ui"])
    assert config == build_config(45)


@pytest.mark.parametrize("path", [
    "/static/maina/../chat/index.html",
    "/static/maina/%2e%2e/%2e%2e/maina_rasa/channels/web.py",
    "/static/maina/..%2f..%2fcredentials.yml",
    "/static/maina/%2E%2E%5C%2E%2E%5Ccredentials.yml",
    "/static/maina/.hidden.js",
    "/static/maina/widget.js%00.css",
    "/static/maina/widget.js/",
    "/static/maina//widget.js",
    "/static/maina/nothing.js",
    "/static/maina/widget.exe",
    "/static/maina/",
    "/static/vendor-test/package.json",
    "/vendor-test/node_modules/axe-core/axe.min.js",
])
def test_static_paths_are_strict(path):
    app = _mounted(WebPages(), "maina_web_strict_" + str(abs(hash(path))))
    ((status, headers, body),) = _requests(app, [("GET", path)])
    assert status == 404, (path, status, body[:80])
    assert b"import" not in body and b"secret" not in body.lower()


def test_symlink_out_of_static_root_is_refused(tmp_path):
    (tmp_path / "static" / "maina").mkdir(parents=True)
    (tmp_path / "outside.js").write_text("SECRET")
    (tmp_path / "static" / "maina" / "ok.js").write_text("ok")
    (tmp_path / "static" / "maina" / "link.js").symlink_to(tmp_path / "outside.js")
    channel = WebPages(web_root=str(tmp_path))
    assert channel.resolve_static("ok.js") is not None
    assert channel.resolve_static("link.js") is None


def test_etag_revalidation():
    app = _mounted(WebPages(), "maina_web_etag")
    ((_, headers, _),) = _requests(app, [("GET", "/static/maina/widget.js")])
    ((status, _, body),) = _requests(_mounted(WebPages(), "maina_web_etag2"), [
        ("GET", "/static/maina/widget.js", {"If-None-Match": headers["etag"]})])
    assert status == 304 and body == b""


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "https://x.example; script-src *",
                                 "ftp://x.example", "https://", "https://a b.example"])
def test_bot_url_is_validated(bad):
    with pytest.raises(ValueError):
        WebPages(bot_url=bad)


def test_sources_build_dom_safely_and_type_no_numbers():
    """No innerHTML/eval/storage in the shipped JS; no phone number typed into JS/HTML/CSS."""
    pages = [WEB / "chat" / "index.html", WEB / "kiosk" / "index.html"]
    for path in list((WEB / "static" / "maina").iterdir()) + pages:
        text = path.read_text(encoding="utf-8")
        code = re.sub(r"/\*.*?\*/|(?<![:\\])//[^\n]*|<!--.*?-->", "", text, flags=re.S)  # no comments
        if path.suffix == ".js":
            for banned in (".innerHTML", ".outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                           "new Function", "localStorage", "sessionStorage", "document.cookie", "indexedDB"):
                assert banned not in code, f"{path.name} uses {banned}"
        found = PHONE.search(code)
        assert not found, f"{path.name} has a phone number typed in: {found and found.group(0)}"


# ------------------------------------------------------------------------------------------
# 2. In Chromium: fixtures
# ------------------------------------------------------------------------------------------

class Site:
    def __init__(self, url: str, fake: bool) -> None:
        self.url = url.rstrip("/")
        self.fake = fake


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def site(request) -> Iterator[Site]:
    """The real bot (conftest's `bot_url`) or, with MAINA_E2E_FAKE=1, tests/e2e/fake_bot.py.

    MAINA_E2E_URL=http://127.0.0.1:5005 uses a bot that is already running (`make run`).
    """
    if os.environ.get("MAINA_E2E_URL"):
        yield Site(os.environ["MAINA_E2E_URL"], fake=False)
        return
    if os.environ.get("MAINA_E2E_FAKE") != "1":
        try:
            url = request.getfixturevalue("bot_url")
        except FixtureLookupError:
            url = None
        if url:
            yield Site(url, fake=False)
            return
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("fake_bot.py")), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("fake bot did not start")
                time.sleep(0.2)
        yield Site(url, fake=True)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _missing_browser(reason: str):
    if os.environ.get("MAINA_E2E_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + " (run: bash scripts/install_browser_deps.sh)")
    pytest.skip(reason + " (run: bash scripts/install_browser_deps.sh)")


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing_browser("playwright is not installed")
    if not os.path.exists(CHROMIUM):
        _missing_browser(f"{CHROMIUM} is missing")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Tab:
    """A page in a fresh browser context, with the webhook requests it sent."""

    def __init__(self, page, site: Site) -> None:
        self.page = page
        self.site = site
        self.sent: List[Dict[str, Any]] = []
        self.errors: List[str] = []
        self.dialogs: List[str] = []
        page.on("request", self._on_request)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("console", self._on_console)
        page.on("dialog", self._on_dialog)

    def _on_request(self, request) -> None:
        if request.url.endswith(WEBHOOK) and request.method == "POST":
            self.sent.append(json.loads(request.post_data))

    def _on_console(self, message) -> None:
        if any(m in message.text for m in ("Content Security Policy", "Refused to", "CORS policy")):
            self.errors.append(f"console: {message.text}")

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def goto(self, path: str) -> None:
        self.page.goto(self.site.url + path)

    def assert_no_storage(self) -> None:
        state = self.page.evaluate(
            "() => ({local: localStorage.length, session: sessionStorage.length, cookie: document.cookie})")
        assert state == {"local": 0, "session": 0, "cookie": ""}
        assert self.page.context.cookies() == []

    def wait_sent(self, count: int, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while len(self.sent) < count and time.monotonic() < deadline:
            self.page.wait_for_timeout(50)
        assert len(self.sent) >= count, self.sent


def _tab_factory(browser, site):
    contexts = []
    tabs: List[Tab] = []

    def make(width: int = 1024, height: int = 768, touch: bool = False, bypass_csp: bool = False) -> Tab:
        context = browser.new_context(
            viewport={"width": width, "height": height}, has_touch=touch, is_mobile=False,
            bypass_csp=bypass_csp, service_workers="block", locale="ja-JP",
        )
        contexts.append(context)
        context.set_default_timeout(20000 if not site.fake else 8000)
        tab = Tab(context.new_page(), site)
        tabs.append(tab)
        return tab

    return make, contexts, tabs


@pytest.fixture
def new_tab(browser, site):
    make, contexts, tabs = _tab_factory(browser, site)
    yield make
    errors = [e for tab in tabs for e in tab.errors]
    for context in contexts:
        context.close()
    assert not errors, errors


def _widget(tab: Tab):
    """Locators pierce the widget's open shadow root."""
    return tab.page.locator("#maina-chat-widget")


def _open_widget(tab: Tab):
    page = tab.page
    page.get_by_role("button", name="マイナちゃんに質問する").click()
    box = page.get_by_role("textbox", name="質問を入力")
    box.wait_for()
    return box


def _ask(tab: Tab, text: str) -> None:
    box = tab.page.get_by_role("textbox", name=re.compile("質問を入力|Type your question|输入问题"))
    box.fill(text)
    box.press("Enter")


LANGUAGE_NAMES = ["日本語", "English", "한국어", "Tiếng Việt", "简体中文"]  # config.json order
LANGUAGE_MENU = re.compile(r"^(言語|Language|语言|Ngôn ngữ|언어): ")
SWITCH_TO = '/switch_language{"language":"%s"}'
CHINESE = re.compile("[\u4e00-\u9fff]")


def _pick_language(scope, name: str, tap: bool = False) -> None:
    """Open the language menu (the button showing the current language) and press ``name``."""
    from playwright.sync_api import expect

    toggle = scope.get_by_role("button", name=LANGUAGE_MENU)
    (toggle.tap if tap else toggle.click)()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    option = scope.locator(".lang-option", has_text=name)
    (option.tap if tap else option.click)()
    expect(toggle).to_have_attribute("aria-expanded", "false")


# ------------------------------------------------------------------------------------------
# 3. Chat widget
# ------------------------------------------------------------------------------------------

def _lost_card_flow(tab: Tab) -> None:
    from playwright.sync_api import expect

    page = tab.page
    free_dial = facts.value("hotline.free_dial")
    tab.goto("/chat/")
    _open_widget(tab)
    widget = _widget(tab)

    # Hold the first request to see the typing indicator, then let it through.
    held = []
    page.route("**" + WEBHOOK, lambda route: held.append(route))
    _ask(tab, "カードをなくしました")
    expect(widget.locator(".typing")).to_be_visible()
    deadline = time.monotonic() + 5
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(20)
    assert held, "the widget sent no request"
    held[0].continue_()
    page.unroute("**" + WEBHOOK)

    answer = widget.locator(".msg.bot").filter(has_text=free_dial).first
    expect(answer).to_be_visible()
    expect(widget.locator(".typing")).to_be_hidden()
    link = answer.locator("a.tel", has_text=free_dial).first
    expect(link).to_have_attribute("href", tel_href(free_dial))

    first = tab.sent[0]
    assert first["message"] == "カードをなくしました"
    assert first["metadata"] == {"language": "ja"}
    assert SENDER.match(first["sender"]), first["sender"]

    reply = widget.locator(".quick button.reply").first
    expect(reply).to_be_visible()
    title = reply.inner_text()
    if tab.site.fake:
        assert title == "再発行の手続き"
    bots_before = widget.locator(".msg.bot").count()
    reply.click()
    expect(widget.locator(".msg.user").last).to_have_text(re.compile(re.escape(title) + "$"))
    tab.wait_sent(2)
    assert tab.sent[1]["sender"] == first["sender"]
    if tab.site.fake:
        assert tab.sent[1]["message"] == "/reissue_how"
    expect(widget.locator(".msg.bot")).to_have_count(bots_before + 1, timeout=20000)
    if tab.site.fake:
        expect(widget.locator(".quick")).to_have_count(0)  # the old choices are gone
        link = widget.locator(".msg.bot").last.locator("a.link")
        expect(link).to_have_attribute("href", "https://www.city.tomakomai.hokkaido.jp/")
        expect(link).to_have_attribute("rel", "noopener noreferrer")


def test_chat_lost_card_with_quick_reply(new_tab):
    tab = new_tab()
    _lost_card_flow(tab)
    tab.assert_no_storage()


def test_chat_asks_helpful_after_an_answer_and_gets_out_of_the_way(new_tab):
    """「役に立った？」 under an answer that asks; 👍 is sent with the answer's reference; the
    question stays in the text box; the next question removes it."""
    from playwright.sync_api import expect

    tab = new_tab()
    tab.goto("/chat/")
    box = _open_widget(tab)
    widget = _widget(tab)
    rated: List[Dict[str, Any]] = []
    tab.page.on("request", lambda r: rated.append(json.loads(r.post_data))
                if r.url.endswith("/webhooks/feedback/webhook") else None)
    _ask(tab, "/police_report")
    group = widget.locator(".feedback")
    expect(group).to_have_count(1)
    expect(group).to_have_attribute("aria-label", "役に立った？")
    expect(box).to_be_focused()  # the next question can be typed at once
    assert tab.sent[0]["input_channel"] == "widget"
    expect(group.get_by_role("button", name="いいえ")).to_be_visible()
    group.get_by_role("button", name="はい", exact=True).click()
    expect(widget.locator(".feedback-thanks")).to_have_text("教えてくれてありがとう！")
    assert rated and rated[0]["value"] == "up" and rated[0]["sender"] == tab.sent[0]["sender"]
    assert re.fullmatch(r"[0-9a-f]{16,32}", rated[0]["ref"])
    _ask(tab, "こんにちは")
    tab.wait_sent(2)
    expect(widget.locator(".feedback")).to_have_count(0)


def test_chat_at_360px_has_no_horizontal_scroll(new_tab):
    tab = new_tab(width=360, height=740, touch=True)
    _lost_card_flow(tab)
    page = tab.page
    sizes = page.evaluate("""() => {
        const root = document.querySelector('#maina-chat-widget').shadowRoot;
        const panel = root.querySelector('.panel').getBoundingClientRect();
        const log = root.querySelector('.log');
        return {doc: document.documentElement.scrollWidth, body: document.body.scrollWidth,
                left: panel.left, right: panel.right, log: log.scrollWidth, logClient: log.clientWidth};
    }""")
    assert sizes["doc"] <= 360 and sizes["body"] <= 360, sizes
    assert sizes["left"] >= 0 and sizes["right"] <= 360, sizes
    assert sizes["log"] <= sizes["logClient"], sizes
    for target in _widget(tab).locator("button:visible, input:visible").all():
        box = target.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (target.evaluate("e => e.outerHTML"), box)
    page.screenshot(path=str(_artifact("chat-360.png")))


def test_chat_language_menu_switches_to_english_and_follows_the_bot_back(new_tab):
    """English from the menu (the switch goes to the bot); a Japanese question gets a Japanese
    answer, and the page follows the language the bot answered in."""
    from playwright.sync_api import expect

    tab = new_tab()
    tab.goto("/chat/")
    _open_widget(tab)
    widget = _widget(tab)
    _pick_language(widget, "English")
    expect(widget.get_by_role("button", name="Send")).to_be_visible()
    expect(widget.locator(".maina")).to_have_attribute("lang", "en")
    tab.wait_sent(1)
    assert tab.sent[0]["message"] == SWITCH_TO % "en" and tab.sent[0]["metadata"] == {"language": "en"}
    expect(widget.locator(".msg.user").last).to_have_text(re.compile("English$"))
    expect(widget.locator(".msg.bot")).to_have_count(2)  # welcome + the switch's answer
    _ask(tab, "I lost my card")
    tab.wait_sent(2)
    assert tab.sent[1]["metadata"] == {"language": "en"}
    expect(widget.locator(".msg.bot")).to_have_count(3)
    _ask(tab, "カードをなくしました")
    tab.wait_sent(3)
    expect(widget.locator(".maina")).to_have_attribute("lang", "ja")  # the bot answered in Japanese
    expect(widget.get_by_role("button", name="送信")).to_be_visible()
    expect(widget.get_by_role("button", name=LANGUAGE_MENU)).to_contain_text("日本語")


def test_chat_language_menu_in_chinese_gives_chinese_words_and_answers(new_tab):
    from playwright.sync_api import expect

    tab = new_tab()
    tab.goto("/chat/")
    _open_widget(tab)
    widget = _widget(tab)
    toggle = widget.get_by_role("button", name=LANGUAGE_MENU)
    toggle.click()
    options = widget.locator(".lang-option")
    assert options.all_inner_texts() == LANGUAGE_NAMES
    expect(options.filter(has_text="日本語")).to_have_attribute("aria-current", "true")
    expect(options.filter(has_text="简体中文")).to_have_attribute("lang", "zh")
    options.filter(has_text="简体中文").click()
    expect(widget.locator(".maina")).to_have_attribute("lang", "zh")
    expect(widget.get_by_role("button", name="发送")).to_be_visible()
    expect(widget.get_by_role("textbox", name="输入问题")).to_have_attribute("placeholder", "请在这里写下你的问题")
    expect(toggle).to_contain_text("简体中文")
    tab.wait_sent(1)
    assert tab.sent[0]["message"] == SWITCH_TO % "zh" and tab.sent[0]["metadata"] == {"language": "zh"}
    expect(widget.locator(".msg.bot").last).to_contain_text("中文")  # 好的，我用中文回答哦！
    _ask(tab, "/lost_card")
    tab.wait_sent(2)
    assert tab.sent[1]["metadata"] == {"language": "zh"}
    answer = widget.locator(".msg.bot").filter(has_text=facts.value("hotline.free_dial")).last
    expect(answer).to_contain_text("免费电话")
    expect(widget.locator(".maina")).to_have_attribute("lang", "zh")  # the bot kept Chinese


def test_chat_language_menu_by_keyboard(new_tab):
    """Enter opens the list on the current language, arrows move, Escape closes it (and not
    the chat) with the focus back on the menu button."""
    from playwright.sync_api import expect

    tab = new_tab()
    tab.goto("/chat/")
    _open_widget(tab)
    widget, page = _widget(tab), tab.page
    toggle = widget.get_by_role("button", name=LANGUAGE_MENU)
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(widget.locator(".lang-option", has_text="日本語")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(widget.locator(".lang-option", has_text="English")).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(widget.locator(".lang-option", has_text="简体中文")).to_be_focused()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(widget.locator(".panel")).to_be_visible()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # English
    expect(widget.locator(".maina")).to_have_attribute("lang", "en")
    expect(toggle).to_be_focused()


def test_chat_network_down_shows_city_office_number(new_tab):
    from playwright.sync_api import expect

    tab = new_tab()
    tab.goto("/chat/")
    _open_widget(tab)
    tab.page.route("**" + WEBHOOK, lambda route: route.abort("connectionrefused"))
    _ask(tab, "カードをなくしました")
    tel = facts.value("city.tel")
    error = _widget(tab).locator(".msg.bot.error")
    expect(error).to_contain_text(tel)
    expect(error.locator("a.tel")).to_have_attribute("href", tel_href(tel))
    expect(_widget(tab).locator(".typing")).to_be_hidden()


def test_chat_script_text_is_shown_not_executed(new_tab):
    from playwright.sync_api import expect

    tab = new_tab()
    tab.goto("/chat/")
    _open_widget(tab)
    widget = _widget(tab)
    attack = "<script>alert(1)</script><img src=x onerror=\"window.__xss=1;alert(2)\">"
    _ask(tab, attack)
    expect(widget.locator(".msg.user").last).to_contain_text(attack)
    expect(widget.locator(".msg.bot")).to_have_count(2)
    if tab.site.fake:
        expect(widget.locator(".msg.bot").last).to_contain_text("<script>alert(1)</script>")
    # A bot message with markup is text as well (rendered through the same code path).
    tab.page.evaluate("""() => MainaChat.widget.conversation.addBot(
        {text: '<b>bold</b><img src=x onerror="window.__xss=2"> 0570-783-578',
         buttons: [{title: '<i>x</i>', payload: '/x'}]})""")
    tab.page.wait_for_timeout(300)
    counts = tab.page.evaluate("""() => {
        const root = document.querySelector('#maina-chat-widget').shadowRoot;
        return {script: root.querySelectorAll('script').length, img: root.querySelectorAll('.bubble img').length,
                b: root.querySelectorAll('.bubble b, .quick i').length, xss: window.__xss || 0};
    }""")
    assert counts == {"script": 0, "img": 0, "b": 0, "xss": 0}
    assert tab.dialogs == []
    expect(widget.locator(".quick button").last).to_have_text("<i>x</i>")


@pytest.fixture
def city_site(tmp_path, site):
    """A page of "the city's website" on another origin (localhost vs 127.0.0.1) with the tag."""
    import functools
    import http.server
    import threading

    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>苫小牧市</title>'
        '<style>button { background: red !important; font-size: 40px; }</style></head>'
        '<body><h1>苫小牧市のホームページ</h1>'
        f'<script src="{site.url}/static/maina/widget.js" data-server="{site.url}" data-lang="ja" defer></script>'
        '</body></html>', encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}/index.html"
    server.shutdown()
    server.server_close()


def test_widget_on_another_site(new_tab, city_site):
    """The one-line embed on a page of another origin: assets, config.json and CORS work."""
    from playwright.sync_api import expect

    tab = new_tab()
    tab.page.goto(city_site)
    _open_widget(tab)
    _ask(tab, "カードをなくしました")
    free_dial = facts.value("hotline.free_dial")
    widget = _widget(tab)
    expect(widget.locator(".msg.bot").filter(has_text=free_dial).first).to_be_visible()
    # The host page's `button { background: red }` does not reach into the widget.
    assert widget.locator(".send").evaluate("b => getComputedStyle(b).backgroundColor") != "rgb(255, 0, 0)"
    # config.json (cross-origin) gave the city office's number for the error message.
    tab.page.route("**" + WEBHOOK, lambda route: route.abort("connectionrefused"))
    _ask(tab, "もしもし")
    expect(widget.locator(".msg.bot.error")).to_contain_text(facts.value("city.tel"))
    tab.assert_no_storage()


def test_links_and_phone_numbers(new_tab):
    tab = new_tab()
    tab.goto("/chat/")
    tab.page.wait_for_function("() => window.MainaChat")
    result = tab.page.evaluate("""() => {
        const p = document.createElement('p');
        MainaChat.appendRichText(p, 'フリーダイヤル0120-95-0178（無料）、市役所 0144-32-6492、IP電話050-3818-1250、' +
            'ナビダイヤル 0570-783-578、外国語 0120-0178-27。日付 2029-01-15、番号 1234-5678-9012、' +
            '長い 0120-95-01780。\\nhttps://example.jp/a?b=1。 と javascript:alert(1)');
        return {links: [...p.querySelectorAll('a')].map(a => [a.getAttribute('href'), a.textContent]),
                text: p.textContent, br: p.querySelectorAll('br').length};
    }""")
    assert result["links"] == [
        ["tel:0120950178", "0120-95-0178"], ["tel:0144326492", "0144-32-6492"],
        ["tel:05038181250", "050-3818-1250"], ["tel:0570783578", "0570-783-578"],
        ["tel:0120017827", "0120-0178-27"], ["https://example.jp/a?b=1", "https://example.jp/a?b=1"],
    ]
    assert result["br"] == 1 and "javascript:alert(1)" in result["text"]


# ------------------------------------------------------------------------------------------
# 4. Kiosk
# ------------------------------------------------------------------------------------------

def _kiosk(tab: Tab, query: str = ""):
    from playwright.sync_api import expect

    tab.goto("/kiosk/" + query)
    expect(tab.page.locator("#kiosk")).to_have_attribute("data-ready", "true")
    return tab.page


def _set_picker(page, year: int, month: int, day: int) -> None:
    """Tap the steppers until the picker shows the date (touch only, no keyboard)."""
    def value(unit):
        return int(page.locator("#picker").get_attribute("data-" + unit))

    steps = {("year", -10): "10年前へ", ("year", -1): "1年前へ", ("year", 1): "1年後へ", ("year", 10): "10年後へ",
             ("month", -1): "前の月へ", ("month", 1): "次の月へ", ("day", -1): "前の日へ", ("day", 1): "次の日へ"}
    for unit, goal in (("year", year), ("month", month), ("day", day)):
        for _ in range(200):
            diff = goal - value(unit)
            if diff == 0:
                break
            if unit == "year":
                delta = 10 if diff >= 10 else 1 if diff > 0 else -10 if diff <= -10 else -1
            else:
                delta = 1 if diff > 0 else -1
            page.get_by_role("button", name=steps[(unit, delta)]).tap()
        assert value(unit) == goal


def test_kiosk_flow_by_touch_with_date_picker(new_tab):
    from playwright.sync_api import expect

    tab = new_tab(width=1024, height=768, touch=True)
    page = _kiosk(tab)
    assert page.locator("input, textarea, select, [contenteditable]").count() == 0  # no keyboard
    assert float(page.evaluate("getComputedStyle(document.body).fontSize").rstrip("px")) >= 20
    labels = [b.inner_text() for b in page.locator("#menu button").all()]
    assert labels == ["なくした・盗まれた", "有効期限を調べる", "暗証番号", "コンビニで証明書",
                      "引っ越し・名前が変わった", "窓口・電話番号"]
    for button in page.locator("button:visible").all():
        box = button.bounding_box()
        assert box["height"] >= 48 and box["width"] >= 48, (button.inner_text(), box)
    page.screenshot(path=str(_artifact("kiosk-home.png")))

    # Lost card: the answer with the free dial and a tel: link, then a quick reply.
    page.get_by_role("button", name="なくした・盗まれた").tap()
    free_dial = facts.value("hotline.free_dial")
    expect(page.locator(".msg.bot a.tel", has_text=free_dial).first).to_have_attribute("href", tel_href(free_dial))
    assert tab.sent[0]["message"] == "/lost_card" and SENDER.match(tab.sent[0]["sender"])
    expect(page.locator(".msg.user").first).to_contain_text("なくした・盗まれた")
    bots_before = page.locator(".msg.bot").count()
    page.locator(".quick button").first.tap()
    tab.wait_sent(2)
    expect(page.locator(".msg.bot")).to_have_count(bots_before + 1)

    # Back to the menu, then the lifecycle calculator with the on-screen date picker.
    page.get_by_role("button", name="メニュー").tap()
    page.get_by_role("button", name="有効期限を調べる").tap()
    picker = page.locator("#picker")
    expect(picker).to_be_visible()
    expect(page.locator("#picker-title")).to_contain_text("生年月日")
    for button in picker.locator("button").all():
        box = button.bounding_box()
        assert box["height"] >= 48 and box["width"] >= 48
    _set_picker(page, 1971, 3, 2)
    expect(page.locator("#picker-value")).to_have_text("1971年（昭和46年）3月2日")
    page.screenshot(path=str(_artifact("kiosk-picker.png")))
    page.get_by_role("button", name="この日付で送る").tap()
    tab.wait_sent(4)
    assert tab.sent[3]["message"] == "1971年3月2日"
    expect(picker).to_be_visible()  # now the day the card was received
    expect(page.locator("#picker-title")).to_contain_text("交付日")
    _set_picker(page, 2019, 6, 1)
    expect(page.locator("#picker-value")).to_have_text("2019年（令和元年）6月1日")
    page.get_by_role("button", name="この日付で送る").tap()
    tab.wait_sent(5)
    assert tab.sent[4]["message"] == "2019年6月1日"
    assert len({m["sender"] for m in tab.sent}) == 1
    if tab.site.fake:
        expect(page.locator(".msg.bot").last).to_contain_text("1971年3月2日")
        expect(page.locator(".msg.bot").last).to_contain_text("2019年6月1日")
    else:
        # 10th birthday after issue (adult): 2029-03-02
        expect(page.locator(".msg.bot").last).to_contain_text("2029年（令和11年）")
    expect(picker).to_be_hidden()
    page.screenshot(path=str(_artifact("kiosk-answer.png")))

    # 「最初から」 clears everything.
    page.get_by_role("button", name="最初から").tap()
    expect(page.get_by_role("button", name="なくした・盗まれた")).to_be_visible()
    assert page.locator("#log").inner_text() == ""
    page.get_by_role("button", name="窓口・電話番号").tap()
    tab.wait_sent(6)
    assert tab.sent[5]["sender"] != tab.sent[0]["sender"] and SENDER.match(tab.sent[5]["sender"])
    tab.assert_no_storage()


def _bot_responses() -> Dict[str, List[str]]:
    """Every response text of the bot's domain data (data/responses/*.yml), by name."""
    import yaml

    texts: Dict[str, List[str]] = {}
    for path in sorted((ROOT / "data" / "responses").glob("*.yml")):
        for name, variants in ((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}).items():
            texts.setdefault(name, []).extend(
                v["text"] for v in variants or [] if isinstance(v, dict) and v.get("text"))
    return texts


NOT_A_DATE_QUESTION = {  # lifecycle responses that do not ask for a date
    "utter_lifecycle_result", "utter_lifecycle_stopped",
    "utter_lifecycle_unknown_residence_status", "utter_lifecycle_status_not_eligible",
    "utter_lifecycle_expiry_result", "utter_lifecycle_why", "utter_lifecycle_ask_year",
    # hints to 「わからない」: the question itself follows in the next message
    "utter_lifecycle_dont_know_birth", "utter_lifecycle_dont_know_issue", "utter_lifecycle_dont_know_stay_end",
    "utter_lifecycle_dont_know_expiry",
}
# pieces the calculator renders into its answers and questions (data/responses/lifecycle.yml)
LIFECYCLE_FRAGMENTS = ("utter_lifecycle_line_", "utter_lifecycle_what_")


def test_kiosk_date_picker_appears_only_when_the_bot_asks_a_date(new_tab):
    """The picker heuristics against the bot's real response texts (ja and en)."""
    responses = _bot_responses()
    if "utter_ask_birth_date" not in responses:
        pytest.skip("data/responses has no utter_ask_birth_date")
    expected = {"utter_ask_birth_date": "birth", "utter_ask_issue_date": "issue",
                "utter_ask_stay_end_date": "stay"}
    tab = new_tab()
    page = _kiosk(tab)
    asked = page.evaluate("""(all) => Object.fromEntries(Object.entries(all).map(([name, texts]) =>
        [name, texts.map(t => MainaKiosk.askedDate({text: t}, 'issue'))]))""", responses)
    for name, kinds in asked.items():
        if name in expected:
            assert kinds == [expected[name]] * len(kinds), (name, kinds)
        elif name.startswith(LIFECYCLE_FRAGMENTS):
            continue
        elif name.startswith("utter_lifecycle_") and name not in NOT_A_DATE_QUESTION:
            assert all(kinds), (name, kinds)  # a correction asks for the date again
        else:
            assert not any(kinds), (name, kinds, responses[name])
    assert page.evaluate("MainaKiosk.askedDate({custom: {input: 'date', kind: 'stay'}})") == "stay"
    # the bot's own "ask" (REST, from the response's metadata) works whatever the language
    asked = "MainaKiosk.askedDate({text: '你的卡是哪天领的？', ask: {input: 'date', kind: 'issue'}})"
    assert page.evaluate(asked) == "issue"


def test_kiosk_language_menu_english(new_tab):
    from playwright.sync_api import expect

    tab = new_tab(touch=True)
    page = _kiosk(tab)
    _pick_language(page, "English", tap=True)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#home")).to_be_visible()  # the switch goes to the bot; the menu stays
    tab.wait_sent(1)
    assert tab.sent[0]["message"] == SWITCH_TO % "en"
    page.get_by_role("button", name="Lost or stolen").tap()
    tab.wait_sent(2)
    assert tab.sent[1]["metadata"] == {"language": "en"} and tab.sent[1]["message"] == "/lost_card"
    assert tab.sent[1]["sender"] == tab.sent[0]["sender"]
    page.get_by_role("button", name="Start over").tap()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("button", name=LANGUAGE_MENU)).to_contain_text("日本語")


def test_kiosk_language_menu_in_chinese_gives_chinese_words_menu_and_answers(new_tab):
    from playwright.sync_api import expect

    tab = new_tab(touch=True)
    page = _kiosk(tab)
    _pick_language(page, "简体中文", tap=True)
    expect(page.locator("html")).to_have_attribute("lang", "zh")
    expect(page.locator("#home-title")).to_have_text("请选择你想了解的内容")
    expect(page.get_by_role("button", name="从头开始")).to_be_visible()
    labels = [b.inner_text() for b in page.locator("#menu button").all()]
    assert labels == ["丢失・被盗", "查有效期", "密码", "便利店开证明", "搬家・改名了", "窗口・电话号码"]
    for button in page.locator("button:visible").all():
        box = button.bounding_box()
        assert box["height"] >= 48 and box["width"] >= 48, (button.inner_text(), box)
    page.screenshot(path=str(_artifact("kiosk-zh.png")))
    page.get_by_role("button", name="丢失・被盗").tap()
    tab.wait_sent(2)
    assert tab.sent[0]["message"] == SWITCH_TO % "zh"
    assert tab.sent[1]["message"] == "/lost_card" and tab.sent[1]["metadata"] == {"language": "zh"}
    free_dial = facts.value("hotline.free_dial")
    answer = page.locator(".msg.bot").filter(has_text=free_dial).last
    expect(answer).to_contain_text("免费电话")
    assert CHINESE.search(answer.inner_text())
    expect(page.get_by_role("button", name="菜单")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh")


def test_kiosk_idle_reset_new_sender(new_tab):
    from playwright.sync_api import expect

    tab = new_tab(touch=True)
    page = _kiosk(tab, "?idle=3")
    page.get_by_role("button", name="なくした・盗まれた").tap()
    expect(page.locator(".msg.bot").first).to_be_visible()
    first_sender = tab.sent[0]["sender"]
    overlay = page.locator("#idle")
    expect(overlay).to_be_visible(timeout=6000)
    expect(overlay).to_contain_text("まもなく最初の画面にもどります")
    expect(page.get_by_role("button", name="なくした・盗まれた")).to_be_visible(timeout=6000)
    expect(overlay).to_be_hidden()
    assert page.locator("#log").inner_text() == ""
    page.get_by_role("button", name="暗証番号").tap()
    tab.wait_sent(2)
    assert tab.sent[1]["sender"] != first_sender and SENDER.match(tab.sent[1]["sender"])
    tab.assert_no_storage()


def test_kiosk_idle_countdown_continue_keeps_conversation(new_tab):
    from playwright.sync_api import expect

    tab = new_tab(touch=True)
    page = _kiosk(tab, "?idle=6")
    page.get_by_role("button", name="なくした・盗まれた").tap()
    expect(page.locator(".msg.bot").first).to_be_visible()
    expect(page.locator("#idle")).to_be_visible(timeout=8000)
    page.get_by_role("button", name="つづける").tap()
    expect(page.locator("#idle")).to_be_hidden()
    assert page.locator(".msg.bot").count() >= 1
    page.locator(".quick button").first.tap()
    tab.wait_sent(2)
    assert tab.sent[1]["sender"] == tab.sent[0]["sender"]


# ------------------------------------------------------------------------------------------
# 5. Accessibility (axe-core)
# ------------------------------------------------------------------------------------------

def _axe(tab: Tab, label: str) -> None:
    if not AXE_JS.exists():
        _missing_browser(f"{AXE_JS} is missing")
    page = tab.page
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
    }""")
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not serious, f"{label}: {json.dumps(serious, ensure_ascii=False, indent=1)}"


def test_axe_chat_page(new_tab):
    from playwright.sync_api import expect

    tab = new_tab(bypass_csp=True)  # axe is injected as an inline script
    tab.goto("/chat/")
    expect(tab.page.get_by_role("button", name="マイナちゃんに質問する")).to_be_visible()
    _axe(tab, "chat, closed")
    _open_widget(tab)
    _ask(tab, "カードをなくしました")
    expect(_widget(tab).locator(".msg.bot")).to_have_count(2)
    _axe(tab, "chat, answer")
    _widget(tab).get_by_role("button", name=LANGUAGE_MENU).click()
    _axe(tab, "chat, language menu open")
    _widget(tab).locator(".lang-option", has_text="简体中文").click()
    expect(_widget(tab).locator(".maina")).to_have_attribute("lang", "zh")
    expect(_widget(tab).locator(".msg.bot")).to_have_count(3)
    _axe(tab, "chat, Chinese")


def test_axe_kiosk_page(new_tab):
    from playwright.sync_api import expect

    tab = new_tab(bypass_csp=True, touch=True)
    page = _kiosk(tab)
    _axe(tab, "kiosk home")
    page.get_by_role("button", name="有効期限を調べる").tap()
    expect(page.locator("#picker")).to_be_visible()
    _axe(tab, "kiosk picker")
    page.get_by_role("button", name=LANGUAGE_MENU).tap()
    _axe(tab, "kiosk language menu open")
    page.locator(".lang-option", has_text="English").tap()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#typing")).to_be_hidden()  # the switch answered (the indicator pulses)
    _axe(tab, "kiosk English")
    _pick_language(page, "한국어", tap=True)
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    tab.wait_sent(3)
    expect(page.locator("#typing")).to_be_hidden()
    _axe(tab, "kiosk Korean")


def test_widget_keyboard_only(new_tab):
    """Tab reaches the bubble; Enter opens it with focus in the text box; Escape closes."""
    from playwright.sync_api import expect

    tab = new_tab()
    tab.goto("/chat/")
    page = tab.page
    launcher = page.get_by_role("button", name="マイナちゃんに質問する")
    expect(launcher).to_be_visible()
    launcher.focus()
    page.keyboard.press("Enter")
    box = page.get_by_role("textbox", name="質問を入力")
    expect(box).to_be_focused()
    page.keyboard.type("カードをなくしました")
    page.keyboard.press("Enter")
    expect(_widget(tab).locator(".quick button").first).to_be_visible()
    outline = _widget(tab).locator(".quick button").first.evaluate(
        "b => { b.focus({focusVisible: true}); return getComputedStyle(b).outlineStyle; }")
    assert outline != "none"
    page.keyboard.press("Escape")
    expect(launcher).to_be_focused()
    log = _widget(tab).locator("[role=log]")
    assert log.get_attribute("aria-live") == "polite"


# ------------------------------------------------------------------------------------------
# 6. The staff report (/admin/report, issue 16)
# ------------------------------------------------------------------------------------------

def _login_to_report(tab: Tab, token: str) -> None:
    from playwright.sync_api import expect

    page = tab.page
    tab.goto("/admin/report")
    expect(page.get_by_role("heading", name="ログイン")).to_be_visible()
    page.get_by_label("管理用トークン").fill(token)
    page.get_by_role("button", name="表示する").click()
    expect(page.get_by_role("heading", name="まとめ")).to_be_visible()


def test_report_page_renders_with_charts_no_errors_and_axe_clean(new_tab, request):
    """The report of the bot's tracker store (with the scripted conversations of
    tests/unit/report_scenario.py added): charts drawn, no console error, axe clean."""
    from playwright.sync_api import expect

    from conftest import ADMIN_TOKEN, TEST_TODAY

    tab = new_tab()
    if tab.site.fake or os.environ.get("MAINA_E2E_URL"):
        pytest.skip("needs the test bot and its tracker store")
    sys.path.insert(0, str(ROOT / "tests" / "unit"))
    import datetime as dt

    import report_scenario

    bot = request.getfixturevalue("bot")
    report_scenario.fill_store(bot.run_dir / "tracker.db",
                               dt.date.fromisoformat(TEST_TODAY)).engine.dispose()
    console: List[str] = []
    tab.page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    _login_to_report(tab, ADMIN_TOKEN)  # CSP enforced in this tab
    page = tab.page
    images = page.locator("figure img")
    assert images.count() >= 4
    widths = images.evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
    assert all(w > 300 for w in widths), widths
    expect(page.get_by_role("cell", name=re.compile("駐車場ある"))).to_be_visible()
    assert page.evaluate("() => getComputedStyle(document.querySelector('h2')).borderBottomStyle") == "solid"
    page.screenshot(path=str(_artifact("report.png")), full_page=True)
    assert not console, console

    axe_tab = new_tab(bypass_csp=True)  # axe is injected as an inline script
    axe_tab.goto("/admin/report")
    _axe(axe_tab, "report login")
    _login_to_report(axe_tab, ADMIN_TOKEN)
    _axe(axe_tab, "report")


def _artifact(name: str) -> Path:
    """Screenshots for a person to look at (not committed): $MAINA_E2E_ARTIFACTS or /tmp."""
    out = Path(os.environ.get("MAINA_E2E_ARTIFACTS") or tempfile.gettempdir()) / "maina-browser"
    out.mkdir(parents=True, exist_ok=True)
    return out / name


def test_kiosk_era_names_come_from_the_one_era_table(new_tab):
    """The picker's 平成2年 is computed from config.json's eras (maina.wareki), not a JS copy."""
    from maina import wareki

    eras = build_config()["eras"]
    page = _kiosk(new_tab())
    for day in ("1990-01-15", "1989-01-07", "1989-01-08", "2019-04-30", "2019-05-01", "2029-01-15"):
        y, m, d = map(int, day.split("-"))
        expected = wareki.format_date_ja(__import__("datetime").date(y, m, d)).split("（")[1].split("）")[0]
        assert page.evaluate("([y, m, d, eras]) => MainaKiosk.eraName(y, m, d, eras)", [y, m, d, eras]) == expected
    assert page.evaluate("MainaKiosk.eraName(1990, 1, 15, undefined)") == ""
