"""Static web pages served by the bot: the website chat widget and the office-tablet kiosk.

Enable in credentials.yml (all keys optional)::

    maina_rasa.channels.web.WebPages:
      bot_url: "https://bot.example"   # public URL of this bot if pages are opened elsewhere
      idle_seconds: 90                 # kiosk: reset after this many idle seconds

Rasa mounts every input channel's blueprint at ``urljoin("/webhooks/", url_prefix())``;
``url_prefix()`` is ``"/"`` here, so the routes land at the root:

* ``GET /chat/``   demo page with the chat bubble (what a city web page looks like)
* ``GET /kiosk/``  full-screen office-tablet page
* ``GET /static/maina/<file>`` widget.js, widget.css, kiosk.js, kiosk.css, maina.svg, …
* ``GET /static/maina/config.json`` numbers and labels the pages show, built from
  ``maina.facts`` (facts/facts.yml) so that no phone number is typed into JS or HTML, the main
  menu (maina/topics.yml ``menu:``) and the languages of the language menu with the pages'
  words in the languages of locales/ (``ui:``).

No message handling: messages go to Rasa's REST channel (``/webhooks/rest/webhook``).
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Text
from urllib.parse import urlsplit

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from maina import locales, topics, wareki
from maina.placeholders import PLACEHOLDER
from maina_rasa import startup

try:  # Rasa's `--cors` (sanic-cors) must not add a second Access-Control-Allow-Origin
    from sanic_cors.core import SANIC_CORS_EVALUATED
except ImportError:  # pragma: no cover
    SANIC_CORS_EVALUATED = "_sanic_cors_e"

logger = logging.getLogger(__name__)

DEFAULT_WEB_ROOT = Path(__file__).resolve().parents[2] / "web"
DEFAULT_IDLE_SECONDS = 90
MIN_IDLE_SECONDS, MAX_IDLE_SECONDS = 3, 3600

# Facts copied into config.json: (JSON section, JSON key, fact key).
CONFIG_FACTS = (
    ("city", "name", "city.name"),
    ("city", "name_en", "city.name_en"),
    ("city", "office", "city.office"),
    ("city", "office_en", "city.office_en"),
    ("city", "tel", "city.tel"),
    ("hotline", "free_dial", "hotline.free_dial"),
)

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
}

# One or more path segments of letters, digits, "_", "-", with dots only *between* such
# characters: no "..", no hidden files, no empty segments, no backslashes or %-escapes.
_SAFE_PATH = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*(?:/[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)*")

CACHE_PAGES = "no-cache"  # always revalidate (ETag): pages change with a deployment
CACHE_ASSETS = "public, max-age=3600"
CACHE_CONFIG = "no-cache"  # facts change when a clerk edits facts.yml and restarts


def _origin(url: Optional[Text]) -> Optional[Text]:
    """``scheme://host[:port]`` of an http(s) URL, or None (never raw text in a header)."""
    if not url:
        return None
    parts = urlsplit(str(url).strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"bot_url must be an http(s) URL, got {url!r}")
    if not re.fullmatch(r"[A-Za-z0-9.\-]+(?::[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](?::[0-9]{1,5})?", parts.netloc):
        raise ValueError(f"bot_url has an unexpected host part: {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(bot_origin: Optional[Text]) -> Text:
    """Only this server ('self') and the configured bot URL; no inline script or style."""
    extra = f" {bot_origin}" if bot_origin else ""
    return "; ".join(
        (
            "default-src 'none'",
            f"script-src 'self'{extra}",
            f"style-src 'self'{extra}",
            f"img-src 'self'{extra}",
            f"connect-src 'self'{extra}",
            "font-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        )
    )


def _with_facts(text: Text, language: Text) -> Text:
    """A page text with its ``{group.key}`` fact placeholders filled in ``language``; the
    page's own placeholders (``{n}``, ``{year}`` …) stay for the page to fill."""
    from maina import facts

    variables = facts.template_variables(language)
    return PLACEHOLDER.sub(lambda m: variables.get(m.group(1), m.group(0)), text)


def ui_texts() -> Dict[Text, Dict[Text, Dict[Text, Text]]]:
    """The words of the pages in the languages of locales/ (``ui:``); ja and en are built
    into widget.js and kiosk.js, so that the pages speak even when config.json is missing."""
    return {
        code: {page: {key: _with_facts(text, code) for key, text in texts.items()}
               for page, texts in locale.ui.items()}
        for code, locale in locales.all_locales().items()
    }


def build_config(idle_seconds: int = DEFAULT_IDLE_SECONDS) -> Dict[Text, Any]:
    """What the pages may show: numbers from facts/facts.yml, kiosk settings and menu, the
    languages of the language menu and their words."""
    from maina import facts  # imported here so that a facts error shows up per request

    config: Dict[Text, Any] = {"city": {}, "hotline": {}}
    for section, key, fact_key in CONFIG_FACTS:
        try:
            config[section][key] = facts.value(fact_key)
        except facts.FactsError:
            logger.warning("config.json: fact %s is missing", fact_key)
    spoken = locales.spoken()
    config["languages"] = [{"code": code, "name": name} for code, name in locales.names().items()]
    config["ui"] = ui_texts()
    # the kiosk's date picker shows 平成2年 beside 1990: the one era table is maina.wareki's
    config["eras"] = [{"name": era.name, "start": era.start.isoformat()} for era in wareki.ERAS]
    config["kiosk"] = {
        "idle_seconds": idle_seconds,
        "menu": [{"payload": item.payload, "labels": {code: item.label(code) for code in spoken}}
                 for item in topics.menu()],
    }
    return config


@startup.checked_at_start_up
class WebPages(InputChannel):
    """Serves the chat widget, its demo page and the kiosk page (no message handling)."""

    @classmethod
    def name(cls) -> Text:
        return "maina_web"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WebPages":
        credentials = credentials or {}
        return cls(
            bot_url=credentials.get("bot_url"),
            idle_seconds=credentials.get("idle_seconds", DEFAULT_IDLE_SECONDS),
            web_root=credentials.get("web_root"),
        )

    def __init__(
        self,
        bot_url: Optional[Text] = None,
        idle_seconds: Any = DEFAULT_IDLE_SECONDS,
        web_root: Optional[Text] = None,
    ) -> None:
        self.bot_origin = _origin(bot_url)
        idle = int(idle_seconds)
        if not MIN_IDLE_SECONDS <= idle <= MAX_IDLE_SECONDS:
            raise ValueError(f"idle_seconds must be {MIN_IDLE_SECONDS}..{MAX_IDLE_SECONDS}, got {idle}")
        self.idle_seconds = idle
        self.web_root = Path(web_root or DEFAULT_WEB_ROOT).resolve()
        self.static_root = (self.web_root / "static" / "maina").resolve()
        self.csp = content_security_policy(self.bot_origin)

    def url_prefix(self) -> Text:
        return "/"

    # --- responses -------------------------------------------------------------------------

    def _headers(self, cache_control: Text, *, cross_origin: bool = False) -> Dict[Text, Text]:
        headers = {
            "Cache-Control": cache_control,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Content-Security-Policy": self.csp,
            "X-Frame-Options": "DENY",
            "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
        }
        if cross_origin:
            # widget.js, its CSS, avatar and config.json are embedded by the city's own pages.
            headers["Access-Control-Allow-Origin"] = "*"
            headers["Cross-Origin-Resource-Policy"] = "cross-origin"
        else:
            headers["Cross-Origin-Resource-Policy"] = "same-origin"
        return headers

    def _respond(
        self,
        request: Request,
        body: bytes,
        content_type: Text,
        cache_control: Text,
        *,
        cross_origin: bool = False,
    ) -> HTTPResponse:
        headers = self._headers(cache_control, cross_origin=cross_origin)
        if cross_origin:
            # Our public assets carry their own CORS header ("*", no credentials); tell
            # sanic-cors (`rasa run --cors …`) that this response is done, or browsers see two.
            try:
                setattr(request.ctx, SANIC_CORS_EVALUATED, "1")
            except AttributeError:  # pragma: no cover
                pass
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers["ETag"] = etag
        if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
            return HTTPResponse(status=304, headers=headers)
        if request.method == "HEAD":
            headers["Content-Length"] = str(len(body))
            return HTTPResponse(status=200, headers=headers, content_type=content_type)
        return HTTPResponse(body=body, status=200, headers=headers, content_type=content_type)

    def _not_found(self) -> HTTPResponse:
        return HTTPResponse(
            body=b"not found",
            status=404,
            headers=self._headers("no-store"),
            content_type="text/plain; charset=utf-8",
        )

    def _page(self, request: Request, name: Text) -> HTTPResponse:
        path = self.web_root / name / "index.html"
        try:
            body = path.read_bytes()
        except OSError:
            logger.error("web page %s is missing", path)
            return self._not_found()
        return self._respond(request, body, CONTENT_TYPES[".html"], CACHE_PAGES)

    def resolve_static(self, relative: Text) -> Optional[Path]:
        """The file under web/static/maina for a URL path, or None (strict: no traversal)."""
        if not relative or len(relative) > 200 or not _SAFE_PATH.fullmatch(relative):
            return None
        if Path(relative).suffix.lower() not in CONTENT_TYPES:
            return None
        candidate = (self.static_root / relative).resolve()
        try:
            candidate.relative_to(self.static_root)
        except ValueError:  # a symlink pointing outside
            return None
        return candidate if candidate.is_file() else None

    def _static(self, request: Request, relative: Text) -> HTTPResponse:
        if relative == "config.json":
            body = json.dumps(build_config(self.idle_seconds), ensure_ascii=False).encode("utf-8")
            return self._respond(request, body, CONTENT_TYPES[".json"], CACHE_CONFIG, cross_origin=True)
        path = self.resolve_static(relative)
        if path is None:
            return self._not_found()
        body = path.read_bytes()
        return self._respond(
            request, body, CONTENT_TYPES[path.suffix.lower()], CACHE_ASSETS, cross_origin=True
        )

    def _redirect(self, location: Text) -> HTTPResponse:
        headers = self._headers("no-store")
        # relative, so that it also works behind a proxy that serves the bot under a sub-path
        headers["Location"] = location
        return HTTPResponse(status=308, headers=headers)

    # --- blueprint -------------------------------------------------------------------------

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        web = Blueprint("maina_web", __name__)
        methods = ["GET", "HEAD"]

        @web.route("/chat/", methods=methods, strict_slashes=True, name="maina_chat")
        async def chat(request: Request) -> HTTPResponse:
            return self._page(request, "chat")

        @web.route("/chat", methods=methods, strict_slashes=True, name="maina_chat_slash")
        async def chat_slash(request: Request) -> HTTPResponse:
            return self._redirect("chat/")

        @web.route("/kiosk/", methods=methods, strict_slashes=True, name="maina_kiosk")
        async def kiosk(request: Request) -> HTTPResponse:
            return self._page(request, "kiosk")

        @web.route("/kiosk", methods=methods, strict_slashes=True, name="maina_kiosk_slash")
        async def kiosk_slash(request: Request) -> HTTPResponse:
            return self._redirect("kiosk/")

        @web.route("/static/maina/<relative:path>", methods=methods, name="maina_static")
        async def static(request: Request, relative: Text) -> HTTPResponse:
            return self._static(request, relative)

        return web

