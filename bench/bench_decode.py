"""Decode throughput: how fast recorded bytes become Cassettes, in one process, without SQLite.

The cold index spends most of its time decoding (stream framing and folds above all), so this
times exactly that part: every file of the synthetic corpus and of the long-stream samples is read
into memory first, then decoded with `app.loader.load_bytes`, best of 3. Prints files/s and
chunks/s per input, then the 20 functions with the most time of their own under cProfile.
Times are the process's CPU time, so that other work on the machine skews them less.

    python -m bench.bench_decode [--n 1000] [--seed 1] [--repeat 3] [--top 20] [--sampling]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from pathlib import Path

from app.loader import load_bytes
from bench.run import corpus, files_of

REPO = Path(__file__).resolve().parents[1]
LONG_STREAM = REPO / "cassettes" / "long-stream"


def decode_all(files: list[tuple[str, bytes]]) -> int:
    """Decode every file; the number of stream chunks seen, so a run cannot skip the work."""
    chunks = 0
    for name, data in files:
        cassette = load_bytes(data, name)
        chunks += sum(len(i.chunks) for i in cassette.interactions)
    return chunks


def best_of(files: list[tuple[str, bytes]], repeat: int) -> tuple[float, int]:
    best = float("inf")
    chunks = 0
    for _ in range(repeat):
        start = time.process_time()
        chunks = decode_all(files)
        best = min(best, time.process_time() - start)
    return best, chunks


def read_files(folder: Path) -> list[tuple[str, bytes]]:
    return [(str(p.relative_to(folder)), p.read_bytes()) for p in files_of(folder)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=1000, help="synthetic corpus size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per input; the best counts")
    parser.add_argument("--top", type=int, default=20, help="functions in the profile (0: none)")
    parser.add_argument(
        "--sampling",
        action="store_true",
        help="profile with pyinstrument (a sampling profiler, `pip install -e '.[bench]'`) instead"
        " of cProfile, whose per-call cost inflates code made of many small calls",
    )
    args = parser.parse_args()

    inputs = {
        f"corpus-{args.n}-{args.seed}": read_files(corpus(args.n, args.seed)),
        "long-stream": read_files(LONG_STREAM),
    }
    header = ("input", "files", "chunks", "best cpu s", "files/s", "chunks/s")
    print("{:<20} {:>6} {:>8} {:>11} {:>9} {:>10}".format(*header))
    for label, files in inputs.items():
        seconds, chunks = best_of(files, args.repeat)
        print(
            f"{label:<20} {len(files):>6} {chunks:>8} {seconds:>11.3f}"
            f" {len(files) / seconds:>9.1f} {chunks / seconds:>10.0f}"
        )
    if args.sampling:
        from pyinstrument import Profiler

        sampler = Profiler(interval=0.0005)
        with sampler:
            for files in inputs.values():
                decode_all(files)
        print(sampler.output_text(color=False, unicode=False, show_all=False))
    elif args.top:
        profile = cProfile.Profile()
        profile.enable()
        for files in inputs.values():
            decode_all(files)
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
