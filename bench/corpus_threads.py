"""How many cassettes of a folder have more than one thread, and what thread detection costs.

    python -m bench.corpus_threads [FOLDER]      # default: ../shared/corpus beside the repository

Prints one JSON object: cassettes read, how many have 0, 1 and more than one thread, the
largest thread counts, how many interactions are in no thread, retries and forks, and the
CPU seconds spent loading versus detecting threads (detection timed again on decoded
input; CPU time, so that other work on the machine does not count).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FORMATS = (".yaml", ".yml", ".json", ".har", ".jsonl", ".ndjson")


def main() -> None:
    from app.conversation import detect_threads
    from app.loader import load_cassette

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, nargs="?", default=REPO.parent / "shared" / "corpus")
    args = parser.parse_args()
    counts: Counter[str] = Counter()
    biggest: list[tuple[int, str]] = []
    load_s = detect_s = 0.0
    for path in sorted(args.folder.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in FORMATS:
            continue
        name = str(path.relative_to(args.folder))
        start = time.process_time()
        cassette = load_cassette(path, name)
        load_s += time.process_time() - start
        if not cassette.interactions:
            continue
        start = time.process_time()
        detect_threads(cassette.interactions)
        detect_s += time.process_time() - start
        n = len(cassette.threads)
        counts["cassettes"] += 1
        counts["0 threads" if n == 0 else "1 thread" if n == 1 else ">1 thread"] += 1
        counts["interactions"] += len(cassette.interactions)
        counts["in no thread"] += sum(i.thread is None for i in cassette.interactions)
        counts["retries"] += sum(i.retry_of is not None for i in cassette.interactions)
        counts["forks"] += sum(t.parent is not None for t in cassette.threads)
        biggest.append((n, name))
    biggest.sort(reverse=True)
    report = {
        **counts,
        "most threads": biggest[:5],
        "load_cpu_s": round(load_s, 1),
        "threads_cpu_s": round(detect_s, 2),
    }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
