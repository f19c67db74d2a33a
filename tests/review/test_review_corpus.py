"""Over real recordings: a cassette is always the same by meaning as itself, in every format."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.loader import load_cassette
from app.review.diff import diff_cassettes
from app.review.render import diff_markdown, diff_text


@pytest.mark.corpus
def test_every_sampled_corpus_file_equals_itself(corpus_dir: Path) -> None:
    files = sorted(p for p in corpus_dir.rglob("*") if p.is_file() and p.suffix != ".tsv")
    checked = 0
    for file in files[::4]:
        cassette = load_cassette(file, file.name)
        if cassette.errors:
            continue
        result = diff_cassettes(cassette, cassette)
        assert result.same, file
        assert diff_text(result).endswith("same by meaning")
        assert "same by meaning" in diff_markdown(result)
        checked += 1
    assert checked > 50
