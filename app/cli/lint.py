"""`tapedeck lint`: what should not be committed, for pre-commit hooks and CI."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from app.cli.common import echo_json, limits_from, max_size_option, roots_or_default, say
from app.review.lint import DEFAULT_MAX_BODY_BYTES, Finding, is_blocking, lint_roots


def finding_line(f: Finding) -> str:
    where = f"{f.path}:{f.line}" if f.line else f.path
    inter = f" interaction {f.interaction}:" if f.interaction is not None else ""
    return f"{where}: {f.severity} [{f.kind}]{inter} {f.message}"


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--max-body-size",
    "max_body_kb",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BODY_BYTES // 1024,
    show_default=True,
    metavar="KB",
    help="Warn about request or response bodies larger than this.",
)
@max_size_option
def lint(paths: tuple[Path, ...], fmt: str, max_body_kb: int, max_size_mb: float) -> None:
    """Report unmasked secrets, unreadable files, failed interactions and oversized bodies.

    Secrets are shown masked. Exit 1 when a secret or an unreadable file is found; failed
    interactions and large bodies are warnings.
    """
    roots = roots_or_default(paths)
    findings = lint_roots(roots, max_body_kb * 1024, limits_from(max_size_mb))
    blocking = [f for f in findings if is_blocking(f)]
    if fmt == "json":
        echo_json(
            {
                "findings": [f.to_json() for f in findings],
                "errors": len(blocking),
                "warnings": len(findings) - len(blocking),
            }
        )
    else:
        for f in findings:
            say(finding_line(f))
        if findings:
            say(
                f"{len(findings)} findings: {len(blocking)} errors, "
                f"{len(findings) - len(blocking)} warnings",
                err=True,
            )
    sys.exit(1 if blocking else 0)
