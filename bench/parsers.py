"""Compare the YAML and JSON parsers PyPI offers on a folder of cassettes.

`python -m bench.parsers DIR` (e.g. "$TAPEDECK_CORPUS", the corpus of real cassettes) prints,
per parser, the time to turn every file of its kind into Python data (best of three runs, one
process). Parsers that are not installed are skipped; rapidyaml and msgspec are not
dependencies, install them to include them.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml


def _pyyaml_c(data: bytes) -> Any:
    return yaml.load(data, Loader=yaml.CSafeLoader)


def _pyyaml_py(data: bytes) -> Any:
    return yaml.load(data, Loader=yaml.SafeLoader)


def _msgspec_yaml(data: bytes) -> Any:
    import msgspec

    return msgspec.yaml.decode(data)


def _ryml_tree(data: bytes) -> Any:
    import ryml

    return ryml.parse_in_arena(data)  # a tree of nodes, not Python data: a lower bound only


def _orjson(data: bytes) -> Any:
    import orjson

    return orjson.loads(data)


def _msgspec_json(data: bytes) -> Any:
    import msgspec

    return msgspec.json.decode(data)


YAML_PARSERS: dict[str, Callable[[bytes], Any]] = {
    "PyYAML CSafeLoader": _pyyaml_c,
    "PyYAML SafeLoader (pure Python)": _pyyaml_py,
    "msgspec.yaml (PyYAML underneath)": _msgspec_yaml,
    "rapidyaml parse_in_arena (tree only)": _ryml_tree,
}
JSON_PARSERS: dict[str, Callable[[bytes], Any]] = {
    "json (stdlib)": json.loads,
    "orjson": _orjson,
    "msgspec.json": _msgspec_json,
}


def files_by_kind(root: Path) -> tuple[list[bytes], list[bytes]]:
    yamls: list[bytes] = []
    jsons: list[bytes] = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix not in (".yaml", ".yml", ".json", ".har"):
            continue
        data = path.read_bytes()
        target = jsons if data.lstrip()[:1] in (b"{", b"[") else yamls
        try:  # keep only files every parser of the kind can read, so times compare
            (_orjson if target is jsons else _pyyaml_c)(data)
        except Exception:
            continue
        target.append(data)
    return yamls, jsons


def best_of(fn: Callable[[bytes], Any], files: list[bytes], runs: int = 3) -> float | None:
    best: float | None = None
    for _ in range(runs):
        start = time.perf_counter()
        try:
            for data in files:
                fn(data)
        except ImportError:
            return None
        except Exception:
            return float("nan")
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description="Compare YAML and JSON parsers on cassettes.")
    parser.add_argument("root", type=Path)
    args = parser.parse_args()
    yamls, jsons = files_by_kind(args.root)
    for label, files, parsers in (("YAML", yamls, YAML_PARSERS), ("JSON", jsons, JSON_PARSERS)):
        mb = sum(len(d) for d in files) / 1e6
        print(f"\n{label}: {len(files)} files, {mb:.1f} MB\n")
        print("| parser | seconds | MB/s |\n| --- | --- | --- |")
        for name, fn in parsers.items():
            took = best_of(fn, files)
            if took is None:
                print(f"| {name} | not installed | |")
            else:
                print(f"| {name} | {took:.3f} | {mb / took:.1f} |")


if __name__ == "__main__":
    main()
