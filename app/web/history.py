"""The History tab: the commits that touched a cassette, each diffable against the one before.

Read with `git` itself (app.review.git), so the tab shows what the user's git shows. A cassette
whose root is not inside a git repository has no tab at all. The cassette is found through the
index first, so a URL can only ever name a file the dashboard already serves.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException
from starlette.requests import Request
from starlette.responses import Response

from app.formats.base import ReadLimits
from app.index import Index
from app.index.scan import within
from app.loader import load_bytes
from app.model import Cassette, Note
from app.review import git
from app.review.diff import diff_cassettes
from app.review.kinds import describe, diff_kinds
from app.web.deps import index, page_context
from app.web.render import respond
from app.web.urls import cassette_url, query

router = APIRouter()

HISTORY_LIMIT = 50
# Commits whose verdict the page computes (each reads two versions); older rows link their diff.
VERDICT_LIMIT = 20


@dataclass(frozen=True, slots=True)
class Tracked:
    """An indexed cassette inside a git work tree: the repository and the file's name in it."""

    repo: Path
    rel: str


@lru_cache(maxsize=64)
def _repo_of(root: Path) -> Path | None:
    """Asked once per served root: a root does not move in or out of a repository while served."""
    try:
        return git.repo_root(root)
    except git.GitError:
        return None


def source_file(idx: Index, path: str) -> Path | None:
    """The file behind an indexed display path (the inverse of how roots name their files)."""
    if idx.summary(path) is None:
        return None
    for root in idx.roots:
        rel = path if not root.name else path.removeprefix(root.name + "/")
        if root.name and rel == path:
            continue
        candidate = Path(os.path.realpath(root.path / rel))
        if within(str(candidate), os.path.realpath(root.path)) and candidate.is_file():
            return candidate
    return None


def tracked(idx: Index, path: str) -> Tracked | None:
    """Where git knows the cassette at `path`; None outside a repository or the index."""
    file = source_file(idx, path)
    if file is None:
        return None
    root = next((r.path for r in idx.roots if within(str(file), os.path.realpath(r.path))), None)
    repo = _repo_of(Path(os.path.realpath(root))) if root is not None else None
    if repo is None:
        return None
    real_repo = Path(os.path.realpath(repo))
    if not within(str(file), str(real_repo)):
        return None
    return Tracked(real_repo, file.relative_to(real_repo).as_posix())


def history_url(path: str) -> str:
    return cassette_url(path) + "/history"


def diff_url(path: str, old_rev: str, new_rev: str) -> str:
    return "/diff" + query({"path": path, "old_rev": old_rev, "new_rev": new_rev})


def history_link(idx: Index, path: str) -> str | None:
    """The History tab's URL for the cassette page, or None when git does not track it."""
    return history_url(path) if tracked(idx, path) is not None else None


def commits(place: Tracked, limit: int = HISTORY_LIMIT) -> list[git.Commit]:
    return git.file_history(place.rel, place.repo, limit)


def _version(repo: Path, commit: git.Commit, limits: ReadLimits) -> Cassette:
    try:
        data = git.read_blob(commit.sha, commit.path, repo)
    except git.GitError as exc:
        return Cassette(path=commit.path, format="unknown", errors=(Note(str(exc)),))
    return load_bytes(data, commit.path, limits)


@lru_cache(maxsize=1024)
def verdict(repo: Path, older: git.Commit, newer: git.Commit, limits: ReadLimits) -> str:
    """`same by meaning` or `changed: model, tool calls`, for one commit of a file. Commits do
    not change, so each pair is compared once per process."""
    kinds = diff_kinds(diff_cassettes(_version(repo, older, limits), _version(repo, newer, limits)))
    if kinds == {"volatile"}:
        return "same by meaning"
    if kinds == {"usage"}:
        return "same by meaning, usage only"
    return "changed: " + describe(kinds)


def _rows(
    place: Tracked, path: str, found: list[git.Commit], limits: ReadLimits
) -> list[dict[str, Any]]:
    """Each commit, with the diff against the commit before it (the next one down the list)
    and what that diff amounts to."""
    rows = []
    for n, c in enumerate(found):
        older = found[n + 1] if n + 1 < len(found) else None
        rows.append(
            {
                "commit": c.sha,
                "short": c.short,
                "author": c.author,
                "date": c.date,
                "subject": c.subject,
                "path": c.path,
                "diff_url": diff_url(path, older.sha, c.sha) if older else None,
                "verdict": (
                    "first version"
                    if older is None
                    else verdict(place.repo, older, c, limits)
                    if n < VERDICT_LIMIT
                    else "not compared here: open the diff"
                ),
            }
        )
    return rows


@router.get("/cassettes/{path:path}/history")
def history_page(request: Request, path: str) -> Response:
    idx = index(request)
    place = tracked(idx, path)
    if place is None:
        detail = "not a cassette in the index" if idx.summary(path) is None else "not in git"
        raise HTTPException(404, detail)
    try:
        rows = _rows(place, path, commits(place), idx.limits)
    except git.GitError as exc:
        raise HTTPException(404, f"git: {exc}") from None
    ctx = page_context(
        request,
        f"History · {path}",
        "cassettes",
        path=path,
        commits=rows,
        limit=HISTORY_LIMIT,
        history_url=history_url(path),
    )
    return respond(request, "history.html", ctx, lambda: {"path": path, "commits": rows})


__all__ = ["HISTORY_LIMIT", "Tracked", "history_link", "router", "source_file", "tracked"]
