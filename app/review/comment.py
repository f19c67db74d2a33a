"""A pull request's cassettes, reviewed: what changed by meaning, what only churned, what leaks.

A PR that re-records cassettes shows thousands of changed YAML lines. Review reads every changed
cassette at both revisions with git, compares them with app.review.diff, and keeps only what a
reviewer needs: which recordings now say something different, which changed only in volatile
fields, the token and cost deltas, and lint findings the PR introduces.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
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
from app.review.kinds import Kind, diff_kinds
from app.review.lint import Finding, lint_bytes
from app.review.pairing import pair_moves

Verdict = Literal["meaning", "usage", "volatile", "unreadable"]


@dataclass(frozen=True, slots=True)
class CassetteReview:
    """One changed cassette. `verdict`: `meaning`; `usage` when only token counts moved, within
    the tolerance; `volatile` when only recorder noise changed; `unreadable` when the new
    version (or both) cannot be read."""

    path: str
    old_path: str | None
    change: git.ChangeKind
    verdict: Verdict
    diff: CassetteDiff
    findings: tuple[Finding, ...] = ()
    url: str | None = None
    moved_by: str | None = None

    @property
    def kinds(self) -> frozenset[Kind]:
        """Every kind of change this cassette holds (a renamed one: renamed, and its changes)."""
        if self.verdict == "unreadable":
            return frozenset({"unreadable"})
        if self.change in ("added", "removed"):
            return frozenset({self.change})
        kinds = set(diff_kinds(self.diff))
        if self.change == "renamed":
            kinds = (kinds - {"volatile"}) | {"renamed"}
        return frozenset(kinds)

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

    def count(self, verdict: Verdict) -> int:
        return sum(c.verdict == verdict for c in self.cassettes)

    @property
    def tokens(self) -> float:
        return sum(c.tokens or 0.0 for c in self.cassettes)

    @property
    def cost(self) -> float:
        return round(sum(c.cost or 0.0 for c in self.cassettes), 10)

    def to_json(self) -> Any:
        doc: dict[str, Any] = model.to_json(self)
        kinds: dict[str, int] = {}
        for c in self.cassettes:
            for k in c.kinds:
                kinds[k] = kinds.get(k, 0) + 1
        doc["totals"] = {
            "cassettes": len(self.cassettes),
            "by_meaning": self.by_meaning,
            "only_volatile": self.count("volatile"),
            "usage_only": self.count("usage"),
            "unreadable": self.count("unreadable"),
            "tokens": self.tokens,
            "cost_usd": self.cost,
            "kinds": dict(sorted(kinds.items())),
        }
        for item, cassette in zip(doc["cassettes"], self.cassettes, strict=True):
            item["tokens"] = cassette.tokens
            item["cost_usd"] = cassette.cost
            item["kinds"] = sorted(cassette.kinds)
        return doc


@dataclass(frozen=True, slots=True)
class Side:
    """A file at one revision: its bytes, or why there are none."""

    data: bytes | None
    error: str | None = None


def read_side(
    rev: str | None, path: str, root: Path, limits: ReadLimits, blobs: git.BlobReader
) -> Side:
    """PATH at REV, or in the working tree when REV is None."""
    try:
        if rev is None:
            return Side(read_file_bytes(git.worktree_file(root, path), limits))
        return Side(blobs.read(rev, path))
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


@dataclass(slots=True)
class Loaded:
    """One side of a changed file, read and decoded once (pairing and review both need it)."""

    side: Side
    cassette: Cassette


class Reader:
    """Reads changed files at BASE and HEAD, each at most once."""

    def __init__(
        self, base: str, head: str | None, root: Path, limits: ReadLimits, blobs: git.BlobReader
    ) -> None:
        self.base, self.head, self.root, self.limits = base, head, root, limits
        self.blobs = blobs
        self._cache: dict[tuple[bool, str], Loaded] = {}

    def load(self, at_head: bool, path: str) -> Loaded:
        key = (at_head, path)
        if key not in self._cache:
            rev = self.head if at_head else self.base
            side = read_side(rev, path, self.root, self.limits, self.blobs)
            self._cache[key] = Loaded(side, load_side(side, path, self.limits))
        return self._cache[key]

    def forget(self, at_head: bool, path: str) -> None:
        self._cache.pop((at_head, path), None)


_NOTHING = Loaded(Side(None), Cassette(path="", format="unknown"))


def review_file(change: ChangedFile, reader: Reader) -> CassetteReview | None:
    """Compare one changed file; (None, _) when it was removed and could not be read before."""
    old_name = change.old_path or change.path
    old = _NOTHING if change.kind == "added" else reader.load(False, old_name)
    new = _NOTHING if change.kind == "removed" else reader.load(True, change.path)
    reader.forget(False, old_name)
    reader.forget(True, change.path)
    if change.kind == "removed" and old.cassette.format == "unknown":
        return None
    if new.cassette.format == "unknown" and change.kind != "removed":
        diff = CassetteDiff(old_name, change.path, False, errors=_errors(new.cassette))
        unreadable = CassetteReview(change.path, change.old_path, change.kind, "unreadable", diff)
        return unreadable
    diff = diff_cassettes(old.cassette, new.cassette)
    known = {f.key for f in lint_bytes(old.side.data, old_name)} if old.side.data else set()
    findings = lint_bytes(new.side.data, change.path) if new.side.data else []
    fresh = tuple(f for f in findings if f.key not in known)
    verdict: Verdict = "meaning"
    if any(e.path == change.path for e in diff.errors):
        verdict = "unreadable"
    elif diff.same and change.kind not in ("added", "removed"):
        verdict = "usage" if diff.usage_moved else "volatile"
    return CassetteReview(change.path, change.old_path, change.kind, verdict, diff, fresh)


def _errors(cassette: Cassette) -> tuple[FileError, ...]:
    notes = cassette.errors or (Note("not a cassette Tapedeck can read"),)
    return tuple(FileError(cassette.path, n.message, n.line) for n in notes)


@dataclass(frozen=True, slots=True)
class Links:
    """Where each cassette's page is: a dashboard's `/cassettes/PATH`, an export's `.html`."""

    base_url: str
    root: Path
    roots: Sequence[Path]
    export: bool

    def url(self, path: str) -> str:
        target = quote(link_path(path, self.root, self.roots))
        return f"{self.base_url}/cassettes/{target}" + (".html" if self.export else "")


def review(
    base: str | None,
    head: str | None,
    paths: Sequence[str],
    cwd: Path,
    base_url: str | None = None,
    limits: ReadLimits | None = None,
    export: bool = False,
) -> Review:
    """Review every cassette that changed between BASE and HEAD (None: the working tree).

    With `export`, links name the static export's pages (`cassettes/PATH.html`) rather than the
    dashboard's. Raises git.GitError when git cannot answer (not a repository, unknown revision).
    """
    limits = limits or ReadLimits()
    root = git.repo_root(cwd)
    base = base or git.default_base(cwd)
    changes = [
        c
        for c in git.changed_files(base, head, list(paths), cwd)
        if is_candidate(Path(c.path).name)
    ]
    # Links name files as `tapedeck serve` would: relative to the folders named, else ./cassettes.
    roots = [cwd / p for p in paths if (cwd / p).is_dir()] or [
        p for p in [cwd / "cassettes"] if p.is_dir()
    ]
    links = Links(base_url.rstrip("/"), root, roots, export) if base_url else None
    with git.BlobReader(root, limits.max_bytes) as blobs:
        reader = Reader(base, head, root, limits, blobs)
        changes, moved_by = pair_moves(changes, lambda at_head, p: reader.load(at_head, p).cassette)
        reviews: list[CassetteReview] = []
        errors: list[FileError] = []
        for change in changes:
            item = review_file(change, reader)
            if item is None:
                continue
            url = links.url(item.path) if links else None
            item = replace(item, url=url, moved_by=moved_by.get(change.path))
            reviews.append(item)
            if change.kind != "removed":
                errors += [e for e in item.diff.errors if e.path == item.path]
    return Review(base, head, tuple(reviews), tuple(errors))


__all__ = ["CassetteReview", "Review", "review"]
