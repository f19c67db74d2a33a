"""Vendored and generated static files stay what they claim to be."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from fastapi.testclient import TestClient

from app.web.markup import stylesheet
from app.web.render import asset_dir

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_vendored_htmx_matches_its_hash() -> None:
    (js,) = STATIC.glob("htmx-*.min.js")
    recorded = (STATIC / (js.name + ".sha256")).read_text().split()[0]
    assert hashlib.sha256(js.read_bytes()).hexdigest() == recorded
    version = js.name.removeprefix("htmx-").removesuffix(".min.js")
    assert f'version:"{version}"' in js.read_text()


def test_pygments_stylesheet_is_in_step_with_the_generator() -> None:
    # Colours may shift between Pygments releases; every token class it emits must have a rule.
    def selectors(css: str) -> set[str]:
        return set(re.findall(r"\.hl \.[\w-]+", css))

    assert selectors((STATIC / "pygments.css").read_text()) >= selectors(stylesheet()), (
        "regenerate: python -c 'from app.web.markup import stylesheet; "
        'open("static/pygments.css", "w").write(stylesheet())\''
    )


def test_assets_are_found_and_served(client: TestClient) -> None:
    assert (asset_dir("templates") / "base.html").is_file()
    page = client.get("/").text
    for name in ("app.css", "pygments.css", "app.js", "theme.js"):
        assert f"/static/{name}" in page
        assert client.get(f"/static/{name}").status_code == 200
    (js,) = STATIC.glob("htmx-*.min.js")
    assert f"/static/{js.name}" in page
