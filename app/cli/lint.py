"""`tapedeck lint`: what should not be committed, for pre-commit hooks and CI."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from app.cli.common import echo_json, limits_from, max_size_option, roots_or_default, say
from app.review.lint import (
    DEFAULT_MAX_BODY_BYTES,
    Finding,
    apply_baseline,
    baseline_document,
    is_blocking,
    lint_roots,
    read_baseline,
)


def finding_line(f: Finding) -> str:
    where = f"{f.path}:{f.line}" if f.line else f.path
    inter = f" interaction {f.interaction}:" if f.interaction is not None else ""
    accepted = " (baseline)" if f.baselined else ""
    return f"{where}: {f.severity}{accepted} [{f.kind}]{inter} {f.message} [{f.id}]"


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
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Accept the findings listed in this file (from --write-baseline); fail only on new ones.",
)
@click.option(
    "--write-baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write every current error to this file as accepted, and exit 0.",
)
@max_size_option
def lint(
    paths: tuple[Path, ...],
    fmt: str,
    max_body_kb: int,
    max_size_mb: float,
    baseline: Path | None,
    write_baseline: Path | None,
) -> None:
    """Report unmasked secrets, unreadable files, failed interactions and oversized bodies.

    Secrets are shown masked. Exit 1 when a secret or an unreadable file is found that the
    baseline does not accept; CDN cookies, failed interactions and large bodies are warnings.
    Each finding has a stable id (the file, interaction, place and rule, never the value).
    """
    roots = roots_or_default(paths)
    findings = lint_roots(roots, max_body_kb * 1024, limits_from(max_size_mb))
    if baseline is not None:
        try:
            accepted = read_baseline(baseline)
        except (ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
            raise click.UsageError(f"--baseline {baseline}: not a baseline file ({exc})") from exc
        findings = apply_baseline(findings, accepted)
    if write_baseline is not None:
        document = json.dumps(baseline_document(findings), indent=2, ensure_ascii=False)
        write_baseline.write_text(document + "\n", encoding="utf-8")
        say(f"{write_baseline}: {len(baseline_document(findings)['findings'])} accepted")
        sys.exit(0)
    blocking = [f for f in findings if is_blocking(f)]
    if fmt == "json":
        echo_json(
            {
                "findings": [f.to_json() for f in findings],
                "errors": len(blocking),
                "warnings": sum(1 for f in findings if f.severity == "warning"),
                "baselined": sum(1 for f in findings if f.baselined),
            }
        )
    else:
        for f in findings:
            say(finding_line(f))
        if findings:
            warnings = sum(1 for f in findings if f.severity == "warning")
            old = sum(1 for f in findings if f.baselined)
            say(
                f"{len(findings)} findings: {len(blocking)} errors, {warnings} warnings"
                + (f", {old} accepted by the baseline" if old else ""),
                err=True,
            )
    sys.exit(1 if blocking else 0)
