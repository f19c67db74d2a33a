"""Apps built on temporary roots, with the first index refresh finished before a test starts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.web import Settings, create_app
from tests.web.samples import write_tree

MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[MakeClient]:
    clients: list[TestClient] = []

    def make(root: Path | None = None, **settings: object) -> TestClient:
        if root is None:
            root = tmp_path / "cassettes"
            write_tree(root)
        app = create_app(
            Settings(
                roots=[root],
                index_path=tmp_path / f"index-{len(clients)}.sqlite3",
                watch=bool(settings.pop("watch", False)),
                **settings,  # type: ignore[arg-type]
            )
        )
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        assert app.state.live.ready.wait(30), "first refresh did not finish"
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:
    return make_client()
