"""Real recordings served from the stored decoded form read the same as decoded from the file.

The sample cassettes teach the shapes; the corpus of real cassettes has the odd values (floats,
escapes, nested JSON, media) a stored form must carry exactly. One file per (format, API,
streamed) kind, spread over the manifest, keeps this under a minute; every file of the corpus
was compared the same way by hand when the form was built.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.index import PARALLEL_THRESHOLD, Index
from tests.corpus import CORPUS, SKIP_REASON, manifest_rows
from tests.web.conftest import MakeClient
from tests.web.test_stored_form import _pages, _store_all

MAX_FILES = 40  # below PARALLEL_THRESHOLD: indexed in this process, so the patched limit holds


def _one_per_kind() -> list[str]:
    kinds: dict[tuple[str, str, str], str] = {}
    for row in manifest_rows():
        kinds.setdefault((row["format"], row["api/provider"], row["streaming"]), row["file"])
    files = sorted(kinds.values())
    step = max(1, -(-len(files) // MAX_FILES))
    return files[::step]


FILES = _one_per_kind()


@pytest.mark.skipif(not FILES, reason=SKIP_REASON)
def test_real_recordings_from_the_stored_form_equal_their_decode(
    tmp_path: Path, make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(FILES) < PARALLEL_THRESHOLD
    root = tmp_path / "corpus"
    for name in FILES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / name, root / name)
    decoding = make_client(root)
    _store_all(monkeypatch)
    from_form = make_client(root)
    index: Index = from_form.app.state.live.index  # type: ignore[attr-defined]
    stored = 0
    for path in index.paths():
        summary = index.summary(path)
        loaded = index.light(path)
        assert summary is not None
        assert loaded is not None
        if not loaded[1]:
            continue  # a value the form cannot carry exactly: the file is decoded instead
        stored += 1
        n = min(summary.interactions, 2)
        assert _pages(from_form, path, n) == _pages(decoding, path, n), path
    assert stored >= len(FILES) * 9 // 10, f"only {stored} of {len(FILES)} files got a form"
