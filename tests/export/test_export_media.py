"""Exported pages keep inline images and audio, and their CSP lets data: in for media too."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.export import export_single, export_site
from tests.web.dom import parse

FIXTURE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "apis" / "openai_chat" / "inline_media.yaml"
)


def _policy(html: str) -> dict[str, str]:
    meta = next(m for m in parse(html).find_all("meta") if m.attrs.get("http-equiv"))
    return {d.split()[0]: d for d in meta.attrs["content"].split("; ")}


def _media(html: str) -> tuple[list[str], list[str]]:
    doc = parse(html)
    images = [i.attrs["src"] for i in doc.find_all("img") if i.attrs["src"].startswith("data:")]
    return images, [a.attrs["src"] for a in doc.find_all("audio")]


def test_the_site_and_the_single_file_keep_media(tmp_path: Path) -> None:
    root = tmp_path / "cassettes"
    root.mkdir()
    shutil.copy(FIXTURE, root / "media.yaml")
    export_site([root], tmp_path / "site")
    page = next((tmp_path / "site").rglob("0.html")).read_text()
    single, _ = export_single(root / "media.yaml", tmp_path / "one")
    for html in (page, single.read_text()):
        images, sounds = _media(html)
        assert images
        assert all(s.startswith("data:image/png;base64,") for s in images)
        assert len(sounds) >= 2  # the question's clip and the spoken answer
        assert all(s.startswith("data:audio/wav;base64,") for s in sounds)
        policy = _policy(html)
        assert "data:" in policy["media-src"]
        assert [k for k, d in policy.items() if "data:" in d] == ["img-src", "media-src"]
