"""Helpers for the security suite: time and memory bounds, and a real server for an app."""

from __future__ import annotations

import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pytest
import uvicorn
from fastapi import FastAPI

from tests.browser.server import free_port

T = TypeVar("T")


def bounded(call: Callable[[], T], seconds: float, max_mb: float) -> T:
    """Run `call` in a thread; fail if it runs past `seconds` or allocates past `max_mb`.

    A hang (a FIFO opened for reading, a quadratic loop) shows up as a failed test instead of a
    stuck run; tracemalloc's peak catches an alias bomb that would otherwise expand in memory.
    """
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # re-raised in the test's thread below
            box["error"] = exc

    tracemalloc.start()
    try:
        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        worker.join(seconds)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    if worker.is_alive():
        pytest.fail(f"still running after {seconds} s")
    if "error" in box:
        raise box["error"]
    assert peak <= max_mb * 1024 * 1024, f"peak allocation {peak / 1e6:.1f} MB > {max_mb} MB"
    return box["value"]  # type: ignore[no-any-return]


@pytest.fixture(scope="session", autouse=True)
def _warm_imports() -> None:
    """Decode one cassette first, so lazy imports (the price table) are not counted as a bound."""
    from app.loader import load_bytes
    from tests.security.hostile import good_cassette

    load_bytes(good_cassette(), "warm.yaml")


@contextmanager
def running(app: FastAPI) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "server died while starting"
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    assert app.state.live.ready.wait(30)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
