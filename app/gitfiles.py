"""Read-only access to a git repository through the `git` command itself.

Review and diff need files as they were at some revision. Shelling out to `git` (rather than a
library) means Tapedeck sees exactly what the user's git sees: their config, their remotes,
worktrees and packed refs. Nothing here ever changes the repository.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

ChangeKind = Literal["added", "removed", "modified", "renamed"]


class GitError(Exception):
    """A git command failed; the message is git's own, shown to the user as is."""


@dataclass(frozen=True, slots=True)
class ChangedFile:
    """One file that differs between two revisions; paths are relative to the repository root."""

    kind: ChangeKind
    path: str
    old_path: str | None = None


_KINDS: dict[str, ChangeKind] = {"A": "added", "D": "removed"}


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        proc = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=cwd,
            capture_output=True,
            check=False,
        )
    except OSError as exc:  # git not installed, or cwd gone
        raise GitError(f"cannot run git: {exc}") from exc
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed"
        raise GitError(message)
    return proc.stdout


def repo_root(cwd: Path) -> Path:
    return Path(_git(["rev-parse", "--show-toplevel"], cwd).decode().strip())


def is_revision(rev: str, cwd: Path) -> bool:
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd)
    except GitError:
        return False
    return True


def split_blob_spec(spec: str, cwd: Path) -> tuple[str, str] | None:
    """`REV:PATH` -> (rev, path) when REV names a commit here; None for anything else."""
    rev, sep, path = spec.partition(":")
    if not sep or not rev or not path:
        return None
    return (rev, path) if is_revision(rev, cwd) else None


def read_blob(rev: str, path: str, cwd: Path) -> bytes:
    """The bytes of PATH at REV; PATH follows git's rules (root-relative, `./` for cwd-relative)."""
    return _git(["cat-file", "blob", f"{rev}:{path}"], cwd)


def default_base(cwd: Path) -> str:
    """The merge base of HEAD with the default branch: origin/HEAD, else main, else master."""
    candidates: list[str] = []
    try:
        ref = _git(["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"], cwd).decode().strip()
        candidates.append(ref)
    except GitError:
        pass
    candidates += ["origin/main", "origin/master", "main", "master"]
    for ref in candidates:
        if is_revision(ref, cwd):
            return _git(["merge-base", "HEAD", ref], cwd).decode().strip()
    raise GitError("no default branch found (origin/HEAD, main or master); name BASE explicitly")


def changed_files(base: str, head: str | None, paths: list[str], cwd: Path) -> list[ChangedFile]:
    """Files that differ between BASE and HEAD (None: the working tree, untracked included)."""
    spec = ["--", *paths] if paths else []
    revs = [base] if head is None else [base, head]
    # Cassettes of one suite look alike, so git's default 50% would pair unrelated recordings
    # as renames; only a near-identical file counts as moved.
    out = _git(["diff", "--name-status", "-z", "-M90%", "--no-ext-diff", *revs, *spec], cwd)
    fields = out.decode("utf-8", "surrogateescape").split("\0")
    changes: list[ChangedFile] = []
    i = 0
    while i < len(fields) and fields[i]:
        status = fields[i][0]
        if status == "R":
            changes.append(ChangedFile("renamed", fields[i + 2], fields[i + 1]))
            i += 3
            continue
        if status == "C":  # a copy: the new file is what changed
            changes.append(ChangedFile("added", fields[i + 2]))
            i += 3
            continue
        changes.append(ChangedFile(_KINDS.get(status, "modified"), fields[i + 1]))
        i += 2
    if head is None:
        untracked = _git(["ls-files", "--others", "--exclude-standard", "-z", *spec], cwd)
        prefix = _git(["rev-parse", "--show-prefix"], cwd).decode().strip()
        for name in untracked.decode("utf-8", "surrogateescape").split("\0"):
            if name:
                changes.append(ChangedFile("added", prefix + name))
    return sorted(changes, key=lambda c: c.path)


__all__ = [
    "ChangedFile",
    "GitError",
    "changed_files",
    "default_base",
    "is_revision",
    "read_blob",
    "repo_root",
    "split_blob_spec",
]
