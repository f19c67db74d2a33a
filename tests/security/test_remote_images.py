"""Remote images in recordings are links, never requests the page makes when it is viewed."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from app.web import Settings, create_app
from app.web.security import CSP
from tests.security import hostile
from tests.web.dom import parse


def test_remote_images_are_links_to_click(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "pixel.yaml").write_bytes(hostile.remote_image_cassette())
    app = create_app(Settings(roots=[root], index_path=tmp_path / "i.sqlite3", watch=False))
    with TestClient(app) as client:
        assert app.state.live.ready.wait(30)
        for url in ("/cassettes/pixel.yaml", "/cassettes/pixel.yaml/interactions/0"):
            page = client.get(url)
            assert page.status_code == 200
            doc = parse(page.text)
            sources = [img.attrs.get("src", "") for img in doc.find_all("img")]
            assert not [s for s in sources if "tracker.example" in s], sources
            links = [a for a in doc.find_all("a") if "tracker.example" in a.attrs.get("href", "")]
            assert {"md=1", "part=1"} <= {a.attrs["href"].split("?")[1] for a in links}, url
            assert all("remote image (click to load)" in a.text() for a in links)
            policy = page.headers["content-security-policy"]
            img_src = next(d for d in policy.split("; ") if d.startswith("img-src"))
            assert "https:" not in img_src
            assert "http:" not in img_src
    assert "img-src 'self' data:" in CSP
