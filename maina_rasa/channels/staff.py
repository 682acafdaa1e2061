"""For the city staff: the report at ``/admin/report`` and retention of the tracker store.

credentials.yml: ``maina_rasa.channels.staff.StaffPages: {}``.

**Retention** (always on): at start-up and then every 24 hours, conversations older than
``MAINA_RETENTION_DAYS`` (default 90) are deleted from the SQL tracker store and their counts
kept (:mod:`maina.report.retention`), in a worker thread so that residents are not kept
waiting.

**The report** exists only when ``MAINA_ADMIN_TOKEN`` is set (at least 16 characters):
otherwise none of these routes is registered and ``/admin/…`` is a plain 404.

* ``GET /admin/report?days=7`` (1–366) the page (:mod:`maina.report.render`)
* ``GET /admin/report.csv`` / ``/admin/report-daily.csv`` the CSV files
* ``GET /admin/login`` the form; ``POST /admin/login`` (field ``token``) → cookie, to the report;
  ``POST /admin/logout`` clears it

A request needs ``Authorization: Bearer <token>`` or the cookie the login form sets
(an HMAC of the token, never the token; HttpOnly, SameSite=Strict, path /admin). Anything
else gets 401 with the login form (a browser without any credentials is sent to the
form). The pages load nothing and run no script; their CSP allows only the inline style (by hash) and ``data:`` images.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import html
import logging
import os
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from maina import clock
from maina.report import build, render, retention

logger = logging.getLogger(__name__)

TOKEN_ENV = "MAINA_ADMIN_TOKEN"
MIN_TOKEN_LENGTH = 16
COOKIE = "maina_admin"
DAY_SECONDS = 24 * 3600
DEFAULT_DAYS, MAX_DAYS = 7, 366

LOGIN_PAGE = """<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>マイナちゃん 利用レポート：ログイン</title><style>{css}</style></head>
<body><header class="top"><h1>マイナちゃん 利用レポート</h1></header><main>
<form method="post" action="/admin/login"><h2>ログイン</h2>{error}
<p><label for="token">管理用トークン（MAINA_ADMIN_TOKEN）</label><br>
<input id="token" name="token" type="password" autocomplete="current-password" required size="40"></p>
<p><button type="submit">表示する</button></p></form></main></body></html>"""


def admin_token(environ: Optional[Dict[str, str]] = None) -> Optional[str]:
    """The token, or None (report off) when unset or too short (logged)."""
    token = (environ if environ is not None else os.environ).get(TOKEN_ENV, "").strip()
    if not token:
        return None
    if len(token) < MIN_TOKEN_LENGTH:
        logger.error("%s is shorter than %d characters: /admin/report stays off",
                     TOKEN_ENV, MIN_TOKEN_LENGTH)
        return None
    return token


def tracker_engine(app: Any) -> Optional[Any]:
    """The SQLAlchemy engine of the running SQL tracker store, or None."""
    agent = getattr(app.ctx, "agent", None)
    store = getattr(agent, "tracker_store", None)
    # Rasa 3.6 wraps the configured store in an AwaitableTrackerStore (``_tracker_store``)
    store = getattr(store, "_tracker_store", store)
    return getattr(store, "engine", None)


def purge_now(engine: Any) -> retention.PurgeResult:
    days = retention.retention_days()
    cutoff = retention.cutoff_timestamp(clock.today(), days)
    return retention.purge(engine, cutoff)


class StaffPages(InputChannel):
    """``/admin/report`` behind ``MAINA_ADMIN_TOKEN``, and retention at start-up and daily."""

    @classmethod
    def name(cls) -> Text:
        return "maina_staff"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "StaffPages":
        return cls(token=admin_token())

    def __init__(self, token: Optional[str] = None, retention_interval: float = DAY_SECONDS) -> None:
        self.token = token
        self.retention_interval = retention_interval
        self._task: Optional[asyncio.Task] = None
        self._building = asyncio.Lock()

    def url_prefix(self) -> Text:
        return "/"

    # -- retention ---------------------------------------------------------------------------

    async def _retention_loop(self, app: Any) -> None:
        loop = asyncio.get_running_loop()
        while True:
            engine = tracker_engine(app)
            if engine is None:
                logger.warning("retention: the tracker store is not an SQL store; nothing deleted")
                return
            try:
                await loop.run_in_executor(None, purge_now, engine)
            except Exception:  # noqa: BLE001 - retry tomorrow, never stop the server
                logger.exception("retention failed")
            await asyncio.sleep(self.retention_interval)

    # -- auth --------------------------------------------------------------------------------

    def _cookie_value(self) -> str:
        assert self.token
        return hmac.new(self.token.encode(), b"maina-admin-session", hashlib.sha256).hexdigest()

    def authorized(self, request: Request) -> bool:
        if not self.token:
            return False
        header = request.headers.get("authorization", "")
        if header[:7].lower() == "bearer ":
            return hmac.compare_digest(header[7:].strip().encode(), self.token.encode())
        cookie = request.cookies.get(COOKIE, "")
        return bool(cookie) and hmac.compare_digest(cookie.encode(), self._cookie_value().encode())

    @staticmethod
    def _headers(csp: bool = True) -> Dict[str, str]:
        headers = {
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "X-Frame-Options": "DENY",
            "X-Robots-Tag": "noindex",
        }
        if csp:
            headers["Content-Security-Policy"] = (
                f"default-src 'none'; img-src data:; style-src '{render.STYLE_HASH}'; "
                "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
            )
        return headers

    def _login(self, status: int = 401, error: str = "") -> HTTPResponse:
        message = f'<p class="note" role="alert">{html.escape(error)}</p>' if error else ""
        headers = self._headers()
        headers["WWW-Authenticate"] = 'Bearer realm="maina-admin"'
        return response.html(LOGIN_PAGE.format(css=render.CSS, error=message),
                             status=status, headers=headers)

    # -- report --------------------------------------------------------------------------------

    async def _report(self, request: Request):
        raw = request.args.get("days", str(DEFAULT_DAYS))
        days = int(raw) if raw.isdigit() and 1 <= int(raw) <= MAX_DAYS else DEFAULT_DAYS
        engine = tracker_engine(request.app)
        if engine is None:
            return None
        today = clock.today()
        start, end = build.period(today, days)
        loop = asyncio.get_running_loop()
        async with self._building:  # one report at a time: it reads the whole period
            report = await loop.run_in_executor(
                None, lambda: build.build_report(engine, start, end, retention.retention_days()))
        return report, today, days

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        pages = Blueprint("maina_staff", __name__)

        @pages.listener("after_server_start")
        async def start_retention(app: Any, _: Any) -> None:
            self._task = asyncio.ensure_future(self._retention_loop(app))

        @pages.listener("before_server_stop")
        async def stop_retention(app: Any, _: Any) -> None:
            if self._task is not None:
                self._task.cancel()

        if not self.token:
            return pages  # no token: the report does not exist

        def unavailable() -> HTTPResponse:
            return response.json({"status": "unavailable"}, status=503)

        @pages.route("/admin/report", methods=["GET"], name="maina_admin_report")
        async def report_page(request: Request) -> HTTPResponse:
            if not self.authorized(request):
                if "authorization" not in request.headers and "text/html" in request.headers.get("accept", ""):
                    # a browser without credentials: to the login form
                    return response.redirect("/admin/login", status=303, headers=self._headers())
                return self._login()
            built = await self._report(request)
            if built is None:
                return unavailable()
            report, today, days = built
            loop = asyncio.get_running_loop()
            page = await loop.run_in_executor(None, lambda: render.render_html(
                report, today, csv_url="/admin/report.csv?days=%d" % days,
                daily_csv_url="/admin/report-daily.csv?days=%d" % days,
                period_url="/admin/report?days={days}", logout_url="/admin/logout"))
            return response.html(page, headers=self._headers())

        def csv_route(path: str, name: str, make: Callable[[build.Report], str], filename: str) -> None:
            @pages.route(path, methods=["GET"], name=name)
            async def csv_file(request: Request) -> HTTPResponse:
                if not self.authorized(request):
                    return self._login()
                built = await self._report(request)
                if built is None:
                    return unavailable()
                report, _, _ = built
                headers = self._headers(csp=False)
                headers["Content-Disposition"] = (
                    f'attachment; filename="{filename}-{report.start}-{report.end}.csv"')
                return response.text(make(report), headers=headers,
                                     content_type="text/csv; charset=utf-8")

        csv_route("/admin/report.csv", "maina_admin_csv", render.groups_csv, "maina-questions")
        csv_route("/admin/report-daily.csv", "maina_admin_daily_csv", render.daily_csv, "maina-daily")

        @pages.route("/admin/login", methods=["GET"], name="maina_admin_login_form")
        async def login_form(request: Request) -> HTTPResponse:
            return self._login(status=200)

        @pages.route("/admin/login", methods=["POST"], name="maina_admin_login")
        async def login(request: Request) -> HTTPResponse:
            token = (request.form.get("token") or "").strip() if request.form else ""
            if not token or not hmac.compare_digest(token.encode(), self.token.encode()):
                return self._login(error="トークンが違います。")
            secure = request.headers.get("x-forwarded-proto", request.scheme) == "https"
            redirect = response.redirect("/admin/report", status=303, headers=self._headers())
            redirect.cookies[COOKIE] = self._cookie_value()
            cookie = redirect.cookies[COOKIE]
            cookie["httponly"] = True
            cookie["samesite"] = "Strict"
            cookie["path"] = "/admin"
            cookie["secure"] = secure
            return redirect

        @pages.route("/admin/logout", methods=["POST"], name="maina_admin_logout")
        async def logout(request: Request) -> HTTPResponse:
            redirect = response.redirect("/admin/report", status=303, headers=self._headers())
            del redirect.cookies[COOKIE]
            redirect.cookies[COOKIE]["path"] = "/admin"
            return redirect

        return pages
