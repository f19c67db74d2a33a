"""Headers every response carries, and the optional token gate for non-loopback binds.

The pages show text recorded from third parties (model output, tool arguments, headers), so the
browser is told to run only our own static scripts: no inline script, no framing, no sniffing.
"""

from __future__ import annotations

import hmac
import logging
import time
from urllib.parse import urlencode

from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Recorded image URLs (http/https, data:) are shown; nothing else is fetched off-site.
        "img-src 'self' data: https: http:",
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


class TokenGate:
    """Requires the token as `Authorization: Bearer`, the cookie, or `?token=` (which sets it)."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token

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
        if self._ok(request.cookies.get(TOKEN_COOKIE, "")):
            return None
        given = request.query_params.get("token")
        if given is not None and self._ok(given):
            # Drop the token from the address bar (and history) once the cookie holds it.
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            # One leading slash only: `//host/...` would send the browser to another site.
            target = URL(path="/" + request.url.path.lstrip("/"), query=urlencode(rest))
            redirect = RedirectResponse(str(target), status_code=303)
            redirect.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
            return redirect
        return JSONResponse(
            {"detail": "authentication required"},
            status_code=401,
            headers={"www-authenticate": "Bearer"},
        )

    def _ok(self, given: str) -> bool:
        return bool(given) and hmac.compare_digest(given.encode(), self.token.encode())
