"""Web benchmarks: timelines, search and feeds with 100,000 stories in PostgreSQL.

1. Query counts of every page kind with 1,000 and with 100,000 stories (cold cache): they must match.
2. gunicorn in production mode (DJANGO_DEBUG=0, whitenoise, Redis cache) on loopback, loaded by
   ``wrk -t2 -c16`` in turn on: a static file, a trivial view (/robots.txt), ``/``, a commune page,
   a commune+section page, a search, a feed, and the same feed answered 304.
   Targets: timeline p99 <= 5x the static file's p99; a feed's 304 <= 1.5x the trivial view.

3. Cold paths at 100,000 stories, in process (no network): a 50-card timeline built with its page
   cache out of date (cards cached, as after a new story; and with no card cached) and a search
   with its page cache out of date. Targets: timeline <= 5 ms, search <= 20 ms.
4. Stories arriving: 20,000 stories, gunicorn as the Procfile's web line (4 workers, production
   settings), ``wrk -t2 -c16`` on the Sète page and on a static file, first while nothing arrives,
   then while a writer stores one new Sète story a second through the real ingest path
   (``articles.ingest.store.store_entries`` in a transaction). Target: Sète p99 / static p99 <= 2.

Databases of its own (``newsroom_bench_web`` and ``newsroom_bench_web_small``), Redis database 11.
Children do the Django work, so this process never loads settings pointing elsewhere.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432"
REDIS_CACHE = "redis://127.0.0.1:6379/11"
BIG, SMALL, MEDIUM = "newsroom_bench_web", "newsroom_bench_web_small", "newsroom_bench_web_20k"
BIG_COUNT, SMALL_COUNT, MEDIUM_COUNT = 100_000, 1_000, 20_000
COLD_SAMPLES = 60
ARRIVALS_SOURCE = "Bench arrivées"
CARDS = 50
PORT = 8193
DURATION = os.environ.get("NEWSROOM_BENCH_WRK_DURATION", "4s")
# Targets are loaded in turn, ROUNDS times, and each figure is the median over rounds: on a shared
# machine the load drifts, and interleaving spreads the drift over every target alike.
ROUNDS = int(os.environ.get("NEWSROOM_BENCH_WRK_ROUNDS", "3"))
PAGES = {
    "/": "/",
    "commune": "/communes/sete/",
    "commune+section": "/communes/sete/elections/",
    "search": "/recherche/?q=conseil+municipal",
    "feed": "/communes/frontignan/rss/",
}
WORDS = [
    "conseil municipal",
    "joutes",
    "budget",
    "école",
    "festival",
    "port de pêche",
    "plage",
    "élections municipales",
    "travaux",
    "marché",
    "conchyliculture",
    "associations",
    "canal royal",
    "mairie",
    "théâtre",
    "rugby",
    "incendie",
    "lagune",
    "permis de construire",
    "médiathèque",
]


def env_for(database: str, **extra: str) -> dict[str, str]:
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DATABASE_URL=f"{PG}/{database}",
        REDIS_URL=REDIS_CACHE,
        NEWSROOM_CACHE_PREFIX="bench-web",
        DJANGO_LOG_LEVEL="WARNING",
    )
    env.pop("NEWSROOM_TESTING", None)
    env.update(extra)
    return env


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return done.stdout


def recreate_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _stored(database: str) -> int:
    import psycopg

    try:
        with psycopg.connect(f"{PG}/{database}") as conn:
            # The stories the arrivals writer added do not count: the database is reused with them.
            query = "SELECT count(*) FROM articles_article a JOIN articles_source s ON s.id = a.source_id"
            return conn.execute(query + " WHERE s.name <> %s", [ARRIVALS_SOURCE]).fetchone()[0]
    except psycopg.Error:
        return -1


def prepare(database: str, count: int) -> str:
    env = env_for(database)
    # NEWSROOM_BENCH_WEB_REUSE=1 keeps a database already filled by an earlier run (saves minutes).
    if os.environ.get("NEWSROOM_BENCH_WEB_REUSE") == "1" and _stored(database) == count:
        _run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env)
        return f"{count:,} stories reused from an earlier run"
    recreate_database(database)
    _run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env)
    return _run([sys.executable, "-m", "bench.web", "--populate", str(count)], env).strip()


# --- Children: run with DATABASE_URL pointing at a bench database -----------------------------


def populate(count: int) -> str:
    """``count`` stories over two years, tagged with communes and sections, through the ORM."""
    import random
    from datetime import timedelta

    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from articles.models import Article, ArticleCommune, ArticleSection, Section, Source
    from localities.models import Commune

    started = time.monotonic()
    rng = random.Random(5)
    communes, sections = list(Commune.objects.all()), list(Section.objects.all())
    sources = [Source.objects.create(name=f"Source {n}", url=f"https://source{n}.example/") for n in range(20)]
    now = timezone.now()
    batch = 2000
    for start in range(0, count, batch):
        articles = []
        for n in range(start, min(start + batch, count)):
            commune = communes[n % len(communes)]
            words = rng.sample(WORDS, 3)
            articles.append(
                Article(
                    source=sources[n % len(sources)],
                    guid=f"bench-{n}",
                    url=f"https://source.example/{n}",
                    title=f"{commune.name} : {words[0]} et {words[1]}, l’article {n}",
                    summary=f"<p>À {commune.name}, le sujet du jour : <strong>{words[2]}</strong>. "
                    "Les habitants en parlent depuis la semaine dernière.</p>",
                    image=f"https://img.example/{n}.jpg" if n % 3 == 0 else "",
                    published=now - timedelta(minutes=10 * (count - n)),
                    status="featured" if n % 5000 == 0 else "visible",
                )
            )
        stored = Article.objects.bulk_create(articles)
        ArticleCommune.objects.bulk_create(
            ArticleCommune(article=a, commune=communes[int(a.guid[6:]) % len(communes)]) for a in stored
        )
        ArticleSection.objects.bulk_create(
            ArticleSection(article=a, section=sections[int(a.guid[6:]) % len(sections)]) for a in stored
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return f"{count:,} stories stored in {time.monotonic() - started:.0f} s"


def count_queries() -> dict[str, int]:
    """Queries of each page with a cold cache, through Django's test client."""
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles import cache as page_cache
    from articles.models import Article

    client = Client()
    story = Article.objects.order_by("-id").first()
    urls = {**PAGES, "story": f"/articles/{story.pk}/", "sources": "/sources/"}
    html = client.get("/communes/sete/").content.decode()
    urls["older page"] = "/communes/sete/" + re.search(r'href="/communes/sete/(\?avant=[^"]+)"', html).group(1)
    counts = {}
    for name, url in urls.items():
        cache.clear()
        page_cache._local.clear()  # the in-process layer too: count the cold path
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        assert status == 200, (url, status)
        counts[name] = len(queries)
    return counts


def cold_paths() -> dict[str, list[float]]:
    """[median, fastest] ms of a 50-card Sète timeline and of a search, page cache out of date.
    The fastest run is what the work costs when nothing else wants the CPU (a shared machine)."""
    from statistics import median

    import django

    django.setup()
    from django.test import Client, RequestFactory

    from articles import cache as page_cache
    from articles import timelines, views
    from articles.search import PER_PAGE, SearchSpec, search_articles, search_page

    request = RequestFactory().get("/communes/sete/")
    found = timelines.find_timeline("sete")
    client = Client()

    def timed(prepare, run) -> list[float]:
        samples = []
        for n in range(COLD_SAMPLES):
            prepare(n)
            started = time.perf_counter()
            run(n)
            samples.append((time.perf_counter() - started) * 1000)
        return [median(samples), min(samples)]

    def timeline(n: int) -> None:
        views.render_timeline(request, found, None, CARDS)

    def search(n: int) -> None:
        assert client.get("/recherche/", {"q": WORDS[n % len(WORDS)]}).status_code == 200

    def search_query(n: int) -> None:
        search_page(SearchSpec(WORDS[n % len(WORDS)]), 1)

    def search_query_before(n: int) -> None:  # the former query: every match ranked, joined and loaded
        list(search_articles(SearchSpec(WORDS[n % len(WORDS)])).for_cards()[: PER_PAGE + 1])

    timeline(0)  # cards cached, as they are once a page has been seen
    return {
        "timeline, cards cached": timed(lambda n: page_cache.bump([found.scopes[0]]), timeline),
        "timeline, nothing cached": timed(lambda n: page_cache.bump([page_cache.EVERYTHING]), timeline),
        "search": timed(lambda n: page_cache.bump([page_cache.ALL]), search),
        "search query": timed(lambda n: None, search_query),
        "search query as before": timed(lambda n: None, search_query_before),
    }


def write_stories(seconds: float) -> str:
    """Store one new Sète story a second through the ingest path, for ``seconds``."""
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from articles.ingest.entries import FeedItem
    from articles.ingest.store import store_entries
    from articles.models import Article, Source

    source, _ = Source.objects.get_or_create(name=ARRIVALS_SOURCE, defaults={"url": "https://arrivees.example/"})
    stored, deadline, tick = 0, time.monotonic() + seconds, time.monotonic()
    while time.monotonic() < deadline:
        now = timezone.now()
        entry = FeedItem(
            title=f"Sète : la nouvelle du jour numéro {time.time_ns()}",
            url=f"https://arrivees.example/{time.time_ns()}",
            summary="<p>À Sète, sur le port, une nouvelle arrive.</p>",
            published=now,
        )
        with transaction.atomic():
            stored += store_entries(source, [entry], now).new
        tick += 1.0
        time.sleep(max(0.0, tick - time.monotonic()))
    tagged = Article.objects.filter(source=source, communes__slug="sete").count()
    return f"{stored} stories stored ({tagged} tagged Sète so far from this source)"


# --- Load -------------------------------------------------------------------------------------


def _port_answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wrk(url: str, *headers: str) -> dict[str, float]:
    args = ["wrk", "-t2", "-c16", f"-d{DURATION}", "--latency"]
    for header in headers:
        args += ["-H", header]
    out = subprocess.run([*args, url], capture_output=True, text=True, timeout=300, check=True).stdout
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for label, key in (("50%", "p50"), ("99%", "p99")):
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()
        figures[key] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    figures["errors"] = int(non_2xx.group(1)) if non_2xx else 0
    return figures


def _median_figures(runs: list[dict[str, float]]) -> dict[str, float]:
    from statistics import median

    return {key: median(run[key] for run in runs) for key in runs[0]}


def service_times() -> dict[str, float]:
    """Median time to serve each target in process (Django test client, no network, no queueing):
    what a request costs the server, whatever else the machine is doing."""
    from statistics import median

    import django

    django.setup()
    from django.test import Client

    client = Client()
    targets = {"trivial view": "/robots.txt", **PAGES}
    times = {}
    etag = client.get(PAGES["feed"])["ETag"]
    for name, path in [*targets.items(), ("feed 304", PAGES["feed"])]:
        headers = {"HTTP_IF_NONE_MATCH": etag} if name == "feed 304" else {}
        client.get(path, **headers)
        samples = []
        for _ in range(300):
            started = time.perf_counter()
            client.get(path, **headers)
            samples.append((time.perf_counter() - started) * 1000)
        times[name] = median(samples)
    return times


def production_env(database: str, var: Path) -> dict[str, str]:
    return env_for(
        database,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
        NEWSROOM_VAR_DIR=str(var),
    )


@contextmanager
def serving(env: dict[str, str], workers: str):
    """gunicorn on PORT with ``workers`` sync workers, until the block ends."""
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "-b", f"127.0.0.1:{PORT}", "-w", workers, "-k", "sync"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not _port_answers(PORT):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start: " + server.stderr.read().decode()[-2000:])
            time.sleep(0.2)
        yield f"http://127.0.0.1:{PORT}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _static_path(var: Path) -> str:
    manifest = json.loads((var / "static" / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/site.css"]


def _warm(base: str, paths) -> None:
    for path in paths:  # warm caches and check every page answers
        with urllib.request.urlopen(base + path, timeout=30) as response:
            assert response.status == 200, (path, response.status)


def load(database: str, var: Path) -> list[str]:
    env = production_env(database, var)
    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    static = _static_path(var)
    workers = str(max(2, (os.cpu_count() or 1) * 2))
    with serving(env, workers) as base:
        targets = {"static file": static, "trivial view": "/robots.txt", **PAGES}
        _warm(base, targets.values())
        with urllib.request.urlopen(base + PAGES["feed"], timeout=30) as response:
            etag = response.headers["ETag"]
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in [*targets, "feed 304"]}
        for _ in range(ROUNDS):
            for name, path in targets.items():
                runs[name].append(wrk(base + path))
            runs["feed 304"].append(wrk(base + PAGES["feed"], f"If-None-Match: {etag}"))
        results = {name: _median_figures(figures) for name, figures in runs.items()}

    lines = [
        f"wrk -t2 -c16 -d{DURATION} x {ROUNDS} interleaved rounds (medians), gunicorn {workers} sync workers,"
        f" DJANGO_DEBUG=0, Redis cache; load average before: {load_before}"
    ]
    lines += _table(results)
    static_p99 = results["static file"]["p99"]
    for name in ("/", "commune", "commune+section"):
        ratio = results[name]["p99"] / static_p99
        verdict = "OK" if ratio <= 5 else "MISSED"
        lines.append(f"  timeline {name} p99 / static p99 = {ratio:.2f} (target <= 5) {verdict}")
    for key in ("p50", "p99"):
        ratio = results["feed 304"][key] / results["trivial view"][key]
        verdict = "OK" if ratio <= 1.5 else "MISSED"
        lines.append(f"  feed 304 {key} / trivial view {key} = {ratio:.2f} (target <= 1.5) {verdict}")
    return lines


def _table(results: dict[str, dict[str, float]]) -> list[str]:
    lines = [f"  {'target':<26} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>9}"]
    for name, fig in results.items():
        errors = f"  ({fig['errors']} non-2xx/3xx)" if fig["errors"] else ""
        lines.append(f"  {name:<26} {fig['p50']:>8.2f} {fig['p99']:>8.2f} {fig['rps']:>9.0f}{errors}")
    return lines


def procfile_workers() -> str:
    return re.search(r"--workers (\d+)", (ROOT / "Procfile").read_text()).group(1)


def arrivals(database: str, var: Path) -> list[str]:
    """Sète page p99 / static file p99, while nothing arrives and while one Sète story a second does."""
    env = production_env(database, var)
    targets = {"static file": _static_path(var), "Sète page": PAGES["commune"]}
    workers = procfile_workers()
    runs: dict[str, list[dict[str, float]]] = {}
    written = []
    with serving(env, workers) as base:
        _warm(base, targets.values())
        for _ in range(ROUNDS):
            for name, path in targets.items():
                runs.setdefault(f"{name}, quiet", []).append(wrk(base + path))
            seconds = len(targets) * float(DURATION.rstrip("s")) + 2
            writer = subprocess.Popen(
                [sys.executable, "-m", "bench.web", "--write", str(seconds)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                text=True,
            )
            time.sleep(1.5)  # the first story is in
            for name, path in targets.items():
                runs.setdefault(f"{name}, arriving", []).append(wrk(base + path))
            written.append(writer.communicate(timeout=120)[0].strip().splitlines()[-1])
    results = {name: _median_figures(figures) for name, figures in runs.items()}
    lines = [f"stories arriving: {MEDIUM_COUNT:,} stories, gunicorn {workers} sync workers (Procfile), wrk -t2 -c16"]
    lines += _table(results)
    for phase in ("quiet", "arriving"):
        ratio = results[f"Sète page, {phase}"]["p99"] / results[f"static file, {phase}"]["p99"]
        verdict = "OK" if ratio <= 2 else "MISSED"
        lines.append(f"  Sète p99 / static p99, {phase}: {ratio:.2f} (target <= 2) {verdict}")
    lines.append(f"  writer: {written[-1]}")
    return lines


def _cold_lines(cold: dict[str, list[float]]) -> list[str]:
    targets = {"timeline, cards cached": 5.0, "search": 20.0}
    lines = [f"cold paths at {BIG_COUNT:,} stories, in process, page cache out of date ({COLD_SAMPLES} runs):"]
    lines.append(f"  {'':<34} {'median ms':>9} {'fastest':>8}")
    for name, (middle, fastest) in cold.items():
        target = targets.get(name)
        verdict = f"(target <= {target:g}: median {'OK' if middle <= target else 'MISSED'})" if target else ""
        label = f"{CARDS}-card {name}" if name.startswith("timeline") else name
        lines.append(f"  {label:<34} {middle:>9.2f} {fastest:>8.2f} {verdict}")
    return lines


def main() -> list[str]:
    if not (_port_answers(5432) and _port_answers(6379)):
        return ["SKIPPED: PostgreSQL on :5432 and Redis on :6379 are needed"]
    if not shutil.which("wrk"):
        return ["SKIPPED: wrk is not installed"]
    lines = []
    print(f"bench web: {SMALL_COUNT:,} stories ...", flush=True)
    lines.append("small: " + prepare(SMALL, SMALL_COUNT))
    small = json.loads(_run([sys.executable, "-m", "bench.web", "--queries"], env_for(SMALL)))
    print(f"bench web: {BIG_COUNT:,} stories ...", flush=True)
    lines.append("big: " + prepare(BIG, BIG_COUNT))
    big = json.loads(_run([sys.executable, "-m", "bench.web", "--queries"], env_for(BIG)))
    lines.append(f"queries per page, cold cache ({SMALL_COUNT:,} vs {BIG_COUNT:,} stories):")
    for name in big:
        same = "same" if small[name] == big[name] else "DIFFERENT"
        lines.append(f"  {name:<18} {small[name]:>3} vs {big[name]:>3}  {same}")
    print("bench web: service times ...", flush=True)
    var = Path(tempfile.mkdtemp(prefix="bench-web-"))
    try:
        _run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], production_env(BIG, var))
        served = json.loads(_run([sys.executable, "-m", "bench.web", "--service-times"], production_env(BIG, var)))
        lines += _service_lines(served)
        print("bench web: cold paths ...", flush=True)
        lines += _cold_lines(json.loads(_run([sys.executable, "-m", "bench.web", "--cold"], production_env(BIG, var))))
        print("bench web: wrk ...", flush=True)
        lines += load(BIG, var)
        print(f"bench web: {MEDIUM_COUNT:,} stories, arrivals ...", flush=True)
        lines.append("medium: " + prepare(MEDIUM, MEDIUM_COUNT))
        lines += arrivals(MEDIUM, var)
    finally:
        shutil.rmtree(var, ignore_errors=True)
    return lines


def _service_lines(served: dict[str, float]) -> list[str]:
    lines = []
    lines.append("in-process service time, median of 300 (ms):")
    lines += [f"  {name:<18} {ms:>6.2f}" for name, ms in served.items()]
    ratio = served["feed 304"] / served["trivial view"]
    lines.append(f"  feed 304 / trivial view = {ratio:.2f} (target <= 1.5) {'OK' if ratio <= 1.5 else 'MISSED'}")
    return lines


if __name__ == "__main__":
    if sys.argv[1:2] == ["--populate"]:
        print(populate(int(sys.argv[2])))
    elif sys.argv[1:2] == ["--queries"]:
        print(json.dumps(count_queries()))
    elif sys.argv[1:2] == ["--service-times"]:
        print(json.dumps(service_times()))
    elif sys.argv[1:2] == ["--cold"]:
        print(json.dumps(cold_paths()))
    elif sys.argv[1:2] == ["--write"]:
        print(write_stories(float(sys.argv[2])))
    else:
        print("\n".join(main()))
