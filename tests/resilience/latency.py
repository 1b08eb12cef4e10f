"""A feed server at internet latency, on many loopback hosts (127.0.0.2, 127.0.0.3, ...), one port.

Every answer waits ``delay`` seconds; ``/feed/<n>`` answers 304 when the request holds its ETag,
and sources numbered ``n % 100 < 65`` never change (the 65 % of 304s of a steady state). Hosts named
in ``hanging`` accept the request and never answer. The server counts, per host, the requests in
flight (from request to answer) and the most seen at once: what politeness looks like from outside.
It is an asyncio server in a thread, so thousands of idle keep-alive connections cost nothing.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.builders import numbered_items, rss_from_items


def default_body(number: int, version: int) -> bytes:
    return rss_from_items(numbered_items(3, f"Source{number}v{version}"))


@dataclass
class HostStats:
    now: int = 0  # requests in flight
    most: int = 0  # most in flight at once
    hits: int = 0
    held: list[float] = field(default_factory=list)  # seconds each unanswered request was held open


class LatencyServer:
    def __init__(
        self,
        hosts: int = 50,
        *,
        delay: float = 0.2,
        hanging: tuple[str, ...] = (),
        body: Callable[[int, int], bytes] = default_body,
    ):
        self.addresses = [f"127.0.0.{n + 2}" for n in range(hosts)]
        self.delay, self.hanging, self._body = delay, set(hanging), body
        self.round = 0
        self.stats = {address: HostStats() for address in self.addresses}
        self.paths: Counter[str] = Counter()
        self.agents: Counter[str] = Counter()  # requests by User-Agent
        self._bodies: dict[tuple[int, int], bytes] = {}
        self._loop = asyncio.new_event_loop()
        self.port = _free_port(self.addresses[0])
        started = threading.Event()
        threading.Thread(target=self._run, args=(started,), daemon=True).start()
        if not started.wait(10):
            raise RuntimeError("the latency server did not start")

    def url(self, host: int, number: int) -> str:
        """The feed of source ``number`` on the ``host``-th address."""
        return f"http://{self.addresses[host % len(self.addresses)]}:{self.port}/feed/{number}"

    def reset(self) -> None:
        """Forget the counts (not the requests in flight)."""
        for stats in self.stats.values():
            stats.most, stats.hits, stats.held = stats.now, 0, []
        self.paths.clear()
        self.agents.clear()

    def most_at_once(self) -> int:
        return max(stats.most for stats in self.stats.values())

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)

    async def _shutdown(self) -> None:
        self._server.close()
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._loop.call_soon(self._loop.stop)

    def _run(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._connection, host=self.addresses, port=self.port, backlog=1024)
        )
        started.set()
        self._loop.run_forever()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host = writer.get_extra_info("sockname")[0]
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
                path = head[0].split(" ")[1]
                headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:])}
                if not await self._answer(host, path, headers, reader, writer):
                    break
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, IndexError):
            pass
        except asyncio.CancelledError:  # the server stops
            pass
        finally:
            writer.close()

    async def _answer(self, host, path, headers, reader, writer) -> bool:
        stats = self.stats[host]
        stats.now += 1
        stats.most = max(stats.most, stats.now)
        stats.hits += 1
        self.paths[path] += 1
        self.agents[headers.get("user-agent", "")] += 1
        started = time.monotonic()
        try:
            if host in self.hanging:
                await reader.read()  # until the client gives up and closes
                stats.held.append(time.monotonic() - started)
                return False
            await asyncio.sleep(self.delay)
            status, body, etag = self._reply(path, headers.get("if-none-match"))
            reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}[status]
            writer.write(
                f"HTTP/1.1 {status} {reason}\r\nETag: {etag}\r\nContent-Type: application/rss+xml\r\n"
                f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            await writer.drain()
            return True
        finally:
            stats.now -= 1

    def _reply(self, path: str, validator: str | None) -> tuple[int, bytes, str]:
        number = path.rsplit("/", 1)[1]
        if not path.startswith("/feed/") or not number.isdigit():
            return 404, b"", '"none"'
        number = int(number)
        version = 0 if number % 100 < 65 else self.round
        etag = f'"{number}-{version}"'
        if validator == etag:
            return 304, b"", etag
        key = (number, version)
        if key not in self._bodies:
            self._bodies[key] = self._body(number, version)
        return 200, self._bodies[key], etag


def _free_port(address: str) -> int:
    with socket.socket() as probe:
        probe.bind((address, 0))
        return probe.getsockname()[1]


def steady_etag(number: int) -> str:
    """The validator a source holds after an earlier poll: current for the 65 % that never change."""
    return f'"{number}-0"' if number % 100 < 65 else "stale"
