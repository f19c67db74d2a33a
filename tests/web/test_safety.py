"""Hostile recordings render as text; paths outside the index are 404; every answer is guarded."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import MakeClient
from tests.web.dom import Node, parse
from tests.web.samples import HANDLER, XSS

HOSTILE = 'hostile/<b onmouseover="x">evil</b>.yaml'
HOSTILE_URL = "/cassettes/" + quote(HOSTILE)


def assert_inert(doc: Node, where: str) -> None:
    """Nothing in the page can run: only our own external scripts, no handlers, no js: links."""
    for node in doc.find_all():
        if node.tag == "script":
            assert node.attrs.get("src", "").startswith("/static/"), where
            assert not node.text().strip(), where
        for name, value in node.attrs.items():
            assert not name.startswith("on"), (where, node.tag, name)
            if name in ("href", "src", "action", "hx-get"):
                assert not value.strip().lower().startswith(("javascript:", "data:text")), where
        assert node.tag not in ("b", "iframe", "object", "embed") or not node.attrs, where


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?q=alert",
        "/search?q=alert",
        "/search?q=script",
        HOSTILE_URL,
        HOSTILE_URL + "/interactions/0",
        HOSTILE_URL + "/interactions/1",
        "/errors",
        "/status?path=" + quote(HOSTILE),
    ],
)
def test_hostile_recording_renders_as_text(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 200, r.text[:300]
    assert_inert(parse(r.text), url)
    assert "<script>alert" not in r.text


def test_hostile_text_is_visible_as_written(client: TestClient) -> None:
    doc = parse(client.get(HOSTILE_URL).text)
    text = doc.text()
    assert XSS in text  # shown, escaped, in the user message
    assert f"tool{XSS}" in doc.find("code", cls="tool-name").text()
    # A JSON key is shown as JSON: quoted and escaped, never as markup.
    assert json.dumps(f"key{HANDLER}") in doc.find("section", cls="tool-call").find("pre").text()
    # The file name holds a slash, so it is a folder `<b onmouseover="x">evil<` and a file.
    assert '<b onmouseover="x">evil<' in doc.find("nav", cls="crumbs").text()
    assert doc.find("h1").text() == "b>.yaml"
    # Markdown links to javascript: are dropped, the rest of the text stays.
    for a in doc.find_all("a"):
        assert not a.attrs.get("href", "").lower().startswith("javascript")
    inter = parse(client.get(HOSTILE_URL + "/interactions/0").text)
    assert f"X-Evil{HANDLER}" in inter.find("table", cls="headers").text()
    assert XSS in inter.find("h1").text()  # the URL's query, escaped


@pytest.mark.parametrize(
    "path",
    [
        "/cassettes/../etc/passwd",
        "/cassettes/%2e%2e/%2e%2e/etc/passwd",
        "/cassettes/agents/%2e%2e/%2e%2e/etc/passwd",
        "/cassettes/agents%2f..%2f..%2fetc%2fpasswd",
        "/cassettes//etc/passwd",
        "/cassettes/%2Fetc%2Fpasswd",
        "/cassettes/agents/..%5c..%5cetc",
        "/api/cassettes/%2e%2e/%2e%2e/etc/passwd",
        "/api/cassettes/agents/weather.yaml/../../../../etc/passwd",
        "/cassettes/agents/weather.yaml%00",
        "/cassettes/not-indexed.yaml",
        "/cassettes/agents",
        "/cassettes/agents/weather.yaml/interactions/99",
        "/static/../app/web/__init__.py",
    ],
)
def test_paths_outside_the_index_are_404(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404, (path, r.status_code)
    assert r.headers["content-type"].startswith("application/json")
    assert set(r.json()) == {"detail"}
    assert "root:" not in r.text


def test_security_headers_on_every_answer(client: TestClient) -> None:
    for url in ("/", "/api/cassettes", "/cassettes/nope", "/static/app.css", "/healthz"):
        r = client.get(url)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp, url
        assert "unsafe-inline" not in csp, url
        assert "frame-ancestors 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"


def test_pages_have_no_inline_script_or_style(client: TestClient) -> None:
    for url in ("/", HOSTILE_URL, "/cassettes/streams/story.yaml/interactions/0", "/search?q=x"):
        doc = parse(client.get(url).text)
        for node in doc.find_all():
            assert "style" not in node.attrs, (url, node.tag)
            assert node.tag != "style", url


def test_a_crash_is_json_without_a_traceback(make_client: MakeClient) -> None:
    client = make_client()

    def boom(*_args: object, **_kw: object) -> None:
        raise RuntimeError("secret internals")

    client.app.state.live.index.list_cassettes = boom  # type: ignore[attr-defined]
    r = client.get("/api/cassettes")
    assert r.status_code == 500
    assert r.json() == {"detail": "internal server error"}
    assert r.headers["x-content-type-options"] == "nosniff"


def test_token_gate(make_client: MakeClient) -> None:
    client = make_client(auth_token="s3cret-token")
    assert client.get("/api/cassettes").status_code == 401
    assert client.get("/api/cassettes", headers={"authorization": "Bearer nope"}).status_code == 401
    ok = client.get("/api/cassettes", headers={"authorization": "Bearer s3cret-token"})
    assert ok.status_code == 200
    assert client.get("/static/app.css").status_code == 200
    # `?token=` once sets a cookie and drops the token from the address.
    r = client.get("/search?q=x&token=s3cret-token", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/search?q=x"
    assert "httponly" in r.headers["set-cookie"].lower()
    assert client.get("/search?q=x").status_code == 200  # the client kept the cookie
