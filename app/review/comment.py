"""A pull request's cassettes, reviewed: what changed by meaning, what only churned, what leaks.

A PR that re-records cassettes shows thousands of changed YAML lines. Review reads every changed
cassette at both revisions with git, compares them with app.review.diff, and keeps only what a
reviewer needs: which recordings now say something different, which changed only in volatile
fields, the token and cost deltas, and lint findings the PR introduces.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from app import model
from app.formats.base import ReadLimits
from app.index.scan import display_path, is_candidate, make_roots, within
from app.loader import FileReadError, load_bytes, read_file_bytes
from app.model import Cassette, Note
from app.review import git
from app.review.diff import CassetteDiff, FileError, diff_cassettes
from app.review.git import ChangedFile
from app.review.lint import Finding, lint_bytes

Verdict = Literal["meaning", "volatile"]


@dataclass(frozen=True, slots=True)
class CassetteReview:
    """One changed cassette; `verdict` is `volatile` when only recorder noise changed."""

    path: str
    old_path: str | None
    change: git.ChangeKind
    verdict: Verdict
    diff: CassetteDiff
    findings: tuple[Finding, ...] = ()
    url: str | None = None

    @property
    def tokens(self) -> float | None:
        total = self.diff.usage_delta("total_tokens")
        if total is not None:
            return total
        parts = [self.diff.usage_delta(n) for n in ("input_tokens", "output_tokens")]
        present = [p for p in parts if p is not None]
        return sum(present) if present else None

    @property
    def cost(self) -> float | None:
        return self.diff.usage_delta("cost_usd")


@dataclass(frozen=True, slots=True)
class Review:
    base: str
    head: str | None
    cassettes: tuple[CassetteReview, ...] = ()
    errors: tuple[FileError, ...] = ()

    @property
    def by_meaning(self) -> int:
        return sum(c.verdict == "meaning" for c in self.cassettes)

    @property
    def tokens(self) -> float:
        return sum(c.tokens or 0.0 for c in self.cassettes)

    @property
    def cost(self) -> float:
        return round(sum(c.cost or 0.0 for c in self.cassettes), 10)

    def to_json(self) -> Any:
        doc: dict[str, Any] = model.to_json(self)
        doc["totals"] = {
            "cassettes": len(self.cassettes),
            "by_meaning": self.by_meaning,
            "only_volatile": len(self.cassettes) - self.by_meaning,
            "tokens": self.tokens,
            "cost_usd": self.cost,
        }
        for item, cassette in zip(doc["cassettes"], self.cassettes, strict=True):
            item["tokens"] = cassette.tokens
            item["cost_usd"] = cassette.cost
        return doc


@dataclass(frozen=True, slots=True)
class Side:
    """A file at one revision: its bytes, or why there are none."""

    data: bytes | None
    error: str | None = None


def read_side(rev: str | None, path: str, root: Path, limits: ReadLimits) -> Side:
    """PATH at REV, or in the working tree when REV is None."""
    try:
        if rev is None:
            return Side(read_file_bytes(git.worktree_file(root, path), limits))
        return Side(git.read_blob(rev, path, root))
    except (FileReadError, git.GitError) as exc:
        return Side(None, str(exc))


def load_side(side: Side, path: str, limits: ReadLimits) -> Cassette:
    if side.data is None:
        errors = (Note(side.error),) if side.error else ()
        return Cassette(path=path, format="unknown", errors=errors)
    return load_bytes(side.data, path, limits)


def link_path(path: str, root: Path, roots: Sequence[Path]) -> str:
    """The path the dashboard serving ROOTS shows for PATH (repo-relative), as `serve` names it."""
    absolute = str((root / path).resolve())
    for served in make_roots(roots or [root]):
        base = str(served.path)
        if within(absolute, base) and absolute != base:
            return display_path(served, Path(absolute).relative_to(base).as_posix())
    return path


def review_file(
    change: ChangedFile,
    base: str,
    head: str | None,
    root: Path,
    limits: ReadLimits,
) -> tuple[CassetteReview | None, Cassette | None]:
    """Compare one changed file; (None, _) when neither side is a cassette."""
    old_name = change.old_path or change.path
    old_side = Side(None) if change.kind == "added" else read_side(base, old_name, root, limits)
    new_side = (
        Side(None) if change.kind == "removed" else read_side(head, change.path, root, limits)
    )
    old = load_side(old_side, old_name, limits)
    new = load_side(new_side, change.path, limits)
    if old.format == "unknown" and new.format == "unknown":
        return None, None
    diff = diff_cassettes(old, new)
    known = {f.key for f in lint_bytes(old_side.data, old_name)} if old_side.data else set()
    findings = lint_bytes(new_side.data, change.path) if new_side.data else []
    fresh = tuple(f for f in findings if f.key not in known)
    meaning = not diff.same or change.kind in ("added", "removed")
    verdict: Verdict = "meaning" if meaning else "volatile"
    return CassetteReview(change.path, change.old_path, change.kind, verdict, diff, fresh), new


def review(
    base: str | None,
    head: str | None,
    paths: Sequence[str],
    cwd: Path,
    base_url: str | None = None,
    limits: ReadLimits | None = None,
) -> Review:
    """Review every cassette that changed between BASE and HEAD (None: the working tree).

    Raises git.GitError when git cannot answer (not a repository, unknown revision).
    """
    limits = limits or ReadLimits()
    root = git.repo_root(cwd)
    base = base or git.default_base(cwd)
    changes = git.changed_files(base, head, list(paths), cwd)
    # Links name files as `tapedeck serve` would: relative to the folders named, else ./cassettes.
    roots = [cwd / p for p in paths if (cwd / p).is_dir()] or [
        p for p in [cwd / "cassettes"] if p.is_dir()
    ]
    reviews: list[CassetteReview] = []
    errors: list[FileError] = []
    for change in changes:
        if not is_candidate(Path(change.path).name):
            continue
        item, new = review_file(change, base, head, root, limits)
        if item is None:
            continue
        if base_url:
            target = link_path(item.path, root, roots)
            item = _with_url(item, f"{base_url.rstrip('/')}/cassettes/{quote(target)}")
        reviews.append(item)
        if new is not None and change.kind != "removed":
            errors += [FileError(item.path, n.message, n.line) for n in new.errors]
    return Review(base, head, tuple(reviews), tuple(errors))


def _with_url(item: CassetteReview, url: str) -> CassetteReview:
    return CassetteReview(
        item.path, item.old_path, item.change, item.verdict, item.diff, item.findings, url
    )


__all__ = ["CassetteReview", "Review", "review"]
