#!/usr/bin/python3
"""A WebSocket echo server in Python that honours the websocket-tier server contract.

Built on Debian's ``python3-websockets`` (the 10.x legacy asyncio API, ``websockets.serve``) and the
standard library only, so an instance needs ``apt-get install -y python3-websockets`` (or
``dnf install python3-websockets``) and nothing from npm. It proves the contract is language-neutral:
``websocket-tier conformance -- /usr/bin/python3 examples/python-server/server.py`` passes.

What it does, all configured from the environment the tier writes (docs/server-contract.md):

- §1 Environment: ``WST_PORT``, ``WST_HEALTH_PATH``, ``WST_HEALTH_PORT``, ``WST_PING_INTERVAL_SECONDS``,
  ``WST_DRAIN_WINDOW_SECONDS``, ``WST_DRAIN_GRACE_SECONDS``, ``WST_KEEP_ALIVE_TIMEOUT_SECONDS``,
  ``WST_LISTEN_BACKLOG``, ``WST_MAX_CONNECTIONS``, ``WST_ALLOWED_ORIGINS``, ``WST_MAX_MESSAGE_BYTES``,
  ``WST_RETRY_AFTER_MS``, ``WST_EMF_ENDPOINT``, ``WST_AUTO_SCALING_GROUP_NAME``,
  ``WST_METRIC_NAMESPACE``, ``WST_METRIC_NAME``; an empty value counts as unset.
- §2 Health: the health path answers 200 ``{"status":"serving"}`` while serving and 503 once draining.
  On the WebSocket port websockets answers with ``Connection: close`` (no idle connection for the load
  balancer to reuse); on a separate ``WST_HEALTH_PORT`` a small HTTP/1.1 server keeps connections
  alive for ``WST_KEEP_ALIVE_TIMEOUT_SECONDS`` (above the load balancer's idle timeout).
- §3/§4 Drain: SIGTERM flips health to 503, refuses new upgrades with 503 + ``Retry-After``, closes
  open sockets one per equal slice of the drain window at a random point inside it (stratified
  jitter, so at most 2 closes per slice), aborts leftovers after the grace, then exits 0.
- §5 Close codes: 1001 with the retry hint ``{"retryAfterMs":N,"why":"drain"}`` (RFC 6455 §7.4.1; the
  reason stays under 123 bytes, §5.5).
- §6 Pings: websockets' keepalive pings every ``WST_PING_INTERVAL_SECONDS`` (RFC 6455 §5.5.2); a socket
  that leaves one unanswered for two intervals is closed.
- §7 Admission: beyond ``WST_MAX_CONNECTIONS`` the socket is accepted and closed with 1013 and a hint;
  an ``Origin`` outside ``WST_ALLOWED_ORIGINS`` gets HTTP 403 (origins compared as scheme, host and
  port, RFC 6454 §4; ``https://*.example.com`` matches any subdomain); a message above
  ``WST_MAX_MESSAGE_BYTES`` closes the socket with 1009 (websockets' ``max_size``).
- §9 Gauge: a CloudWatch embedded-metric-format record with the open-connection count, over UDP to
  ``WST_EMF_ENDPOINT``, on every change and every ``WST_METRIC_INTERVAL_MS`` (default 60000)
  (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).

SIGINT exits at once. Every message is echoed to its sender. Logs are JSON lines on stdout.
"""

import asyncio
import http
import json
import os
import random
import signal
import socket
import sys
import time
from urllib.parse import urlsplit

import websockets
from websockets.exceptions import InvalidMessage
from websockets.legacy.http import read_headers, read_line
from websockets.legacy.server import WebSocketServerProtocol

CLOSE_GOING_AWAY = 1001
CLOSE_TRY_AGAIN_LATER = 1013
DEFAULT_HEALTH_PATH = "/healthz"
LIVENESS_PATH = "/livez"


def log(event, **fields):
    fields.update(t=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), event=event)
    print(json.dumps(fields), flush=True)


def env_str(name, default):
    value = os.environ.get(name, "")
    return value if value != "" else default


def env_int(name, default, low, high):
    """An integer variable in [low, high]; exits 1 naming the variable when it is out of range."""
    raw = os.environ.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        sys.stderr.write(f"{name} is {raw!r}; allowed: an integer {low}-{high}. Fix: set it in range, or unset it for {default}.\n")
        sys.exit(1)
    return value


class Settings:
    def __init__(self):
        self.host = env_str("WST_HOST", "0.0.0.0")
        self.port = env_int("WST_PORT", 8080, 0, 65535)
        self.health_port = env_int("WST_HEALTH_PORT", self.port, 0, 65535)
        self.health_path = env_str("WST_HEALTH_PATH", DEFAULT_HEALTH_PATH)
        self.ping_seconds = env_int("WST_PING_INTERVAL_SECONDS", 25, 1, 3600)
        self.drain_seconds = env_int("WST_DRAIN_WINDOW_SECONDS", 300, 0, 7170)
        self.grace_seconds = env_int("WST_DRAIN_GRACE_SECONDS", 30, 0, 600)
        self.keep_alive_seconds = env_int("WST_KEEP_ALIVE_TIMEOUT_SECONDS", 125, 1, 6005)
        self.backlog = env_int("WST_LISTEN_BACKLOG", 511, 1, 65535)
        self.max_connections = env_int("WST_MAX_CONNECTIONS", 0, 0, 10_000_000)  # 0: no cap
        self.max_message_bytes = env_int("WST_MAX_MESSAGE_BYTES", 1_048_576, 1, 2**31)
        self.retry_after_ms = env_int("WST_RETRY_AFTER_MS", 1000, 0, 3_600_000)
        self.origins = [o.strip() for o in env_str("WST_ALLOWED_ORIGINS", "").split(",") if o.strip()]
        self.emf_endpoint = env_str("WST_EMF_ENDPOINT", "udp://127.0.0.1:25888")
        self.asg = env_str("WST_AUTO_SCALING_GROUP_NAME", "local")
        self.namespace = env_str("WST_METRIC_NAMESPACE", "WebSocketTier")
        self.metric = env_str("WST_METRIC_NAME", "ActiveConnections")
        self.metric_interval_ms = env_int("WST_METRIC_INTERVAL_MS", 60_000, 10, 3_600_000)
        self.node = env_str("WST_NODE_ID", socket.gethostname())


def parse_origin(text):
    """(scheme, host, port) of a serialized origin, or None (paths, queries, user info, 'null')."""
    try:
        u = urlsplit(text.rstrip("/"))
        port = u.port
    except ValueError:
        return None
    if not u.scheme or not u.hostname or u.path or u.query or u.fragment or u.username or u.password:
        return None
    default = {"http": 80, "ws": 80, "https": 443, "wss": 443}.get(u.scheme.lower())
    return (u.scheme.lower(), u.hostname.lower(), port if port is not None else default)


def origin_allowed(origin, allowed):
    """Exact origins, '*', or scheme://*.domain[:port] (any subdomain, not the domain itself)."""
    if not allowed or "*" in allowed:
        return True
    o = parse_origin(origin)
    if o is None:
        return False
    for entry in allowed:
        wildcard = "://*." in entry
        e = parse_origin(entry.replace("://*.", "://wildcard.", 1) if wildcard else entry)
        if e is None:
            continue
        if not wildcard and o == e:
            return True
        suffix = "." + e[1][len("wildcard."):]
        if wildcard and o[0] == e[0] and o[2] == e[2] and o[1].endswith(suffix) and len(o[1]) > len(suffix):
            return True
    return False


def hint(settings, why):
    """The close reason: compact JSON retry hint."""
    return json.dumps({"retryAfterMs": settings.retry_after_ms, "why": why}, separators=(",", ":"))


def drain_offsets(count, window):
    """One offset per equal slice of the window, random inside its slice, in random order (seconds)."""
    if count == 0:
        return []
    step = window / count
    offsets = [(i + random.random()) * step for i in range(count)]
    random.shuffle(offsets)
    return offsets


class Gauge:
    """EMF records over UDP: on every change (coalesced to one per loop turn) and on a timer."""

    def __init__(self, settings, count):
        self.s = settings
        self.count = count
        self.pending = False
        scheme, _, rest = settings.emf_endpoint.partition("://")
        host, _, port = rest.rstrip("/").rpartition(":")
        if scheme != "udp" or not host or not port.isdigit():
            sys.stderr.write(f"WST_EMF_ENDPOINT is {settings.emf_endpoint!r}; allowed: udp://host:port. Fix: e.g. udp://127.0.0.1:25888.\n")
            sys.exit(1)
        self.addr = (host.strip("[]"), int(port))
        self.sock = socket.socket(socket.AF_INET6 if ":" in self.addr[0] else socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setblocking(False)

    def send(self):
        self.pending = False
        s = self.s
        record = {
            "_aws": {
                "Timestamp": int(time.time() * 1000),
                "CloudWatchMetrics": [
                    {
                        "Namespace": s.namespace,
                        "Dimensions": [["AutoScalingGroupName"]],
                        "Metrics": [{"Name": s.metric, "Unit": "Count", "StorageResolution": 60}],
                    }
                ],
            },
            "AutoScalingGroupName": s.asg,
            s.metric: self.count(),
        }
        try:
            self.sock.sendto((json.dumps(record) + "\n").encode(), self.addr)
        except OSError:
            pass  # metrics must never take the server down

    def changed(self):
        if not self.pending:
            self.pending = True
            asyncio.get_running_loop().call_soon(self.send)

    async def run(self):
        while True:
            self.send()
            await asyncio.sleep(self.s.metric_interval_ms / 1000)


class Protocol(WebSocketServerProtocol):
    """Also accepts HTTP/1.0 GET requests (load-balancer health checkers send them, e.g. HAProxy's
    httpchk); websockets' own parser takes HTTP/1.1 only. The handshake still needs HTTP/1.1."""

    async def read_http_request(self):
        try:
            method, raw_path, version = (await read_line(self.reader)).split(b" ", 2)
            if method != b"GET" or version not in (b"HTTP/1.0", b"HTTP/1.1"):
                raise ValueError(f"unsupported request: {method!r} {version!r}")
            headers = await read_headers(self.reader)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            raise InvalidMessage("did not receive a valid HTTP request") from exc
        self.path = raw_path.decode("ascii", "surrogateescape")
        self.request_headers = headers
        return self.path, headers


class Server:
    def __init__(self, settings):
        self.s = settings
        self.open = set()
        self.draining = False
        self.done = asyncio.Event()
        self.gauge = Gauge(settings, self.count)

    def count(self):
        """Sockets still open. One whose close handshake is under way (e.g. after 1009, while websockets
        waits up to close_timeout for the peer) no longer counts."""
        return sum(1 for ws in self.open if ws.open)

    def health(self):
        serving = not self.draining
        body = json.dumps({"status": "serving" if serving else "draining", "connections": self.count(), "node": self.s.node})
        return (http.HTTPStatus.OK if serving else http.HTTPStatus.SERVICE_UNAVAILABLE), body.encode()

    async def process_request(self, path, headers):
        """Health and liveness answers, and admission before the upgrade (503 while draining, 403 Origin)."""
        path = path.split("?")[0]
        if path == self.s.health_path or path == LIVENESS_PATH:
            status, body = self.health() if path == self.s.health_path else (http.HTTPStatus.OK, b'{"status":"alive"}')
            return status, [("Content-Type", "application/json"), ("Cache-Control", "no-store"), ("Connection", "close")], body
        if self.draining:
            return http.HTTPStatus.SERVICE_UNAVAILABLE, [("Retry-After", "1"), ("Connection", "close")], b"draining\n"
        origin = headers.get("Origin")
        if origin is not None and not origin_allowed(origin, self.s.origins):
            return http.HTTPStatus.FORBIDDEN, [("Connection", "close")], f"origin {origin} not allowed\n".encode()
        return None

    async def handler(self, ws, _path=None):
        cap = self.s.max_connections
        if self.draining:
            await ws.close(CLOSE_GOING_AWAY, hint(self.s, "drain"))
            return
        if cap and self.count() >= cap:
            await ws.close(CLOSE_TRY_AGAIN_LATER, hint(self.s, "capacity"))
            return
        self.open.add(ws)
        self.gauge.changed()
        try:
            async for message in ws:
                await ws.send(message)
        except websockets.ConnectionClosed:
            pass
        finally:
            self.open.discard(ws)
            self.gauge.changed()
            if self.draining and not self.open:
                self.done.set()

    def drain(self):
        if self.draining:
            return
        self.draining = True
        loop = asyncio.get_running_loop()
        targets = [ws for ws in self.open if ws.open]
        log("draining", connections=len(targets), windowSeconds=self.s.drain_seconds)
        reason = hint(self.s, "drain")
        for ws, offset in zip(targets, drain_offsets(len(targets), self.s.drain_seconds)):
            loop.call_later(offset, lambda w=ws: asyncio.ensure_future(w.close(CLOSE_GOING_AWAY, reason)))
        loop.call_later(self.s.drain_seconds + self.s.grace_seconds, self.abort_leftovers)
        if not self.open:
            self.done.set()

    def abort_leftovers(self):
        for ws in list(self.open):
            ws.transport.abort()
        self.open.clear()
        self.done.set()


async def health_connection(server, reader, writer):
    """HTTP/1.1 on a separate health port, keeping idle connections for WST_KEEP_ALIVE_TIMEOUT_SECONDS."""
    try:
        while True:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), server.s.keep_alive_seconds)
            target = head.split(b" ", 2)[1].decode("latin-1").split("?")[0]
            status, body = server.health() if target == server.s.health_path else (http.HTTPStatus.NOT_FOUND, b"not found\n")
            if target == LIVENESS_PATH:
                status, body = http.HTTPStatus.OK, b'{"status":"alive"}'
            writer.write(
                f"HTTP/1.1 {status.value} {status.phrase}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                f"Keep-Alive: timeout={server.s.keep_alive_seconds}\r\n\r\n".encode()
                + body
            )
            await writer.drain()
    except (asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError, IndexError):
        pass
    finally:
        writer.close()


async def main():
    s = Settings()
    server = Server(s)
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, server.drain)
    loop.add_signal_handler(signal.SIGINT, lambda: os._exit(0))
    ws_server = await websockets.serve(
        server.handler,
        s.host,
        s.port,
        create_protocol=Protocol,
        process_request=server.process_request,
        ping_interval=s.ping_seconds,
        ping_timeout=2 * s.ping_seconds,
        max_size=s.max_message_bytes,
        compression=None,
        close_timeout=2,
        backlog=s.backlog,
    )
    health_server = None
    if s.health_port != s.port:
        health_server = await asyncio.start_server(lambda r, w: health_connection(server, r, w), s.host, s.health_port, backlog=s.backlog)
    gauge_task = asyncio.ensure_future(server.gauge.run())
    port = ws_server.sockets[0].getsockname()[1]
    log("listening", port=port, healthPort=s.health_port, node=s.node, websockets=websockets.__version__)
    await server.done.wait()
    gauge_task.cancel()
    server.gauge.send()
    ws_server.close()
    if health_server:
        health_server.close()
    await ws_server.wait_closed()
    log("drained")


if __name__ == "__main__":
    asyncio.run(main())
