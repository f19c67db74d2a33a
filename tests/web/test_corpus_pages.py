"""Real recordings never break a page: every page and JSON twin of a sample of the shared corpus
answers 200 and shows what it is about."""

from __future__ import annotations

import html
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from app.web import Settings, create_app

SITE_PAGES = ("/", "/usage", "/errors", "/search?q=weather", "/usage.csv?table=cassette")


@pytest.mark.corpus
def test_every_page_of_real_recordings_renders(corpus_dir: Path, tmp_path: Path) -> None:
    files = sorted(p for p in corpus_dir.rglob("*") if p.is_file() and p.suffix != ".tsv")[::3]
    root = tmp_path / "corpus"
    for file in files:
        target = root / file.relative_to(corpus_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)
    app = create_app(Settings(roots=[root], index_path=tmp_path / "index.sqlite3", watch=False))
    failures: list[tuple[int, str, str]] = []
    with TestClient(app, raise_server_exceptions=False) as client:
        assert app.state.live.ready.wait(300)
        listed = client.get("/api/cassettes", params={"limit": 1000}).json()
        assert listed["total"] > 100
        for cassette in listed["cassettes"]:
            path = quote(cassette["path"])
            pages = [(f"/cassettes/{path}", "path", cassette["path"])] + [
                (f"/cassettes/{path}/interactions/{n}", "index", n)
                for n in range(cassette["interactions"])
            ]
            for url, field, expected in pages:
                page = client.get(url)
                if page.status_code != 200 or html.escape(cassette["path"]) not in page.text:
                    failures.append((page.status_code, url, "html"))
                twin = client.get(url, headers={"accept": "application/json"})
                if twin.status_code != 200 or twin.json()[field] != expected:
                    failures.append((twin.status_code, url, "json"))
        for url in SITE_PAGES:
            answer = client.get(url)
            if answer.status_code != 200:
                failures.append((answer.status_code, url, "site"))
    assert failures == []
