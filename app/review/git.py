"""Read-only access to a git repository through the `git` command itself.

Review and diff need files as they were at some revision. Shelling out to `git` (rather than a
library) means Tapedeck sees exactly what the user's git sees: their config, their remotes,
worktrees and packed refs. Nothing here ever changes the repository.
"""

from __future__ import annotations

import os
import re
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


@dataclass(frozen=True, slots=True)
class Commit:
    """One commit that touched a file; `path` is the file's repo-relative name in that commit,
    which differs from today's name before a rename."""

    sha: str
    short: str
    author: str
    date: str
    subject: str
    path: str


_KINDS: dict[str, ChangeKind] = {"A": "added", "D": "removed"}

# Revisions that come from a URL: names, hashes and ~/^ steps only. Nothing that git could read
# as an option (a leading `-`), a range (`..`), a reflog (`@{`) or a blob spec (`:`).
_SAFE_REV = re.compile(r"^(?!-)(?!.*\.\.)[A-Za-z0-9._/~^-]{1,100}$")


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


def is_safe_revision(rev: str) -> bool:
    return bool(_SAFE_REV.match(rev))


def resolve_commit(rev: str, cwd: Path) -> str | None:
    """The full hash REV names, or None; REV must pass `is_safe_revision`."""
    if not is_safe_revision(rev):
        return None
    try:
        out = _git(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], cwd
        )
    except GitError:
        return None
    return out.decode().strip() or None


def file_history(path: str, cwd: Path, limit: int = 50) -> list[Commit]:
    """Commits that touched PATH (repo-relative), newest first, following renames."""
    fmt = "%x1e%H%x1f%h%x1f%an%x1f%aI%x1f%s"
    args = ["log", "--follow", f"--max-count={limit}", "--name-only", "-z", f"--format={fmt}"]
    out = _git([*args, "--", path], cwd)
    commits: list[Commit] = []
    for record in out.decode("utf-8", "replace").split("\x1e")[1:]:
        head, _, rest = record.partition("\0")
        fields = head.split("\x1f")
        if len(fields) != 5:
            continue
        sha, short, author, date, subject = fields
        name = rest.split("\0", 1)[0].strip("\n") or path
        commits.append(Commit(sha, short, author, date, subject, name))
    return commits


class BlobReader:
    """One `git cat-file --batch` process answering many reads. A review of a bulk re-record
    reads hundreds of blobs; one git process per blob costs more than reading them. Blobs over
    `max_bytes` are refused as the working tree's files are. Use as a context manager."""

    def __init__(self, cwd: Path, max_bytes: int) -> None:
        self.cwd, self.max_bytes = cwd, max_bytes
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *_: object) -> None:
        if self._proc is not None:
            for pipe in (self._proc.stdin, self._proc.stdout):
                if pipe is not None:
                    pipe.close()
            self._proc.wait()
            self._proc = None

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            try:
                self._proc = subprocess.Popen(
                    ["git", "cat-file", "--batch"],
                    cwd=self.cwd,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
            except OSError as exc:
                raise GitError(f"cannot run git: {exc}") from exc
        return self._proc

    def read(self, rev: str, path: str) -> bytes:
        if any(c in path for c in "\r\n"):  # one request per line: such a name goes alone
            data = read_blob(rev, path, self.cwd)
        else:
            data = self._batch(f"{rev}:{path}".encode("utf-8", "surrogateescape"), path, rev)
        if len(data) > self.max_bytes:
            raise GitError(f"{path} at {rev} is {len(data):,} bytes, over the limit")
        return data

    def _batch(self, spec: bytes, path: str, rev: str) -> bytes:
        proc = self._start()
        assert proc.stdin is not None
        assert proc.stdout is not None
        proc.stdin.write(spec + b"\n")
        proc.stdin.flush()
        header = proc.stdout.readline().split()
        if len(header) != 3:
            raise GitError(f"path '{path}' does not exist in '{rev}'")
        size = int(header[2])
        remaining, chunks = size, []
        while remaining > 0:  # read it all (the protocol needs it), keep it only if small
            block = proc.stdout.read(min(remaining, 1 << 20))
            if not block:
                raise GitError("git cat-file stopped answering")
            remaining -= len(block)
            if size <= self.max_bytes:
                chunks.append(block)
        proc.stdout.read(1)  # the newline after each object
        if header[1] != b"blob":
            raise GitError(f"{path} at {rev} is not a file")
        if size > self.max_bytes:
            raise GitError(f"{path} at {rev} is {size:,} bytes, over the limit")
        return b"".join(chunks)


def merge_base(a: str, b: str, cwd: Path) -> str:
    return _git(["merge-base", "--end-of-options", a, b], cwd).decode().strip()


def split_blob_spec(spec: str, cwd: Path) -> tuple[str, str] | None:
    """`REV:PATH` -> (rev, path) when REV names a commit here; None for anything else."""
    rev, sep, path = spec.partition(":")
    if not sep or not rev or not path:
        return None
    return (rev, path) if is_revision(rev, cwd) else None


def read_blob(rev: str, path: str, cwd: Path) -> bytes:
    """The bytes of PATH at REV; PATH follows git's rules (root-relative, `./` for cwd-relative)."""
    return _git(["cat-file", "blob", f"{rev}:{path}"], cwd)


def worktree_file(root: Path, path: str) -> Path:
    """PATH (repo-relative) in the working tree, refused when it resolves outside the repository:
    a committed symlink `cassettes/x.yaml -> /home/me/.ssh/id_rsa` is not followed."""
    candidate = root / path
    real, base = os.path.realpath(candidate), os.path.realpath(root)
    if real != base and not real.startswith(base.rstrip(os.sep) + os.sep):
        raise GitError(f"{path} is a symlink that points outside the repository; not read")
    return candidate


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
    "BlobReader",
    "ChangedFile",
    "Commit",
    "GitError",
    "changed_files",
    "default_base",
    "file_history",
    "is_revision",
    "is_safe_revision",
    "merge_base",
    "read_blob",
    "repo_root",
    "resolve_commit",
    "split_blob_spec",
    "worktree_file",
]
