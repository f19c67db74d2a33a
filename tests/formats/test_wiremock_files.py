"""WireMock bodies kept in `__files/` (`bodyFileName`): read when the file resolves inside the
indexed roots, refused with a warning when the name or a symlink leads out, named when missing."""

from __future__ import annotations

import json
import os
from pathlib import Path

from app.formats.base import ReadLimits
from app.index import Index
from app.loader import load_cassette
from app.model import Cassette

ANSWER = {
    "id": "chatcmpl-wm1",
    "object": "chat.completion",
    "model": "gpt-4o-mini",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Teal."},
                 "finish_reason": "stop"}],
}  # fmt: skip


def _stub(body_file: str) -> dict[str, object]:
    return {
        "request": {"urlPath": "/v1/chat/completions", "method": "POST"},
        "response": {"status": 200, "bodyFileName": body_file,
                     "headers": {"Content-Type": "application/json"}},
    }  # fmt: skip


def _wiremock_root(tmp_path: Path, *names: str) -> Path:
    """WireMock's layout: `mappings/` with one stub per name, `__files/` with the answer."""
    root = tmp_path / "wiremock"
    (root / "mappings").mkdir(parents=True)
    (root / "__files").mkdir()
    (root / "__files" / "answer.json").write_text(json.dumps(ANSWER))
    doc = {"mappings": [_stub(n) for n in names]}
    (root / "mappings" / "chat.json").write_text(json.dumps(doc))
    return root


def _load(root: Path, limits: ReadLimits | None = None) -> Cassette:
    return load_cassette(root / "mappings" / "chat.json", "mappings/chat.json", limits)


def _warnings(cassette: Cassette) -> list[str]:
    notes = [*cassette.warnings, *(n for it in cassette.interactions for n in it.warnings)]
    return [n.message for n in notes]


def test_a_body_in_files_is_read_and_decoded(tmp_path: Path) -> None:
    cassette = _load(_wiremock_root(tmp_path, "answer.json"))
    (it,) = cassette.interactions
    assert it.api == "openai.chat"
    assert it.response is not None
    assert it.response.text == "Teal."
    assert not [w for w in _warnings(cassette) if "answer.json" in w]


def test_names_that_climb_out_or_are_absolute_are_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.json"
    outside.write_text(json.dumps(ANSWER))
    names = ["../../secret.json", "../../../../../../etc/passwd", "/etc/passwd",
             str(outside), "C:\\Windows\\win.ini", "sub/../../secret.json"]  # fmt: skip
    cassette = _load(_wiremock_root(tmp_path, *names))
    assert [it.response_body for it in cassette.interactions] == [None] * len(names)
    warned = _warnings(cassette)
    for name in names:
        assert any(f"{name!r} is outside __files/: refused" in w for w in warned), name
    assert not any("root:" in (it.response_body or "") for it in cassette.interactions)


def test_symlinks_out_of_the_roots_are_refused(tmp_path: Path) -> None:
    root = _wiremock_root(tmp_path, "link.json", "linked/answer.json")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "answer.json").write_text(json.dumps(ANSWER))
    os.symlink(elsewhere / "answer.json", root / "__files" / "link.json")
    os.symlink(elsewhere, root / "__files" / "linked")
    cassette = _load(root)
    assert [it.response for it in cassette.interactions] == [None, None]
    warned = _warnings(cassette)
    for name in ("link.json", "linked/answer.json"):
        assert any(
            f"{name!r} was not read: it resolves outside the indexed folders" in w for w in warned
        ), warned


def test_the_index_reads_only_inside_its_roots(tmp_path: Path) -> None:
    root = _wiremock_root(tmp_path, "answer.json")
    # Served from the whole WireMock folder: the body is inside the root.
    whole = Index(tmp_path / "a.sqlite3", [root])
    whole.refresh()
    found = whole.cassette("mappings/chat.json")
    assert found is not None
    it = found.interactions[0]
    assert it.response is not None
    assert it.response.text == "Teal."
    # Served from `mappings/` alone: `__files/` is outside what is served, so it is refused.
    mappings = Index(tmp_path / "b.sqlite3", [root / "mappings"])
    mappings.refresh()
    cassette = mappings.cassette("chat.json")
    assert cassette is not None
    assert cassette.interactions[0].response is None
    assert any("outside the indexed folders" in w for w in _warnings(cassette))


def test_missing_and_oversized_body_files_are_named(tmp_path: Path) -> None:
    root = _wiremock_root(tmp_path, "gone.json", "big.json")
    (root / "__files" / "big.json").write_bytes(b" " * 5000)
    cassette = _load(root, ReadLimits(max_bytes=4000, max_expanded_bytes=100_000))
    warned = _warnings(cassette)
    assert any("'gone.json' is missing from __files/" in w for w in warned), warned
    assert any("'big.json' was not read: file is 5,000 bytes, over" in w for w in warned), warned
