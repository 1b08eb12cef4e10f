"""``make hostile``: faults and hostile input, with a table of results and the XSS counts.

1. Hostile sources measured in this process: time and peak Python memory of one fetch each.
2. The resilience tests (tests/resilience, tests/browser/test_csp.py) run in a pytest subprocess;
   the table gives each fault's tests and whether they pass.
3. The FULL XSS set (corpora/xss/all_inputs.json, 7,213 inputs) goes through ingest and Chromium via
   tests/browser/test_xss.py, without the CSP (sanitising alone; the suite runs both variants on the
   curated set). Story pages: one in NEWSROOM_XSS_STORY_EVERY (default 20); timelines all.

Environment: NEWSROOM_HOSTILE_SKIP_TESTS=1 or NEWSROOM_HOSTILE_SKIP_XSS=1 skip parts 2 or 3.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from bench.child import corpus

ROOT = Path(__file__).resolve().parent.parent
# The full XSS set (1.3 MB of third-party inputs) is not in the repository, only its curated part
# (tests/resilience/data): it is read from the corpora (``bench.child.CORPORA``) when they are there.
ALL_XSS = corpus("xss/all_inputs.json")
MB = 1024 * 1024

# Test file -> the fault or hostile input it proves.
ROWS = [
    ("test_redis_down.py", "Redis stops (pages, feeds, cache, /healthz, polling resumes)"),
    ("test_worker_killed.py", "Worker SIGKILLed mid-poll (redelivered, stored once)"),
    ("test_concurrent_polls.py", "Same source polled by 10 threads at once"),
    ("test_database_down.py", "PostgreSQL unreachable during a poll"),
    ("test_hostile_sources.py", "Hostile sources (slow, endless, 100 MB, loops, private, gzip bomb)"),
    ("test_two_beats.py", "Two beat schedulers by mistake"),
    ("test_hostile_content.py", "XML bombs, broken text, 100,000-item and nested listings"),
    ("test_site_security.py", "check --deploy, cookies, HSTS, XFO, CSP, axes, editors' reach"),
    ("test_odd_query_strings.py", "Odd query strings on search, feeds, timelines"),
    ("test_csp.py", "CSP in Chromium: pages work, inline and foreign script refused"),
    ("test_xss.py", "XSS curated set (639) in Chromium, with and without CSP"),
]


def _fetch_figures() -> list[tuple[str, str, str, str]]:
    """(route, outcome, seconds, peak MB) for one fetch of each hostile route."""
    import django

    django.setup()
    import tracemalloc

    from django.test.utils import override_settings

    from articles.ingest import fetch as fetching
    from tests.resilience.servers import HostileServer

    server = HostileServer().start()
    server.enable_gzip_bomb()
    rows = []
    limit = fetching.total_timeout() + 10
    try:
        for route in ["/slow.xml", "/endless.xml", "/huge.xml", "/huge-unsized.xml", "/loop", "/gzip-bomb.xml"]:
            outcome: dict = {}

            def attempt(route: str = route, outcome: dict = outcome) -> None:
                try:
                    fetching.fetch(server.url(route))
                    outcome["text"] = "ACCEPTED (no error)"
                except fetching.FetchError as exc:
                    outcome["text"] = str(exc)
                except Exception as exc:  # noqa: BLE001 — reported in the table
                    outcome["text"] = f"UNEXPECTED {type(exc).__name__}: {exc}"

            with override_settings(NEWSROOM_ALLOW_PRIVATE_FETCH=True):
                tracemalloc.start()
                started = time.monotonic()
                worker = threading.Thread(target=attempt, daemon=True)
                worker.start()
                worker.join(limit)
                took = time.monotonic() - started
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
            text = outcome.get("text") or f"STILL RUNNING after {limit:.0f} s (deadline not enforced)"
            rows.append((route, text[:70], f"{took:.1f}", f"{peak / MB:.1f}"))
    finally:
        server.stop()
    return rows


def _run_pytest(args: list[str], env: dict[str, str], junit: Path, timeout: int) -> int:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}", *args]
    print("  $", " ".join(command[3:]), flush=True)
    result = subprocess.run(command, cwd=ROOT, env=env, timeout=timeout, capture_output=True, text=True)
    tail = result.stdout.strip().splitlines()[-1:] if result.stdout.strip() else []
    print("   ", *tail, flush=True)
    return result.returncode


def _junit_by_file(junit: Path) -> dict[str, dict[str, object]]:
    results: dict[str, dict[str, object]] = defaultdict(lambda: {"passed": 0, "failed": 0, "skipped": 0, "s": 0.0})
    if not junit.exists():
        return results
    for case in ET.parse(junit).getroot().iter("testcase"):
        name = case.get("classname", "").rsplit(".", 1)[-1] + ".py"
        row = results[name]
        row["s"] = float(row["s"]) + float(case.get("time") or 0)
        if case.find("failure") is not None or case.find("error") is not None:
            row["failed"] = int(row["failed"]) + 1
            row.setdefault("names", []).append(case.get("name"))
        elif case.find("skipped") is not None:
            row["skipped"] = int(row["skipped"]) + 1
        else:
            row["passed"] = int(row["passed"]) + 1
    return results


def main() -> list[str]:
    env = os.environ.copy()
    env.setdefault("NEWSROOM_TEST_DB_NAME", "bench_hostile")
    env.setdefault("NEWSROOM_TEST_REDIS_DB", "5")
    os.environ.setdefault("NEWSROOM_ALLOW_PRIVATE_FETCH", "1")
    lines: list[str] = []

    print("  hostile fetches ...", flush=True)
    fetch_rows = _fetch_figures()
    lines += ["Hostile sources, one fetch each (limit: 20 s, 15 MB):", ""]
    lines.append(f"| {'route':<18} | {'outcome':<70} | {'s':>5} | {'peak MB':>7} |")
    lines.append(f"|{'-' * 20}|{'-' * 72}|{'-' * 7}|{'-' * 9}|")
    lines += [f"| {r:<18} | {o:<70} | {s:>5} | {m:>7} |" for r, o, s, m in fetch_rows]
    lines.append("")

    with tempfile.TemporaryDirectory() as tmp:
        xss_counts: list[dict] = []
        if ALL_XSS is None or not ALL_XSS.is_file():
            lines += ["Full XSS set: skipped (set NEWSROOM_CORPORA to the folder holding xss/all_inputs.json).", ""]
        elif not os.environ.get("NEWSROOM_HOSTILE_SKIP_XSS"):
            print("  full XSS set in Chromium ...", flush=True)
            report = Path(tmp) / "xss.jsonl"
            xss_env = {
                **env,
                "NEWSROOM_XSS_INPUTS": str(ALL_XSS),
                "NEWSROOM_XSS_REPORT": str(report),
                "NEWSROOM_XSS_STORY_EVERY": os.environ.get("NEWSROOM_XSS_STORY_EVERY", "20"),
            }
            _run_pytest(["tests/browser/test_xss.py", "-k", "sanitising-alone"], xss_env, Path(tmp) / "xss.xml", 7200)
            if report.exists():
                xss_counts = [json.loads(line) for line in report.read_text().splitlines() if line.strip()]

        tests: dict = {}
        if not os.environ.get("NEWSROOM_HOSTILE_SKIP_TESTS"):
            print("  resilience tests ...", flush=True)
            junit = Path(tmp) / "resilience.xml"
            _run_pytest(
                ["tests/resilience", "tests/browser/test_csp.py", "tests/browser/test_xss.py"], env, junit, 3600
            )
            tests = _junit_by_file(junit)

    if tests:
        lines += ["Faults and hostile input, from the test suite:", ""]
        lines.append(f"| {'fault / hostile input':<68} | {'result':<6} | {'pass':>4} | {'fail':>4} | {'s':>5} |")
        lines.append(f"|{'-' * 70}|{'-' * 8}|{'-' * 6}|{'-' * 6}|{'-' * 7}|")
        failing: list[str] = []
        for filename, label in ROWS:
            row = tests.get(filename)
            if not row:
                lines.append(f"| {label:<68} | {'n/a':<6} | {'':>4} | {'':>4} | {'':>5} |")
                continue
            verdict = "OK" if not row["failed"] and row["passed"] else "FAIL"
            lines.append(
                f"| {label:<68} | {verdict:<6} | {row['passed']:>4} | {row['failed']:>4} | {float(row['s']):>5.0f} |"
            )
            failing += [f"  {filename}::{name}" for name in row.get("names", [])]
        total_pass = sum(int(r["passed"]) for r in tests.values())
        total_fail = sum(int(r["failed"]) for r in tests.values())
        lines += ["", f"Tests: {total_pass} passed, {total_fail} failed."]
        if failing:
            lines += ["Failing (findings to fix, see the report):", *failing]
        lines.append("")

    if xss_counts:
        lines += ["Full XSS set through ingest and Chromium (no CSP: sanitising alone):", ""]
        for counts in xss_counts:
            lines.append(
                f"inputs {counts['inputs']} | stories {counts['articles']} | pages opened {counts['pages']} | "
                f"script executions {counts['executions']} | dialogs {counts['dialogs']} | "
                f"foreign requests {counts['foreign_requests']} | dangerous DOM (on*, javascript:, script…) "
                f"{counts['dom_findings']}"
            )
            lines += [f"  e.g. {example}" for example in counts.get("examples", [])[:5]]
    elif not os.environ.get("NEWSROOM_HOSTILE_SKIP_XSS"):
        lines.append("Full XSS set: the run produced no report (see the pytest output above).")
    return lines
