"""A live server on the sample tree and a headless Chromium page for each browser test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, serve, without_aborts
from tests.web.samples import write_tree

if not CHROMIUM.exists():
    if os.environ.get("TAPEDECK_REQUIRE_BROWSER") == "1":  # CI: a missing browser is a failure
        raise RuntimeError(f"{CHROMIUM} is missing and TAPEDECK_REQUIRE_BROWSER=1")
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)

from playwright.sync_api import Browser, Page, sync_playwright


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser")
    root = tmp / "cassettes"
    write_tree(root)
    with serve(root, Path(tmp) / "index.sqlite3") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    p.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield p
    context.close()
    errors = without_aborts(errors)
    assert not errors, f"errors in the page (CSP violations show here too): {errors}"
