"""Parse time of 10 MB messages shaped to make a parser slow (the shapes the adversarial tests pin as
linear): each should take well under a second."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SIZE = int(os.environ.get("QUERELA_BENCH_HOSTILE_BYTES", str(10 * 1000 * 1000)))


def main() -> None:
    from querela.intake.email.parse import parse_message
    from tests.support.hostile_mail import BUILDERS

    worst = 0.0
    print(f"{'shape':45s} {'bytes':>11s} {'parse':>9s}")
    for name, build in BUILDERS.items():
        raw = build(SIZE)
        start = time.perf_counter()
        parse_message(raw)
        took = time.perf_counter() - start
        worst = max(worst, took)
        print(f"{name:45s} {len(raw):11,d} {took * 1000:7.0f} ms")
    print(f"slowest: {worst * 1000:.0f} ms for ~{SIZE / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
