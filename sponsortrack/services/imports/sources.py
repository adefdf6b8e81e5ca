"""Where an import's bytes come from: a file, or an http(s) URL downloaded within a deadline."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from sponsortrack import validation as v
from sponsortrack.errors import ValidationError
from sponsortrack.importers import tabular

MAX_DOWNLOAD = 50 * 1024 * 1024
FETCH_DEADLINE = 120.0  # seconds for a whole download, however slowly the server dribbles it


def _deadline_transport(end: float) -> Any:
    """An httpx transport whose every socket read and connect is cut off at ``end`` (monotonic).

    httpx's timeouts are per operation: a server sending one byte a second never trips them, in the
    headers or the body. Each read here waits at most until the deadline, then times out."""
    import httpcore
    import httpx

    def left(timeout: float | None) -> float:
        remaining = end - time.monotonic()
        if remaining <= 0:
            raise httpcore.ReadTimeout("the download deadline passed")
        return remaining if timeout is None else min(timeout, remaining)

    class Stream(httpcore.NetworkStream):
        def __init__(self, inner: httpcore.NetworkStream):
            self._inner = inner

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return self._inner.read(max_bytes, left(timeout))

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self._inner.write(buffer, left(timeout))

        def close(self) -> None:
            self._inner.close()

        def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                      timeout: float | None = None) -> httpcore.NetworkStream:
            return Stream(self._inner.start_tls(ssl_context, server_hostname, left(timeout)))

        def get_extra_info(self, info: str) -> Any:
            return self._inner.get_extra_info(info)

    class Backend(httpcore.SyncBackend):
        def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                        socket_options: Any = None) -> httpcore.NetworkStream:
            return Stream(super().connect_tcp(host, port, left(timeout), local_address, socket_options))

    transport = httpx.HTTPTransport()
    transport._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(), network_backend=Backend())
    return transport


def load_source(source: bytes | str | Path, what: str = "feed", *, timeout: float = 30.0,
                deadline: float = FETCH_DEADLINE) -> tuple[bytes, str | None]:
    """Bytes of a file path or an http(s) URL (returned as second value, for the show's feed_url).

    ``timeout`` bounds each network operation, ``deadline`` the whole download."""
    if isinstance(source, bytes):
        return source, None
    text = str(source)
    if re.match(r"^https?://", text, re.I):
        url = v.normalize_url(text, what, allow_none=False)
        import httpx

        from sponsortrack import USER_AGENT

        end = time.monotonic() + deadline
        late = ValidationError(what, f"{url} was not downloaded within the {deadline:g} s deadline "
                                     f"(the server sends too slowly); try again later or import a saved file")
        try:
            with httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT},
                              transport=_deadline_transport(end)) as client, \
                    client.stream("GET", url) as resp:  # type: ignore[arg-type]
                if resp.status_code >= 400:
                    raise ValidationError(what, f"{url} answered HTTP {resp.status_code}")
                chunks: list[bytes] = []
                size = 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > MAX_DOWNLOAD:
                        raise ValidationError(what, f"{url} is larger than {MAX_DOWNLOAD // (1024 * 1024)} MB")
                    if time.monotonic() > end:
                        raise late
                    chunks.append(chunk)
        except httpx.TimeoutException:
            if time.monotonic() >= end:
                raise late from None
            raise ValidationError(what, f"{url} did not answer within {timeout:.0f} s") from None
        except httpx.HTTPError as exc:
            raise ValidationError(what, f"{url} cannot be fetched ({exc.__class__.__name__}: {exc})") from None
        return b"".join(chunks), url
    return tabular.read_bytes(Path(text).expanduser()), None
