"""What should not be committed in a cassette: leaked secrets, unreadable files, failures, bulk.

Lint decodes each interaction WITHOUT masking and runs the masker's own walk in report mode
(`app.secrets.mask_interaction`), so it sees what every output would show (tool arguments,
JSON inside strings, a key split across stream chunks and joined in the answer, Bedrock's
binary frames) and reports exactly what would be masked. Every finding says where the secret
is and shows it only masked, so the report itself can be pasted anywhere. Each finding has a
stable `id` (a hash of the file, the interaction, the place and the rule, never of the value),
which a baseline file lists to accept old findings.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from app import model, secrets
from app.apis import decode_unmasked
from app.apis.base import url_error
from app.formats import read_cassette
from app.formats.base import RawInteraction, ReadLimits
from app.index.scan import make_roots, walk
from app.loader import FileReadError, read_file_bytes

Severity = Literal["error", "warning"]
FindingKind = Literal["secret", "unreadable", "failed", "oversized"]

DEFAULT_MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem; the message says which header, field or text, and the secret only masked."""

    path: str
    severity: Severity
    kind: FindingKind
    message: str
    interaction: int | None = None
    line: int | None = None
    rule: str | None = None
    id: str = ""
    baselined: bool = False

    @property
    def key(self) -> tuple[str, str]:
        """Identity across revisions: interaction indexes shift when one is inserted."""
        return (self.kind, self.message)

    def to_json(self) -> Any:
        return model.to_json(self)


def finding_id(path: str, interaction: int | None, where: str, rule: str) -> str:
    """Stable across runs and machines; the secret's value never goes into it."""
    text = "\0".join([path, "" if interaction is None else str(interaction), where, rule])
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()


def _masked(value: str) -> str:
    if value.lower().startswith("bearer "):
        return value[:7] + secrets.mask_value(value[7:].strip())
    return secrets.mask_value(value)


def interaction_leaks(raw: RawInteraction) -> list[secrets.Leak]:
    """Each distinct secret of one exchange once, where it is first met (raw parts first)."""
    report: list[secrets.Leak] = []
    secrets.mask_interaction(decode_unmasked(raw), report)
    for f in raw.frames:
        report += secrets.find_in_text(f.data, f"{f.direction} frame")
    distinct: list[secrets.Leak] = []
    for leak in report:
        if not any(leak.secret in d.secret or d.secret in leak.secret for d in distinct):
            distinct.append(leak)
    return distinct


def interaction_findings(path: str, raw: RawInteraction, max_body: int) -> Iterator[Finding]:
    req, resp = raw.request, raw.response
    for leak in interaction_leaks(raw):
        if leak.rule.startswith("key:"):
            shape = leak.rule[4:]
            message = f"{leak.where} holds a key ({_masked(leak.secret)}): {shape} key shape"
            severity: Severity = "error"
        elif leak.blocking:
            message = f"{leak.where} is not masked ({_masked(leak.secret)})"
            severity = "error"
        else:
            message = f"{leak.where} is a CDN cookie (masked in every output)"
            severity = "warning"
        ident = finding_id(path, raw.index, leak.where, leak.rule)
        yield Finding(path, severity, "secret", message, raw.index, rule=leak.rule, id=ident)
    bad_url = url_error(raw.request.url)
    if bad_url is not None:  # nor can its secrets be checked: the file must be looked at
        yield Finding(path, "error", "unreadable", bad_url, raw.index)
    if resp.status is not None and resp.status >= 400:
        yield Finding(path, "warning", "failed", f"HTTP {resp.status}", raw.index, rule="failed")
    for side, body in (("request", req.body), ("response", resp.body)):
        if body is not None and len(body) > max_body:
            size = f"{len(body) / 1024 / 1024:.1f} MB"
            message = f"{side} body is {size}"
            yield Finding(path, "warning", "oversized", message, raw.index, rule="oversized")


def lint_bytes(
    data: bytes, path: str, max_body: int = DEFAULT_MAX_BODY_BYTES, limits: ReadLimits | None = None
) -> list[Finding]:
    raw = read_cassette(data, path, limits or ReadLimits())
    findings = [Finding(path, "error", "unreadable", n.message, line=n.line) for n in raw.errors]
    if raw.format == "unknown" and not findings:
        findings.append(Finding(path, "error", "unreadable", "not a cassette in a known format"))
    for it in raw.interactions:
        findings += interaction_findings(path, it, max_body)
    return with_ids(findings)


def with_ids(findings: list[Finding]) -> list[Finding]:
    """Give findings without one an id, and number repeats (two cookies of one name)."""
    seen: dict[str, int] = {}
    out = []
    for f in findings:
        ident = f.id or finding_id(f.path, f.interaction, f"{f.line}:{f.message}", f.kind)
        n = seen.get(ident, 0)
        seen[ident] = n + 1
        out.append(replace(f, id=ident if n == 0 else f"{ident}-{n + 1}"))
    return out


def lint_roots(
    roots: Sequence[Path], max_body: int = DEFAULT_MAX_BODY_BYTES, limits: ReadLimits | None = None
) -> list[Finding]:
    """Lint every cassette the index would see under ROOTS, named by their path as given."""
    limits = limits or ReadLimits()
    findings: list[Finding] = []
    for root in roots:
        for found in walk(make_roots([root])):
            shown = str(root / found.path) if root.is_dir() else str(root)
            if found.error is not None:
                findings += with_ids([Finding(shown, "error", "unreadable", found.error)])
                continue
            try:
                data = read_file_bytes(Path(found.abspath), limits)
            except FileReadError as exc:
                findings += with_ids([Finding(shown, "error", "unreadable", str(exc))])
                continue
            findings += lint_bytes(data, shown, max_body, limits)
    return findings


def is_blocking(finding: Finding) -> bool:
    """Secrets and unreadable files fail lint; CDN cookies, failures and size are for the reader
    to judge; a finding a baseline accepted no longer fails."""
    return finding.severity == "error" and not finding.baselined


def read_baseline(path: Path) -> frozenset[str]:
    """The finding ids a baseline file (written by `--write-baseline`) accepts."""
    data = json.loads(path.read_text(encoding="utf-8"))
    items = data.get("findings", []) if isinstance(data, dict) else data
    return frozenset(i["id"] if isinstance(i, dict) else str(i) for i in items)


def apply_baseline(findings: list[Finding], accepted: frozenset[str]) -> list[Finding]:
    return [replace(f, baselined=True) if f.id in accepted else f for f in findings]


def baseline_document(findings: Sequence[Finding]) -> Any:
    """What `--write-baseline` writes: ids, with where each is, for a reviewer to read."""
    return {
        "version": 1,
        "findings": [
            {"id": f.id, "path": f.path, "interaction": f.interaction, "message": f.message}
            for f in findings
            if f.severity == "error"
        ],
    }


__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "Finding",
    "apply_baseline",
    "baseline_document",
    "finding_id",
    "is_blocking",
    "lint_bytes",
    "lint_roots",
    "read_baseline",
]
