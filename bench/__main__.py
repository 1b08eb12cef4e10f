"""``make bench``: run every benchmark module and print its figures.

``python -m bench`` runs them all; ``python -m bench NAME [NAME ...]`` runs some; ``--no-robustness``
skips the long corpus run of ``ingest``. Each module in
BENCHES has a ``main() -> list[str]`` that returns the lines of its report (it may also print progress).
Benchmarks use PostgreSQL and Redis on this machine: they are measurements, not tests.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
import traceback

BENCHES = ["ingest", "latency", "classify", "web", "hostile", "digests", "pictures", "clusters"]


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    # Options such as --no-robustness are read by the modules themselves from sys.argv.
    names = [arg for arg in argv if not arg.startswith("-")] or BENCHES
    reports: list[tuple[str, list[str]]] = []
    failed = False
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        started = time.monotonic()
        print(f"== bench {name} ...", flush=True)
        try:
            lines = module.main()
        except Exception:
            failed = True
            lines = ["FAILED:", *traceback.format_exc().splitlines()]
        reports.append((name, [*lines, f"({time.monotonic() - started:.0f} s)"]))
    print("\n" + "=" * 72)
    for name, lines in reports:
        print(f"\n## {name}")
        for line in lines:
            print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
