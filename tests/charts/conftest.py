"""One small root of cassettes with known usage, indexed once per module, and an app over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.index import Index
from app.web import Settings, create_app
from tests.charts.cassettes import Call, write

HOSTILE = "<script>alert('x')</script>"
FORMULA = '=HYPERLINK("http://evil")'


def write_root(root: Path) -> None:
    write(
        root,
        "agents/plan.yaml",
        [
            Call(model="gpt-4o", prompt=5000, cached=3000, completion=800, duration="80ms"),
            Call(model="gpt-4o", prompt=6000, cached=0, completion=400, duration="300ms"),
            Call(model="o3-mini", prompt=2000, completion=3000, reasoning=2500, duration="14s"),
            Call(status=429, prompt=None, completion=None, duration="40ms"),
        ],
    )
    write(
        root,
        "agents/router.yaml",
        [
            Call(host="openrouter.ai/api", model="openai/gpt-4o", cost=0.0123, duration=None),
            Call(host="openrouter.ai/api", model="openai/gpt-4o", cost=0.0020, duration="2s"),
        ],
    )
    write(root, "odd/hostile.yaml", [Call(model=HOSTILE, prompt=700, completion=70)])
    write(root, "odd/formula.yaml", [Call(model=FORMULA, prompt=10, completion=1)])
    write(root, "odd/unpriced.yaml", [Call(model="mystery-model-x", prompt=300, completion=30)])
    for i in range(14):
        write(
            root, f"many/c{i:02}.yaml", [Call(model="gpt-4.1-mini", prompt=100 + i, completion=i)]
        )


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("charts") / "cassettes"
    write_root(path)
    return path


@pytest.fixture(scope="module")
def index(root: Path) -> Iterator[Index]:
    idx = Index(root.parent / "index.sqlite3", [root])
    idx.refresh()
    yield idx
    idx.close()


@pytest.fixture(scope="module")
def client(root: Path) -> Iterator[TestClient]:
    app = create_app(Settings(roots=[root], index_path=root.parent / "web.sqlite3", watch=False))
    with TestClient(app) as c:
        assert app.state.live.ready.wait(30), "first refresh did not finish"
        yield c
