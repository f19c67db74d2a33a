"""Headers every response carries, and the optional token gate for non-loopback binds.

The pages show text recorded from third parties (model output, tool arguments, headers), so the
browser is told to run only our own static scripts: no inline script, no framing, no sniffing.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import logging
import secrets
import time
from collections.abc import Iterable
from urllib.parse import urlencode

from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Nothing is fetched off-site, recorded images included: a remote image in recorded
        # Markdown is a link the reader may follow, never a request the page makes on view.
        "img-src 'self' data:",
        # Inline audio from recordings plays from its data: URL; nothing else is a data: source.
        "media-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)

TOKEN_COOKIE = "tapedeck_token"

# Names that always mean this machine; a page on another name that resolves to 127.0.0.1 (DNS
# rebinding) sends its own name as Host and is refused.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "ip6-localhost"})

log = logging.getLogger("tapedeck.web")


class SecurityHeaders:
    """Pure ASGI, outermost: covers every answer, and turns a crash into JSON, not a traceback."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = False
        t0 = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                # Time to the first byte, for benchmarks and the browser's network panel.
                took = (time.perf_counter() - t0) * 1000
                extra.append((b"server-timing", f"app;dur={took:.1f}".encode()))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("error while answering %s", scope.get("path"))
            if started:
                raise
            crash = JSONResponse({"detail": "internal server error"}, status_code=500)
            await crash(scope, receive, send_with_headers)


def host_name(header: str) -> str:
    """The name part of a Host header: port dropped, brackets of an IPv6 literal dropped,
    lower case, no trailing dot."""
    value = header.strip().lower()
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def allowed_hosts(bind: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """Loopback names, the address the server binds to, and the names given with --allow-host."""
    names = {host_name(n) for n in (bind, *extra) if n.strip()}
    return frozenset(LOOPBACK_HOSTS | names)


class HostGuard:
    """Answers only requests whose Host names this server (see `allowed_hosts`): 400 otherwise,
    as a page for a browser and JSON for anything else."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str]) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        given = request.headers.get("host", "")
        if host_name(given) in self.hosts:
            await self.app(scope, receive, send)
            return
        detail = (
            f"unknown Host {given[:200]!r}: this server answers only to its own names "
            "(start it with --allow-host NAME to add one)"
        )
        response: Response
        if "text/html" in request.headers.get("accept", ""):
            body = (
                "<!doctype html><title>Unknown host</title><h1>Unknown host</h1>"
                f"<p>{html.escape(detail)}</p>"
            )
            response = HTMLResponse(body, status_code=400)
        else:
            response = JSONResponse({"detail": detail}, status_code=400)
        await response(scope, receive, send)


def cookie_name(scope: Scope) -> str:
    """One cookie per port: browsers share cookies across ports of a host, and another server
    on this machine must not be handed ours."""
    server = scope.get("server") or ("", 0)
    return f"{TOKEN_COOKIE}_{server[1] or 0}"


class TokenGate:
    """Requires the token as `Authorization: Bearer`, the cookie, or `?token=` (which sets it)."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        if not token.strip():
            raise ValueError("an empty auth token would let everyone in")
        self.app = app
        self.token = token
        # The cookie holds a value derived from the token with a salt of this process, never the
        # token itself: a cookie read elsewhere is not the token, and dies with the server.
        self._cookie_value = hmac.new(
            secrets.token_bytes(32), token.encode(), hashlib.sha256
        ).hexdigest()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        response = self._check(request)
        if response is None:
            await self.app(scope, receive, send)
        else:
            await response(scope, receive, send)

    def _check(self, request: Request) -> Response | None:
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer ") and self._ok(auth[7:].strip()):
            return None
        name = cookie_name(request.scope)
        cookie = request.cookies.get(name, "")
        if cookie and hmac.compare_digest(cookie.encode(), self._cookie_value.encode()):
            return None
        given = request.query_params.get("token")
        if given is not None and self._ok(given):
            # Drop the token from the address bar (and history) once the cookie holds it.
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            # One leading slash only: `//host/...` would send the browser to another site.
            target = URL(path="/" + request.url.path.lstrip("/"), query=urlencode(rest))
            redirect = RedirectResponse(str(target), status_code=303)
            redirect.set_cookie(name, self._cookie_value, httponly=True, samesite="strict")
            return redirect
        return JSONResponse(
            {"detail": "authentication required"},
            status_code=401,
            headers={"www-authenticate": "Bearer"},
        )

    def _ok(self, given: str) -> bool:
        return bool(given) and hmac.compare_digest(given.encode(), self.token.encode())
