"""The HTTP surface: schema-fuzzed, traversal-proof, bounded, JSON errors, security headers."""

from __future__ import annotations

import http.client
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.index import Index
from app.web import Settings, create_app
from tests.browser.server import serve
from tests.security import hostile
from tests.security.conftest import bounded
from tests.web.samples import streamed_story, weather_agent

OUTSIDE_TEXT = "TRAVERSAL-TARGET-TEXT"
REQUIRED_HEADERS = ("content-security-policy", "x-content-type-options", "referrer-policy")


def make_root(base: Path) -> Path:
    """A root with a few cassettes, and a readable cassette just outside it to aim at."""
    root = base / "root"
    (root / "sub").mkdir(parents=True)
    (root / "agent.yaml").write_text(weather_agent())
    (root / "sub" / "stream.yaml").write_text(streamed_story(10))
    (root / "bad.yaml").write_bytes(hostile.alias_bomb())
    (base / "outside").mkdir()
    (base / "outside" / "secret.yaml").write_bytes(hostile.good_cassette(OUTSIDE_TEXT))
    return root


def assert_security_headers(headers: Mapping[str, str] | http.client.HTTPMessage) -> None:
    get = headers.get
    csp = get("content-security-policy") or ""
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors 'none'" in csp
    assert get("x-content-type-options") == "nosniff"
    assert get("referrer-policy") == "no-referrer"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    base = tmp_path_factory.mktemp("http")
    root = make_root(base)
    built = create_app(Settings(roots=[root], index_path=base / "i.sqlite3", watch=False))
    Index(base / "i.sqlite3", [root], workers=1).refresh()
    return built


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        assert app.state.live.ready.wait(30)
        yield c


@pytest.fixture(scope="module")
def api_schema(app: FastAPI) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_route_fuzzed_from_the_schema(
    case: schemathesis.Case,  # type: ignore[type-arg]
    client: TestClient,
) -> None:
    response = client.request(
        case.method, case.formatted_path, params=case.query, headers=case.headers
    )
    assert response.status_code < 500, (case.formatted_path, response.text[:300])
    assert_security_headers(response.headers)
    if response.status_code >= 400:
        assert response.json().keys() == {"detail"}


# Query parameters are read from the request, not declared, so the schema cannot fuzz them.
QUERY_NAMES = [
    "q",
    "provider",
    "model",
    "api",
    "tool",
    "status",
    "format",
    "has_error",
    "folder",
    "limit",
    "offset",
    "sort",
    "desc",
    "group_by",
    "chunks",
    "v",
    "gen",
    "path",
    "page",
]
ROUTES = [
    "/",
    "/search",
    "/usage",
    "/usage.csv",
    "/errors",
    "/status",
    "/api/cassettes",
    "/api/search",
    "/api/usage",
    "/cassettes/agent.yaml",
    "/cassettes/agent.yaml/interactions/1",
    "/api/cassettes/sub/stream.yaml/interactions/0/chunks",
]
VALUES = st.one_of(
    st.text(max_size=30),
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["", "-1", "1e9", "nan", "true", "../..", "%00", "<script>", "'\"", "*"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(ROUTES), st.dictionaries(st.sampled_from(QUERY_NAMES), VALUES, max_size=4))
def test_query_parameters_fuzzed(client: TestClient, route: str, params: dict[str, str]) -> None:
    response = client.get(route, params=params)
    assert response.status_code < 500, (route, params, response.text[:300])
    if response.status_code >= 400:
        assert response.json().keys() == {"detail"}


def traversal_paths(base: Path) -> list[str]:
    target = str(base / "outside" / "secret.yaml")
    return [
        "../outside/secret.yaml",
        "sub/../../outside/secret.yaml",
        "%2e%2e/outside/secret.yaml",
        "%2e%2e%2foutside%2fsecret.yaml",
        "..%2foutside%2fsecret.yaml",
        "%252e%252e%252foutside%252fsecret.yaml",
        "..%5coutside%5csecret.yaml",
        "..\\outside\\secret.yaml",
        "....//outside/secret.yaml",
        "/" + target.lstrip("/"),
        target.replace("/", "%2f"),
        "%2fetc%2fpasswd",
        "/etc/passwd",
        "agent.yaml%00../../outside/secret.yaml",
        "agent.yaml%00",
        "./agent.yaml/../../outside/secret.yaml",
    ]


def test_encoded_traversal_is_404_on_every_path_route(tmp_path: Path) -> None:
    """Raw request lines (http.client keeps `..` and `%2e` as sent) against a real server."""
    root = make_root(tmp_path)
    with serve(root, tmp_path / "i.sqlite3") as url:
        host = urlsplit(url)
        conn = http.client.HTTPConnection(host.hostname or "", host.port, timeout=10)
        conn.request("GET", "/api/cassettes/sub/stream.yaml")
        assert conn.getresponse().read().count(b"word3") > 0  # the same server does serve files
        for variant in traversal_paths(tmp_path):
            for template in (
                "/cassettes/{}",
                "/api/cassettes/{}",
                "/api/cassettes/{}/interactions/0",
                "/api/cassettes/{}/interactions/0/chunks",
                "/static/{}",
            ):
                target = template.format(variant)
                conn.request("GET", target)
                response = conn.getresponse()
                body = response.read().decode(errors="replace")
                assert response.status in (400, 404), (target, response.status)
                assert OUTSIDE_TEXT not in body, target
                assert "root:x:0:0" not in body, target
                assert "Traceback" not in body
                assert_security_headers(response.headers)
        conn.close()


def test_request_size_bounds(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    with serve(root, tmp_path / "i.sqlite3") as url:
        host = urlsplit(url)
        conn = http.client.HTTPConnection(host.hostname or "", host.port, timeout=10)

        def ask(
            method: str, target: str, body: bytes | None = None, headers: Mapping[str, str] = {}
        ) -> int:
            conn.request(method, target, body=body, headers=dict(headers))
            response = conn.getresponse()
            response.read()
            return response.status

        # A long search query is answered, in bounded time.
        assert bounded(lambda: ask("GET", "/api/search?q=" + "a" * 60_000), 10, 512) == 200
        # A body sent to a read-only app is refused without being read into a page.
        assert bounded(lambda: ask("POST", "/api/cassettes", b"x" * 5_000_000), 10, 512) == 405
        conn.close()
        # An oversized header is refused by the server; the next client is served as usual.
        conn = http.client.HTTPConnection(host.hostname or "", host.port, timeout=10)
        try:
            status = ask("GET", "/healthz", headers={"X-Big": "b" * 200_000})
            assert 400 <= status < 500
        except (ConnectionError, http.client.HTTPException):
            pass  # closing the connection is an acceptable refusal too
        conn.close()
        conn = http.client.HTTPConnection(host.hostname or "", host.port, timeout=10)
        assert ask("GET", "/healthz") == 200
        conn.close()


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/no/such/page", 404),
        ("GET", "/cassettes/missing.yaml", 404),
        ("GET", "/api/cassettes/agent.yaml/interactions/99", 404),
        ("GET", "/api/cassettes?limit=abc", 400),
        ("GET", "/api/usage?group_by=secret", 400),
        ("DELETE", "/api/cassettes/agent.yaml", 405),
        ("POST", "/", 405),
        ("GET", "/static/../app/secrets.py", 404),
    ],
)
def test_errors_are_json_detail_with_headers(
    client: TestClient, method: str, url: str, status: int
) -> None:
    response = client.request(method, url, headers={"accept": "application/json"})
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    assert list(response.json()) == ["detail"]
    assert "Traceback" not in response.text
    assert_security_headers(response.headers)
    # A browser gets the same status; outside /api/ as a page in the layout (contract, HTTP).
    page = client.request(method, url, headers={"accept": "text/html"})
    assert page.status_code == status
    wanted = "application/json" if url.startswith("/api/") else "text/html"
    assert page.headers["content-type"].startswith(wanted)
    assert "Traceback" not in page.text
    assert_security_headers(page.headers)


def test_a_crash_is_json_500_without_traceback(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Index, path: str) -> None:
        raise RuntimeError("secret internal state /etc/shadow")

    monkeypatch.setattr(Index, "summary", broken)
    response = client.get("/cassettes/agent.yaml")
    assert response.status_code == 500
    assert response.json() == {"detail": "internal server error"}
    assert "shadow" not in response.text
    assert_security_headers(response.headers)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/healthz",
        "/static/app.js",
        "/static/app.css",
        "/cassettes/agent.yaml",
        "/usage.csv",
        "/api/cassettes/sub/stream.yaml/interactions/0/chunks",
    ],
)
def test_security_headers_on_every_kind_of_answer(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert_security_headers(response.headers)
