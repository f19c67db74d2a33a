"""What one dashboard serves; passed to `create_app` so tests can build many apps side by side."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    roots: list[Path]
    index_path: Path
    watch: bool = True
    # When set, every request must carry it (bearer header, cookie, or `?token=` once).
    auth_token: str | None = None
    # Host header names answered (`tapedeck serve` always sets them: loopback, --host and
    # --allow-host); None answers any Host, for an app embedded in tests or another server.
    allowed_hosts: frozenset[str] | None = None
