"""A loopback HTTP(S) server that behaves like good and bad promo-link servers.

Used by the tests and bench/linkcheck.py (it stands in for the sponsors' sites), never by the package:
it lives in tests/support/. Standard library only; each server runs on its own thread and listens on
one loopback address (``127.0.0.x`` all reach this machine, so several servers on different
addresses act as different domains).

Routes (``{n}``: a number, ``{code}``: any text):

===========================  ================================================================
``/ok``, ``/landing``         200 with a small HTML page
``/chain/{n}``                ``n`` redirects (302) down to ``/chain/0``, which answers 200
``/loop/a``, ``/loop/b``      redirect to each other
``/self``                     redirects to itself
``/many/{n}``                 redirects to ``/many/{n+1}`` forever
``/status/{n}``               answers status ``n``
``/slow/{seconds}``           waits, then 200
``/drip``                     sends its status line and headers one byte every 0.2 s
``/dripbody``                 HEAD 405; GET announces 1 MB and sends one byte every 0.2 s
``/nohead``, ``/nohead/{n}``  HEAD answers 405 (or ``n``); GET answers 200
``/headreset``                HEAD resets the connection; GET answers 200
``/huge``                     HEAD 405; GET announces 1 GiB and streams it until the client leaves
``/reset``                    resets the connection without answering
``/to/{host:port}/{path}``    redirects to ``http://{host:port}/{path}`` (another "domain")
``/vanity/{code}``            redirects to ``/landing`` (the code is dropped)
``/keep/{code}``              redirects to ``/landing?ref={code}`` (the code survives)
``/setcookie``                sets a cookie, 200
``/nocookie``                 400 if the request carries any cookie, else 200
``/cookiegate``               without cookie: sets one and redirects to itself; with it: 200
``/badlocation``              redirects to an ``ftp:`` URL
``/nolocation``               302 without a Location header
``/limited/{code}/{n}``       answers ``code`` (429, 503) with ``Retry-After: {retry}`` (query,
                              default 1) the first ``n`` times this path+query is asked, then 200
``/cfchallenge``              403 from "cloudflare" with a challenge page (``cf-mitigated``)
``/cfbody``                   403 with a Cloudflare challenge body and no telling header
``/soft404``                  HEAD 405 (as many CMSs); GET 200 with ``<title>Page not found``
``/gone``                     redirects to ``/404``, which answers 200 (an error page without 404)
``/parked``                   HEAD 405; GET 200 with a "this domain may be for sale" lander
``/scheme/{scheme}``          redirects to a ``{scheme}:`` URL (``data``, ``javascript``, ``file``)
``/long/{n}``                 redirects to ``/landing?t=…`` padded to ``n`` characters in all
``/portal/...``               a captive portal: every path redirects to ``/portal/login`` (200)
===========================  ================================================================

Every route first waits ``latency`` seconds (the benchmark's simulated network).
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_PAGE = b"<!doctype html><title>landing</title><p>Thanks for listening!</p>\n"
_SOFT_404 = (b"<!doctype html><html><head><title>Page not found | Acme</title></head><body><h1>Oops!</h1>"
             b"<p>We looked everywhere.</p></body></html>\n")
_PARKED = (b"<!doctype html><html><head><title>acme-promo.com</title></head><body><h1>acme-promo.com</h1>"
           b"<p>This domain may be for sale. Buy this domain today!</p></body></html>\n")
_CF_CHALLENGE = (b"<!DOCTYPE html><html lang=\"en-US\"><head><title>Just a moment...</title></head><body>"
                 b"<noscript>Enable JavaScript and cookies to continue</noscript>"
                 b"<script>window._cf_chl_opt={cvId: '3'};</script>"
                 b"<script src=\"/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1\"></script>"
                 b"</body></html>\n")
_PORTAL = b"<!doctype html><title>Sign in to Wi-Fi</title><p>Accept the terms to get online.</p>\n"


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class _Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: list[RecordedRequest] = field(default_factory=list)
    bytes_sent: dict[str, int] = field(default_factory=dict)
    in_flight: int = 0
    max_in_flight: int = 0
    max_records: int = 10_000
    asked: dict[str, int] = field(default_factory=dict)  # how often a path+query was asked (/limited)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return None

    def setup(self) -> None:
        ctx = self.server.tls
        if ctx is not None:
            self.request.settimeout(10)
            self.request = ctx.wrap_socket(self.request, server_side=True)
            self.request.settimeout(None)
        super().setup()

    # -- helpers ----------------------------------------------------------------------------------
    def _record(self) -> None:
        st = self.server.stats
        with st.lock:
            if len(st.requests) < st.max_records:
                st.requests.append(RecordedRequest(self.command, self.path, dict(self.headers.items())))

    def _answer(self, status: int, body: bytes = _PAGE, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _redirect(self, location: str, status: int = 302, headers: dict[str, str] | None = None) -> None:
        self._answer(status, b"", {"Location": location, **(headers or {})})

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.close()

    def _drip(self, raw: bytes) -> None:
        self.close_connection = True
        try:
            for i in range(len(raw)):
                self.wfile.write(raw[i : i + 1])
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass

    def _stream(self, announced: int, chunk: bytes, pause: float) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(announced))
        self.end_headers()
        if self.command == "HEAD":
            return
        sent = 0
        key = self.path.split("?")[0]
        try:
            while sent < announced:
                self.wfile.write(chunk)
                self.wfile.flush()
                sent += len(chunk)
                with self.server.stats.lock:
                    self.server.stats.bytes_sent[key] = self.server.stats.bytes_sent.get(key, 0) + len(chunk)
                if pause:
                    time.sleep(pause)
        except OSError:
            pass
        self.close_connection = True

    # -- routing ----------------------------------------------------------------------------------
    def do_HEAD(self) -> None:
        self._route()

    def do_GET(self) -> None:
        self._route()

    def _route(self) -> None:
        st = self.server.stats
        with st.lock:
            st.in_flight += 1
            st.max_in_flight = max(st.max_in_flight, st.in_flight)
        try:
            self._dispatch()
        finally:
            with st.lock:
                st.in_flight -= 1

    def _dispatch(self) -> None:
        self._record()
        if self.server.latency:
            time.sleep(self.server.latency)
        path, _, query = self.path.partition("?")
        qs = f"?{query}" if query else ""
        parts = [p for p in path.split("/") if p]
        head = parts[0] if parts else ""
        arg = parts[1] if len(parts) > 1 else ""
        if head in ("ok", "landing", ""):
            self._answer(200)
        elif head == "chain" and arg.isdigit():
            n = int(arg)
            self._answer(200) if n == 0 else self._redirect(f"/chain/{n - 1}{qs}")
        elif head == "loop":
            self._redirect("/loop/b" if arg == "a" else "/loop/a")
        elif head == "self":
            self._redirect("/self")
        elif head == "many" and arg.isdigit():
            self._redirect(f"/many/{int(arg) + 1}")
        elif head == "status" and arg.isdigit():
            self._answer(int(arg))
        elif head == "slow":
            time.sleep(float(arg or 5))
            self._answer(200)
        elif head == "drip":
            self._drip(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Padding: " + b"." * 500 + b"\r\n\r\n")
        elif head == "dripbody":
            if self.command == "HEAD":
                self._answer(405, b"")
            else:
                self._stream(1_000_000, b".", 0.2)
        elif head == "nohead":
            if self.command == "HEAD":
                self._answer(int(arg) if arg.isdigit() else 405, b"")
            else:
                self._answer(200)
        elif head == "headreset":
            self._reset() if self.command == "HEAD" else self._answer(200)
        elif head == "huge":
            if self.command == "HEAD":  # refuse HEAD so the checker has to GET the body
                self._answer(405, b"")
            else:
                self._stream(1 << 30, b"\0" * 65536, 0.0)
        elif head == "reset":
            self._reset()
        elif head == "to" and arg:
            self._redirect(f"http://{arg}/{'/'.join(parts[2:])}{qs}")
        elif head == "vanity":
            self._redirect("/landing")
        elif head == "keep":
            self._redirect(f"/landing?ref={arg}")
        elif head == "setcookie":
            self._answer(200, headers={"Set-Cookie": "sid=abc123; Path=/"})
        elif head == "nocookie":
            self._answer(400 if self.headers.get("Cookie") else 200)
        elif head == "cookiegate":
            if "gate=1" in (self.headers.get("Cookie") or ""):
                self._answer(200)
            else:
                self._redirect("/cookiegate", headers={"Set-Cookie": "gate=1; Path=/"})
        elif head == "badlocation":
            self._redirect("ftp://files.example.com/promo")
        elif head == "nolocation":
            self._answer(302, b"")
        elif head == "limited" and arg.isdigit() and len(parts) > 2 and parts[2].isdigit():
            with self.server.stats.lock:
                seen = self.server.stats.asked.get(self.path, 0)
                self.server.stats.asked[self.path] = seen + 1
            retry = dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("retry", "1")
            if seen < int(parts[2]):
                self._answer(int(arg), b"<title>Slow down</title>", {"Retry-After": retry})
            else:
                self._answer(200)
        elif head == "cfchallenge":
            self._answer(403, _CF_CHALLENGE, {"Server": "cloudflare", "cf-mitigated": "challenge"})
        elif head == "cfbody":
            self._answer(403, _CF_CHALLENGE)
        elif head == "soft404":
            self._answer(405, b"") if self.command == "HEAD" else self._answer(200, _SOFT_404)
        elif head == "gone":
            self._redirect("/404")
        elif head == "404":
            self._answer(200, _SOFT_404)
        elif head == "parked":
            self._answer(405, b"") if self.command == "HEAD" else self._answer(200, _PARKED)
        elif head == "scheme" and arg:
            target = {"data": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
                      "javascript": "javascript:alert(document.domain)",
                      "file": "file:///etc/passwd"}.get(arg, f"{arg}:whatever")
            self._redirect(target)
        elif head == "long" and arg.isdigit():
            start = f"http://{self.headers.get('Host', '')}/landing?t="
            self._redirect(start + "x" * max(0, int(arg) - len(start)))
        elif head == "portal":
            self._answer(200, _PORTAL) if arg == "login" else self._redirect("/portal/login")
        else:
            self._answer(404)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], latency: float, tls: ssl.SSLContext | None):
        self.latency = latency
        self.tls = tls
        self.stats = _Stats()
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:  # clients hang up; stay quiet
        return None


class LoopbackServer:
    """``with LoopbackServer("127.0.0.1") as srv: srv.url("/ok")``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, latency: float = 0.0,
                 tls: ssl.SSLContext | None = None, poll_interval: float = 0.05):
        self._poll = poll_interval  # how soon stop() is noticed; each poll wakes the GIL
        self._server = _Server((host, port), latency, tls)
        self.host = host
        self.port = self._server.server_address[1]
        self.scheme = "https" if tls is not None else "http"
        self._thread: threading.Thread | None = None

    @property
    def netloc(self) -> str:
        return f"{self.host}:{self.port}"

    def url(self, path: str = "/ok") -> str:
        return f"{self.scheme}://{self.netloc}{path}"

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._server.stats.lock:
            return list(self._server.stats.requests)

    @property
    def max_in_flight(self) -> int:
        """The most requests this server was handling at the same time."""
        with self._server.stats.lock:
            return self._server.stats.max_in_flight

    def bytes_sent(self, path: str) -> int:
        with self._server.stats.lock:
            return self._server.stats.bytes_sent.get(path, 0)

    def start(self) -> LoopbackServer:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": self._poll},
                                        name=f"loopback-{self.netloc}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
