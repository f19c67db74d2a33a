"""`tapedeck review [BASE [HEAD]] [PATH ...]`: a pull request's cassettes, for a PR comment."""

from __future__ import annotations

import html
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
from app.cli.lint import finding_line
from app.review import git
from app.review.comment import CassetteReview, Review, review
from app.review.render import (
    MARKDOWN,
    TEXT,
    Item,
    cassette_items,
    render,
    render_within,
    signed,
    usage_text,
)

# GitHub refuses comments over 65,536 characters; stop well before, and say what was left out.
_MARKDOWN_BUDGET = 60_000
_SECTION_LINES = 40
_VOLATILE_NOTE = "same by meaning (only volatile fields changed)"


def split_args(args: tuple[str, ...], cwd: Path) -> tuple[str | None, str | None, list[str]]:
    """Leading arguments that name commits (and no file) are BASE and HEAD; the rest are paths."""
    revs: list[str] = []
    rest = list(args)
    while rest and len(revs) < 2 and not Path(rest[0]).exists():
        if not git.is_revision(rest[0], cwd):
            break
        revs.append(rest.pop(0))
    return (revs[0] if revs else None), (revs[1] if len(revs) > 1 else None), rest


def total_line(result: Review) -> str:
    n = len(result.cassettes)
    if n == 0:
        return "No cassettes changed."
    volatile = n - result.by_meaning
    noun = "cassette" if n == 1 else "cassettes"
    line = f"{n} {noun} changed: {result.by_meaning} by meaning, {volatile} only volatile"
    figures = []
    if result.tokens:
        figures.append(f"{signed(result.tokens)} tokens")
    if result.cost:
        figures.append(signed(result.cost, money=True))
    return line + ("; " + ", ".join(figures) if figures else "")


def headline(c: CassetteReview) -> str:
    """`modified: 2 of 5 interactions changed, +120 tokens, +$0.0010, 1 new lint finding`."""
    parts = [c.change if c.change != "renamed" else f"renamed from {c.old_path}"]
    if c.verdict == "volatile":
        parts.append(_VOLATILE_NOTE)
    elif c.change in ("modified", "renamed"):
        parts.append(f"{len(c.diff.changed)} of {len(c.diff.interactions)} interactions changed")
    else:
        parts.append(f"{len(c.diff.interactions)} interactions")
    usage = usage_text(c.diff.usage)
    if usage:
        parts.append(usage)
    if c.findings:
        s = "" if len(c.findings) == 1 else "s"
        parts.append(f"{len(c.findings)} new lint finding{s}")
    return ", ".join(parts)


def _detail_items(c: CassetteReview, markdown: bool) -> list[Item]:
    style = MARKDOWN if markdown else TEXT
    items = cassette_items(c.diff, style) if c.verdict == "meaning" else []
    items = [i for i in items if not i.text.startswith("total: ")]
    if c.findings:
        lint = [Item(style.esc(finding_line(f))) for f in c.findings]
        items.append(Item("new lint findings", lint))
    return items


def review_markdown(result: Review) -> str:
    out = [f"**Tapedeck review:** {total_line(result)}", ""]
    volatile = [c for c in result.cassettes if c.verdict == "volatile" and not c.findings]
    shown = 0
    for c in result.cassettes:
        if c in volatile:
            continue
        block = [
            f"<details><summary>{_md_name(c)}: {html.escape(headline(c))}</summary>",
            "",
            *render_within(_detail_items(c, True), True, MARKDOWN.cap, _SECTION_LINES),
            "",
            "</details>",
        ]
        if sum(len(x) + 1 for x in out + block) > _MARKDOWN_BUDGET:
            break
        out += block
        shown += 1
    left = len(result.cassettes) - len(volatile) - shown
    if left:
        out.append(f"… {left} more changed cassettes (run `tapedeck review` to see them all)")
    if volatile:
        names = [f"- {_md_name(c)}" for c in volatile]
        out += [
            f"<details><summary>{len(volatile)} {_VOLATILE_NOTE}</summary>",
            "",
            *names[:_SECTION_LINES],
            *([f"- … {len(names) - _SECTION_LINES} more"] if len(names) > _SECTION_LINES else []),
            "",
            "</details>",
        ]
    return "\n".join(out)


def _md_name(c: CassetteReview) -> str:
    name = f"<code>{html.escape(c.path)}</code>"
    return f'<a href="{html.escape(c.url)}">{name}</a>' if c.url else name


def review_text(result: Review) -> str:
    out = [total_line(result)]
    for c in result.cassettes:
        out.append(f"{c.path}: {headline(c)}" + (f" <{c.url}>" if c.url else ""))
        out += render(_detail_items(c, False), False, TEXT.cap, 1)
    return "\n".join(out)


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
    "--base-url", metavar="URL", help="Link each cassette to URL/cassettes/PATH (a dashboard)."
)
@max_size_option
def review_command(
    args: tuple[str, ...], fmt: str, base_url: str | None, max_size_mb: float
) -> None:
    """Summarize every cassette that changed between BASE and HEAD, for a pull request.

    BASE defaults to the merge base with the default branch (origin/HEAD, else main or master),
    HEAD to the working tree. PATHs limit the review to those files or folders (default:
    ./cassettes, as for every command). Exit 1 when a changed cassette cannot be read.
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
        result = review(base, head, paths, cwd, base_url, limits_from(max_size_mb))
    except git.GitError as exc:
        raise click.UsageError(str(exc)) from exc
    if fmt == "json":
        echo_json(result.to_json())
    elif fmt == "markdown":
        say(review_markdown(result))
    else:
        say(review_text(result))
    for error in result.errors:
        error_line(error.path, error.message, error.line)
    sys.exit(1 if result.errors else 0)
