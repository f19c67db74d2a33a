"""README and docs/ stand on their own: every link and path they name is in the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCS = sorted([REPO / "README.md", *(REPO / "docs").glob("*.md")])
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_UPWARD = re.compile(r"(?:\.\./)+[\w.\-/]*")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_docs_point_only_inside_the_repository(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    for named in _UPWARD.findall(text):
        path = (doc.parent / named).resolve()
        assert path.is_relative_to(REPO), f"{doc.name} names a path outside the repository: {named}"
    for target in _LINK.findall(text):
        if re.match(r"[a-z]+:|#", target):
            continue
        path = (doc.parent / target.split("#", 1)[0]).resolve()
        assert path.is_relative_to(REPO), f"{doc.name} links outside the repository: {target}"
        assert path.exists(), f"{doc.name} links to a missing file: {target}"


def test_the_readme_points_at_the_contract_in_the_project() -> None:
    assert "(docs/CONTRACT.md)" in (REPO / "README.md").read_text(encoding="utf-8")
    assert (REPO / "docs" / "CONTRACT.md").is_file()
