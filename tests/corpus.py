"""The shared corpus of real cassettes and its MANIFEST, for the tests that read them.

Parametrized tests list their files when pytest collects them, before any fixture runs, so they
read the manifest here; with no corpus there are no rows and those tests skip.
"""

from __future__ import annotations

import csv
from pathlib import Path

CORPUS = (Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus").resolve()


def manifest_rows() -> list[dict[str, str]]:
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.is_file():
        return []
    with manifest.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
