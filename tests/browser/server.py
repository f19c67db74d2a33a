"""A real uvicorn server in a thread on a free loopback port, for Chromium tests and screenshots."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from app.web import Settings, create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def without_aborts(errors: list[str]) -> list[str]:
    """Console errors less htmx's report of a request the browser aborted.

    A page that polls (the status line) may have a request in flight when the test reloads,
    navigates or closes it; the browser aborts it and htmx logs `htmx:afterRequest` then
    `htmx:sendAbort` as errors. That is the test leaving the page, not a fault of the page.
    A failed request (`htmx:sendError`, a timeout) is still an error.
    """
    kept: list[str] = []
    for message in errors:
        if "htmx:sendAbort" in message and kept and "htmx:afterRequest" in kept[-1]:
            kept.pop()
            continue
        kept.append(message)
    return kept


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serve(root: Path, index_path: Path, watch: bool = False, ready: bool = True) -> Iterator[str]:
    """Yields the base URL once the server answers and (with `ready`) the first index refresh
    is done."""
    app = create_app(Settings(roots=[root], index_path=index_path, watch=watch))
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    if ready:
        app.state.live.ready.wait(30)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
