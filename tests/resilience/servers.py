"""Servers for the resilience tests: a hostile HTTP server, a private Redis server the test can stop
and restart, a TCP proxy that cuts the database away, and helpers to SIGKILL a real worker.

Everything runs on 127.0.0.1. The hostile server pauses inside its own handler threads (that is how a
slow server behaves); the tests themselves never sleep, they poll with a deadline (``wait_until``).
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import io
import os
import selectors
import signal
import socket
import subprocess
import threading
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.builders import numbered_items, rss_from_items
from tests.helpers import wait_until
from tests.services import port_answers

DATA = Path(__file__).resolve().parent / "data"
REDIS_PORTS = range(6390, 6400)
MB = 1024 * 1024


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title><link>https://news.example/</link><description>x</description>
<item><title>&lol9;</title><link>https://news.example/lol</link><description>&lol9;</description></item>
</channel></rss>
"""

# External entities: a parser that resolves them would read a local file or call out.
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<rss version="2.0"><channel><title>XXE</title><link>https://news.example/</link><description>x</description>
<item><title>Fuite &xxe; fin</title><link>https://news.example/xxe</link><guid>xxe-1</guid><description>&xxe;</description></item>
</channel></rss>
"""


@functools.cache
def gzip_bomb(decompressed: int = 1024 * MB) -> bytes:
    """A gzip stream that is about 1 MB on the wire and ``decompressed`` bytes once inflated."""
    buffer = io.BytesIO()
    zeros = b"\0" * MB
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as stream:
        for _ in range(decompressed // MB):
            stream.write(zeros)
    return buffer.getvalue()


# --- The hostile HTTP server --------------------------------------------------------------------


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    behaviour: str = "plain"  # plain | slow | endless | huge | hang


class HostileServer:
    """A threaded HTTP server on 127.0.0.1 (port chosen by the OS) with routes that misbehave.

    Built-in routes: /slow.xml (1 byte a second, forever), /endless.xml (a feed that never ends),
    /huge.xml (100 MB with Content-Length), /huge-unsized.xml (100 MB, no length), /loop (redirects
    to itself), /loop-a and /loop-b (redirect to each other), /to-private and /to-metadata (redirect
    to private addresses), /gzip-bomb.xml (1 GB once inflated), /billion-laughs.xml, /xxe.xml,
    /hang.xml (waits until ``release()``). Tests add their own with ``serve(path, body, ...)``.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, float]] = []
        self.released = threading.Event()
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._bomb: bytes | None = None
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="hostile-http", daemon=True)
        self._builtin_routes()

    def _builtin_routes(self) -> None:
        xml = {"Content-Type": "application/rss+xml; charset=utf-8"}
        self.routes["/slow.xml"] = Route(b"<", headers={**xml, "Content-Length": "100000"}, behaviour="slow")
        self.routes["/endless.xml"] = Route(headers=xml, behaviour="endless")
        self.routes["/huge.xml"] = Route(headers={**xml, "Content-Length": str(100 * MB)}, behaviour="huge")
        self.routes["/huge-unsized.xml"] = Route(headers=xml, behaviour="huge")
        self.routes["/loop"] = Route(status=302, headers={"Location": "/loop"})
        self.routes["/loop-a"] = Route(status=302, headers={"Location": "/loop-b"})
        self.routes["/loop-b"] = Route(status=302, headers={"Location": "/loop-a"})
        self.routes["/to-private"] = Route(status=302, headers={"Location": "http://10.1.2.3/feed.xml"})
        self.routes["/to-metadata"] = Route(
            status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
        )
        self.routes["/billion-laughs.xml"] = Route(BILLION_LAUGHS, headers=xml)
        self.routes["/xxe.xml"] = Route(EXTERNAL_ENTITY, headers=xml)
        self.routes["/hang.xml"] = Route(rss_from_items(numbered_items(3, "Attente")), headers=xml, behaviour="hang")

    def enable_gzip_bomb(self) -> None:
        if self._bomb is None:
            self._bomb = gzip_bomb()
        self.routes["/gzip-bomb.xml"] = Route(
            self._bomb, headers={"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"}
        )

    def serve(self, path: str, body: bytes, *, content_type: str = "application/rss+xml; charset=utf-8", **kw):
        headers = {"Content-Type": content_type, **kw.pop("headers", {})}
        self.routes[path] = Route(body, headers=headers, **kw)

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(1 for hit, _ in self.requests if hit == path)

    def release(self) -> None:
        self.released.set()

    def start(self) -> HostileServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.released.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep pytest output readable
                pass

            def handle(self) -> None:
                # A client that hangs up on a hostile route is expected.
                with contextlib.suppress(ConnectionResetError, BrokenPipeError, TimeoutError):
                    super().handle()

            def do_HEAD(self) -> None:
                self.do_GET()

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                with server._lock:
                    server.requests.append((path, time.monotonic()))
                route = server.routes.get(path)
                if route is None:
                    self.send_error(404)
                    return
                # The client giving up is what a hostile route is for.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError, TimeoutError):
                    getattr(self, f"_{route.behaviour}")(route)

            def _head(self, route: Route, length: int | None) -> None:
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if length is not None and "Content-Length" not in route.headers:
                    self.send_header("Content-Length", str(length))
                if length is None and "Content-Length" not in route.headers:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()

            def _plain(self, route: Route) -> None:
                self._head(route, len(route.body))
                if self.command != "HEAD":
                    self.wfile.write(route.body)

            def _hang(self, route: Route) -> None:
                server.released.wait(timeout=300)
                self._plain(route)

            def _slow(self, route: Route) -> None:
                self._head(route, None)
                self.wfile.write(b'<?xml version="1.0"?>\n')
                self.wfile.flush()
                while not server.stopping.is_set():
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    # One byte a second: this server is slow on purpose, nothing here is waited for.
                    server.stopping.wait(1.0)

            def _endless(self, route: Route) -> None:
                self._head(route, None)
                self.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>Sans fin</title>')
                n = 0
                while not server.stopping.is_set():
                    chunk = "".join(
                        f"<item><title>Nouvelle {n + i}</title><link>https://news.example/e/{n + i}</link></item>"
                        for i in range(200)
                    )
                    n += 200
                    self.wfile.write(chunk.encode())

            def _huge(self, route: Route) -> None:
                self._head(route, None)
                chunk = b"<!-- " + b"x" * (MB - 10) + b" -->\n"
                self.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>Enorme</title>\n')
                for _ in range(100):
                    if server.stopping.is_set():
                        return
                    self.wfile.write(chunk)
                self.wfile.write(b"</channel></rss>")

        return Handler


# --- A private Redis server -----------------------------------------------------------------------


class RedisServer:
    """``redis-server`` on a spare port in 6390-6399, started and stopped by the test itself."""

    def __init__(self, port: int, log: Path) -> None:
        self.port = port
        self.log = log
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> RedisServer:
        command = [
            "redis-server",
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
        ]  # fmt: skip
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        wait_until(
            lambda: self.answers() or self.process.poll() is not None,
            timeout=15,
            message=f"redis-server did not start on port {self.port}",
        )
        return self

    def answers(self) -> bool:
        """True when this server answers, not another run's that took the port first."""
        import redis

        try:
            info = redis.Redis(port=self.port, socket_connect_timeout=0.3).info("server")
        except (redis.RedisError, OSError):
            return False
        return self.process is not None and info.get("process_id") == self.process.pid

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            # SIGKILL: Redis disappears the way a crashed server does, with nothing saved.
            self.process.kill()
            self.process.wait(timeout=15)
        wait_until(lambda: not port_answers("127.0.0.1", self.port, 0.2), timeout=15)

    def pause(self) -> None:
        """SIGSTOP: the server keeps its port but answers nothing, like a hung host."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def restart(self) -> RedisServer:
        self.stop()
        return self.start()


def start_private_redis(log: Path) -> RedisServer:
    # Parallel runs may race for a port: a server that could not bind exits, and we try the next port.
    for port in REDIS_PORTS:
        if port_answers("127.0.0.1", port, 0.2):
            continue
        server = RedisServer(port, log).start()
        if server.process is not None and server.process.poll() is None:
            return server
    raise AssertionError("no spare port for a private Redis in 6390-6399")


# --- A TCP proxy in front of PostgreSQL, to make the database unreachable -------------------------


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a backend. ``cut()`` drops every connection and refuses new ones,
    as an unreachable database host does; ``restore()`` listens again on the same port."""

    def __init__(self, backend: tuple[str, int]) -> None:
        self.backend = backend
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self._up = threading.Event()
        self._up.set()
        self._thread = threading.Thread(target=self._accept_loop, args=(self._listener,), daemon=True)
        self._thread.start()

    def _accept_loop(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.backend, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        try:
            selector.register(a, selectors.EVENT_READ, b)
            selector.register(b, selectors.EVENT_READ, a)
            while True:
                for key, _ in selector.select(timeout=1.0):
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for sock in (a, b):
                with contextlib.suppress(OSError):
                    sock.close()

    def drop(self) -> None:
        """Drop every open connection (as a database restart does); new connections still work."""
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for client, upstream in pairs:
            for sock in (client, upstream):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()

    def cut(self) -> None:
        """Drop every connection and refuse new ones, as an unreachable database host does."""
        # shutdown() wakes the thread blocked in accept(); close() alone would leave it listening.
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self.drop()

    def restore(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept_loop, args=(self._listener,), daemon=True).start()

    def close(self) -> None:
        self.cut()


# --- Killing real workers -------------------------------------------------------------------------


def child_pids(pid: int) -> list[int]:
    """The direct children of ``pid`` (Linux /proc), e.g. a prefork worker's pool processes."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            children += [int(x) for x in (task / "children").read_text().split()]
    return children


def sigkill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


# --- Memory ---------------------------------------------------------------------------------------


def peak_python_memory(function: Callable[[], object]) -> tuple[object, int]:
    """Run ``function`` and return (its result, the peak bytes Python allocated meanwhile)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        result = function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak
