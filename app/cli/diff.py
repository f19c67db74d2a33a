"""`tapedeck diff OLD NEW`: what two recordings say differently, with recorder noise ignored."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from app.cli.common import echo_json, error_line, limits_from, max_size_option, say
from app.formats.base import ReadLimits
from app.loader import load_bytes, load_cassette
from app.model import Cassette, Note
from app.review import git
from app.review.diff import diff_cassettes
from app.review.render import diff_markdown, diff_text

FORMATS = click.Choice(["text", "markdown", "json"])


def load_spec(spec: str, limits: ReadLimits) -> Cassette:
    """A file, or a `REV:PATH` git blob when no such file exists and REV names a commit."""
    path = Path(spec)
    if path.exists() or path.is_symlink():
        return load_cassette(path, spec, limits)
    cwd = Path.cwd()
    blob = git.split_blob_spec(spec, cwd)
    if blob is None:
        return Cassette(path=spec, format="unknown", errors=(Note("no such file or git blob"),))
    try:
        data = git.read_blob(*blob, cwd)
    except git.GitError as exc:
        return Cassette(path=spec, format="unknown", errors=(Note(str(exc)),))
    return load_bytes(data, spec, limits)


@click.command()
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@max_size_option
def diff(old: str, new: str, fmt: str, max_size_mb: float) -> None:
    """Compare two cassettes by meaning: messages, tool calls, model, status, usage.

    OLD and NEW are files or REV:PATH git blobs (HEAD~1:cassettes/chat.yaml). Ids, timestamps,
    durations, request ids, signatures and headers are ignored. Exit 0 when the cassettes are
    the same by meaning, 1 when they differ or one cannot be read.
    """
    limits = limits_from(max_size_mb)
    result = diff_cassettes(load_spec(old, limits), load_spec(new, limits))
    if fmt == "json":
        echo_json(result.to_json())
    elif fmt == "markdown":
        say(diff_markdown(result))
    else:
        say(diff_text(result))
    for error in result.errors:
        error_line(error.path, error.message, error.line)
    sys.exit(0 if result.same else 1)
