"""Run the web server, a Celery worker and beat together, in the foreground.

This is what ``make run`` calls. Ctrl-C (or SIGTERM) stops all of them. In local mode it also
serves the offline demo sources (articles/demo/) on 127.0.0.1 and has the worker poll them through
the ordinary pipeline, so the timelines fill within a minute with no network.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from articles.demo import DEFAULT_PORT, demo_starting, ensure_demo_sources, serve_demo
from articles.demo_admin import demo_admin_message, ensure_demo_admin

BACKLOG_WARNING = 100  # tasks already waiting in the embedded broker's queue at start


class Command(BaseCommand):
    help = "Lance le serveur web, un worker Celery et beat ensemble (Ctrl-C arrête tout)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Adresse du serveur web.")
        parser.add_argument(
            "--demo-port", type=int, default=DEFAULT_PORT, help="Port local des sources de démonstration."
        )
        parser.add_argument("--no-demo", action="store_true", help="Ne pas servir ni relever les sources de démo.")

    def handle(self, *args, **options):
        if settings.DEBUG:
            self.stdout.write(demo_admin_message(ensure_demo_admin(), options["addr"]))
        env = os.environ.copy()
        envs: dict[str, dict[str, str]] = {}
        demo_server = None
        if settings.DEBUG and not options["no_demo"]:
            demo_server = self._start_demo(options["demo_port"])
            # The demo feeds live on loopback, which fetching refuses by default: lift that for this
            # local worker only, never in settings or for production.
            envs["worker"] = {**env, "NEWSROOM_ALLOW_PRIVATE_FETCH": "1"}
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        processes = {
            name: subprocess.Popen(command, cwd=settings.BASE_DIR, env=envs.get(name, env))
            for name, command in _commands(options["addr"]).items()
        }
        self.stdout.write(f"Newsroom : http://{options['addr']}/  (Ctrl-C pour tout arrêter)")
        if demo_server is not None:
            self._warn_of_backlog()
            self._dispatch_now()
        exit_code = 0
        try:
            while not stopping:
                exit_code = self._first_exit(processes)
                stopping = exit_code is not None
                time.sleep(0.5)
        finally:
            if demo_server is not None:
                demo_server.shutdown()
            _stop_all(processes)
        sys.exit(exit_code or 0)

    def _start_demo(self, port: int):
        demo_server = serve_demo(port)
        ensure_demo_sources(demo_server.base_url)
        demo_starting.send(sender=self.__class__)
        self.stdout.write(f"Sources de démonstration : {demo_server.base_url}/ (relevées par le worker)")
        return demo_server

    def _warn_of_backlog(self) -> None:
        """The embedded broker hands out a few messages a second: a backlog left by earlier runs
        delays the demo's first polls by minutes, so say so, and how to clear it."""
        if not settings.BROKER_IS_EMBEDDED:
            return
        queue = settings.BROKER_DIR / "queue"
        waiting = sum(1 for _ in queue.iterdir()) if queue.is_dir() else 0
        if waiting > BACKLOG_WARNING:
            self.stderr.write(
                f"Attention : {waiting} tâches attendent déjà dans la file du broker embarqué ({queue}) ; "
                "les sources de démonstration seront relevées après elles. `make clean` vide cette file."
            )

    def _dispatch_now(self) -> None:
        """Beat's first dispatch comes a minute after start; queue one now so the demo fills at once."""
        from articles.tasks import dispatch_due_sources

        try:
            dispatch_due_sources.delay()
        except Exception as exc:
            self.stderr.write(f"Premier relevé non mis en file ({exc}) ; beat s’en chargera.")

    def _first_exit(self, processes: dict[str, subprocess.Popen]) -> int | None:
        """The exit code to stop with once one of the processes has ended, else None."""
        for name, process in processes.items():
            if process.poll() is not None:
                self.stderr.write(f"{name} s’est arrêté (code {process.returncode}) ; arrêt de tout.")
                return process.returncode or 1
        return None


def procfile() -> dict[str, list[str]]:
    """The production commands, by process name, from the Procfile at the top of the repository."""
    commands = {}
    for line in (settings.BASE_DIR / "Procfile").read_text(encoding="utf-8").splitlines():
        name, _, command = line.partition(":")
        if command.strip() and not name.startswith("#"):
            commands[name.strip()] = shlex.split(command)
    return commands


def _commands(addr: str) -> dict[str, list[str]]:
    """The Procfile's worker and beat, run with this Python; the web process is Django's
    development server while debugging (it serves static files and needs no build step), else the
    Procfile's gunicorn bound to ``addr``."""
    python = sys.executable
    commands = {name: [python, "-m", *command] for name, command in procfile().items()}
    if settings.BROKER_IS_EMBEDDED:
        # The embedded (filesystem) broker has no fan-out for these worker-to-worker messages.
        commands["worker"] += ["--without-mingle", "--without-gossip", "--without-heartbeat"]
    if settings.DEBUG:
        commands["web"] = [python, "manage.py", "runserver", addr, "--noreload"]
    else:
        bind = commands["web"].index("--bind")
        commands["web"][bind + 1] = addr
    return commands


def _stop_all(processes: dict[str, subprocess.Popen]) -> None:
    """SIGTERM every process still running, then kill those not gone within 10 seconds."""
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
