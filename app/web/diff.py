"""The diff pages: two indexed cassettes, or one cassette at two git revisions, side by side.

`/diff?old=PATH&new=PATH` compares two cassettes the dashboard serves; `/diff?path=PATH&
old_rev=REV&new_rev=REV` compares one at two commits (an empty `new_rev` means the file as it
is on disk). Paths must be in the index and revisions must match a strict pattern before git is
asked anything, so a URL can neither read a file outside the roots nor smuggle an option into a
git command. With too little in the query string the page is a picker form, which works
without JavaScript. The JSON twin is `CassetteDiff.to_json()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, HTTPException
from starlette.requests import Request
from starlette.responses import Response

from app.index import Filters, Index
from app.loader import load_bytes
from app.model import Cassette, Note
from app.review import git
from app.review.diff import CassetteDiff, diff_cassettes
from app.web.deps import index, page_context
from app.web.diff_view import counts, side_by_side
from app.web.history import HISTORY_LIMIT, Tracked, tracked
from app.web.notfound import NotFound
from app.web.render import respond, wants_json

router = APIRouter()

# Paths offered by the picker's suggestion list; the form still takes any indexed path.
PICKER_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class Sides:
    old: Cassette
    new: Cassette
    old_label: str
    new_label: str
    # Commit subjects, shown beside revisions; empty for a file on disk.
    old_subject: str = ""
    new_subject: str = ""


def _indexed(idx: Index, path: str) -> Cassette:
    cassette = idx.cassette(path) if idx.summary(path) is not None else None
    if cassette is None:
        raise NotFound(f"not a cassette in the index: {path}", path)
    return cassette


def _revision(rev: str, place: Tracked) -> str:
    if not git.is_safe_revision(rev):
        raise HTTPException(400, "a revision is a commit name: letters, digits and . _ / ~ ^ -")
    sha = git.resolve_commit(rev, place.repo)
    if sha is None:
        raise HTTPException(404, f"no such revision: {rev}")
    return sha


def _subject(place: Tracked, sha: str) -> str:
    """The commit's subject, shown beside a revision so a SHA says what it was."""
    commits = git.file_history(place.rel, place.repo, HISTORY_LIMIT)
    return next((c.subject for c in commits if c.sha == sha), "")


def _at_revision(idx: Index, path: str, place: Tracked, sha: str, label: str) -> Cassette:
    """The cassette as committed in SHA, under the name it had then (history follows renames)."""
    names = {c.sha: c.path for c in git.file_history(place.rel, place.repo, HISTORY_LIMIT)}
    name = names.get(sha, place.rel)
    try:
        data = git.read_blob(sha, name, place.repo)
    except git.GitError as exc:
        return Cassette(path=label, format="unknown", errors=(Note(str(exc)),))
    return load_bytes(data, label, idx.limits)


def _revisions(idx: Index, path: str, old_rev: str, new_rev: str) -> Sides:
    _indexed(idx, path)
    place = tracked(idx, path)
    if place is None:
        raise HTTPException(404, f"not tracked by git: {path}")
    old_sha = _revision(old_rev, place)
    old_label = f"{path} @ {old_rev}"
    old = _at_revision(idx, path, place, old_sha, old_label)
    if not new_rev:
        on_disk = f"{path} (on disk)"
        return Sides(old, _indexed(idx, path), old_label, on_disk, _subject(place, old_sha))
    new_sha = _revision(new_rev, place)
    new_label = f"{path} @ {new_rev}"
    new = _at_revision(idx, path, place, new_sha, new_label)
    return Sides(old, new, old_label, new_label, _subject(place, old_sha), _subject(place, new_sha))


def _sides(idx: Index, params: dict[str, str]) -> Sides | None:
    if params.get("path") and params.get("old_rev"):
        return _revisions(idx, params["path"], params["old_rev"], params.get("new_rev", ""))
    if params.get("old") and params.get("new"):
        old, new = _indexed(idx, params["old"]), _indexed(idx, params["new"])
        return Sides(old, new, old.path, new.path)
    return None


def _picker(request: Request, idx: Index, params: dict[str, str]) -> Response:
    if wants_json(request):
        raise HTTPException(400, "name two cassettes (old, new) or one at revisions")
    rows, _total = idx.list_cassettes(Filters(), "path", False, PICKER_LIMIT, 0)
    ctx = page_context(
        request,
        "Compare cassettes",
        "cassettes",
        params=params,
        paths=[r.path for r in rows],
        sides=None,
    )
    return respond(request, "diff.html", ctx, lambda: None)


@router.get("/diff")
def diff_page(request: Request) -> Response:
    idx = index(request)
    keys = ("old", "new", "path", "old_rev", "new_rev")
    params = {k: request.query_params.get(k, "").strip() for k in keys}
    sides = _sides(idx, params)
    if sides is None:
        return _picker(request, idx, params)
    result: CassetteDiff = diff_cassettes(sides.old, sides.new)
    rows = side_by_side(sides.old.conversation, sides.new.conversation)
    ctx: dict[str, Any] = page_context(
        request,
        f"Diff · {sides.old_label} → {sides.new_label}",
        "cassettes",
        params=params,
        paths=[],
        sides=sides,
        diff=result,
        rows=rows,
        row_counts=counts(rows),
        links={
            "old": params["old"] or params["path"],
            "new": params["new"] or params["path"],
        },
    )
    return respond(request, "diff.html", ctx, result.to_json)


__all__ = ["router"]
