"""`tapedeck review [BASE [HEAD]] [PATH ...]`: a pull request's cassettes, for a PR comment."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from app.cli.common import (
    echo_json,
    error_line,
    limits_from,
    max_size_option,
    roots_or_default,
    say,
)
from app.review import git
from app.review.comment import review
from app.review.report import DEFAULT_MAX_CHARS, MIN_MAX_CHARS, review_markdown, review_text


def split_args(args: tuple[str, ...], cwd: Path) -> tuple[str | None, str | None, list[str]]:
    """Leading arguments that name commits (and no file) are BASE and HEAD; the rest are paths.
    `BASE..HEAD` is the same as `BASE HEAD`; `BASE...HEAD` compares HEAD with the merge base
    of the two, as `git diff` does."""
    revs: list[str] = []
    rest = list(args)
    if rest and not Path(rest[0]).exists() and ".." in rest[0]:
        sep = "..." if "..." in rest[0] else ".."
        left, _, right = rest.pop(0).partition(sep)
        right = right or "HEAD"
        left = left or "HEAD"
        if not (git.is_revision(left, cwd) and git.is_revision(right, cwd)):
            raise click.UsageError(f"not a range of two commits: {left}{sep}{right}")
        base = git.merge_base(left, right, cwd) if sep == "..." else left
        return base, right, rest
    while rest and len(revs) < 2 and not Path(rest[0]).exists():
        if not git.is_revision(rest[0], cwd):
            break
        revs.append(rest.pop(0))
    return (revs[0] if revs else None), (revs[1] if len(revs) > 1 else None), rest


@click.command("review")
@click.argument("args", nargs=-1, metavar="[BASE [HEAD]] [PATH]...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
)
@click.option(
    "--base-url",
    metavar="URL",
    help="Link each cassette to URL/cassettes/PATH: a running `tapedeck serve`, or with "
    "--export-links a static export (URL/cassettes/PATH.html).",
)
@click.option(
    "--export-links",
    is_flag=True,
    help="--base-url is a `tapedeck export` site: link its .html pages.",
)
@click.option(
    "--max-chars",
    type=click.IntRange(min=MIN_MAX_CHARS),
    default=DEFAULT_MAX_CHARS,
    show_default=True,
    help="Size limit of the Markdown comment, all of it (GitHub allows 65,536).",
)
@click.option(
    "--more-url",
    metavar="URL",
    help="Where the comment's footer sends readers for everything (e.g. the CI run's export).",
)
@max_size_option
def review_command(
    args: tuple[str, ...],
    fmt: str,
    base_url: str | None,
    export_links: bool,
    max_chars: int,
    more_url: str | None,
    max_size_mb: float,
) -> None:
    """Summarize every cassette that changed between BASE and HEAD, for a pull request.

    BASE defaults to the merge base with the default branch (origin/HEAD, else main or master),
    HEAD to the working tree. PATHs limit the review to those files or folders (default:
    ./cassettes, as for every command). `BASE..HEAD` and `BASE...HEAD` are ranges as in git.
    Exit 1 when a changed cassette cannot be read (it is listed as unreadable).
    """
    cwd = Path.cwd()
    try:
        git.repo_root(cwd)
    except git.GitError as exc:
        raise click.UsageError(f"review needs a git repository: {exc}") from exc
    base, head, paths = split_args(args, cwd)
    unknown = [p for p in paths if not Path(p).exists()]
    if unknown:
        raise click.UsageError(f"neither a revision nor a file or folder: {', '.join(unknown)}")
    paths = paths or [str(p) for p in roots_or_default([])]
    try:
        result = review(
            base, head, paths, cwd, base_url, limits_from(max_size_mb), export=export_links
        )
    except git.GitError as exc:
        raise click.UsageError(str(exc)) from exc
    if fmt == "json":
        echo_json(result.to_json())
    elif fmt == "markdown":
        say(review_markdown(result, max_chars, more_url))
    else:
        say(review_text(result))
    for error in result.errors:
        error_line(error.path, error.message, error.line)
    sys.exit(1 if result.errors else 0)
