"""Issue 9: impossible feed dates are problems (item 10); a feed download has an overall deadline (item 9)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from sponsortrack.errors import ValidationError
from sponsortrack.importers.rss import impossible_date, parse_feed
from sponsortrack.services import imports

FIXTURE = Path(__file__).parent / "fixtures" / "rss" / "impossible_dates.xml"


def test_impossible_dates_are_problems_naming_item_and_field():
    feed = parse_feed(FIXTURE.read_bytes())
    assert [(i.guid, i.published_on) for i in feed.items] == [("dates-1", "2019-10-01"), ("dates-5", "2024-02-29")]
    assert [str(p) for p in feed.problems] == [
        "item 2 (2: The thirtieth of February): <pubDate>: '2019-02-30' is not a real date "
        "(February 2019 has no day 30)",
        "item 3 (3: Month thirteen): <pubDate>: '2019-13-01T10:00:00Z' is not a real date (there is no month 13)",
        "item 4 (4: A leap day in a common year): <pubDate>: 'Fri, 29 Feb 2019 10:00:00 GMT' is not a real date "
        "(February 2019 has no day 29)",
        "item 6 (6: Only an impossible update time): <updated>: '2019-10-08T24:30:00Z' is not a real date "
        "(there is no time 24:30:00)",
    ]


def test_a_feed_with_an_impossible_date_writes_nothing_when_strict(store):
    result = imports.import_rss(store, FIXTURE.read_bytes(), strict=True)
    assert any("'2019-02-30' is not a real date" in p for p in result.problems)
    assert store.scalar("SELECT count(*) FROM episodes") == 0


def test_items_with_impossible_dates_are_skipped_and_counted(store):
    """Issue 11 item 2: by default the items with a problem are left out, counted, and the rest import."""
    result = imports.import_rss(store, FIXTURE.read_bytes())
    assert result.written and result.skipped == 4
    assert store.query("SELECT guid, published_on FROM episodes ORDER BY guid") == [
        {"guid": "dates-1", "published_on": "2019-10-01"}, {"guid": "dates-5", "published_on": "2024-02-29"}]


@pytest.mark.parametrize(("text", "why"), [
    ("2019-02-30", "February 2019 has no day 30"), ("20190230", "February 2019 has no day 30"),
    ("2019-00-10", "there is no month 0"), ("Sat, 31 Apr 2021 08:00:00 GMT", "April 2021 has no day 31"),
    ("2019-10-01T25:00:00Z", "there is no time 25:00:00"),
    ("2019-10-01", None), ("Tue, 01 Oct 2019 10:00:00 +0000", None), ("2024-02-29", None),
    ("2019-02-28T23:00:00-05:00", None), ("1570000000", None), ("sometime last week", None),
])
def test_impossible_date(text, why):
    assert impossible_date(text) == why


class DribblingServer:
    """A loopback HTTP server that sends the first ``first`` bytes of its answer at once, then the rest
    one byte every ``interval`` seconds."""

    def __init__(self, payload: bytes, first: int = 0, interval: float = 0.2):
        self.payload, self.first, self.interval = payload, first, interval
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/feed.xml"
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    conn.recv(65536)
                    conn.sendall(self.payload[:self.first])
                    for i in range(self.first, len(self.payload)):
                        if self.stop.is_set():
                            break
                        conn.sendall(self.payload[i:i + 1])
                        time.sleep(self.interval)
                except OSError:
                    pass  # the client gave up: what the test wants

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(5)
        self.sock.close()


FEED = FIXTURE.read_bytes()
HEADERS = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: %d\r\n\r\n" % len(FEED)


@pytest.mark.parametrize("slow_part", ["body", "headers"])
def test_a_dribbling_server_hits_the_overall_deadline(store, slow_part):
    # "body": the status line and headers at once, then the feed byte by byte; "headers": all of it slowly
    first = len(HEADERS) if slow_part == "body" else 0
    with DribblingServer(HEADERS + FEED, first) as server, pytest.raises(ValidationError) as exc:
        imports.import_rss(store, server.url, deadline=1.0)
    msg = str(exc.value)
    assert msg == (f"feed: {server.url} was not downloaded within the 1 s deadline (the server sends too "
                   f"slowly); try again later or import a saved file")
    assert store.scalar("SELECT count(*) FROM shows") == 0


def test_a_prompt_server_still_imports_through_the_deadline_transport(store):
    good = (b'<rss version="2.0"><channel><title>Quick Show</title><item><title>1: Hello</title><guid>q-1</guid>'
            b"<pubDate>Tue, 01 Oct 2019 10:00:00 +0000</pubDate></item></channel></rss>")
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(good) + good
    with DribblingServer(answer, first=len(answer)) as server:
        result = imports.import_rss(store, server.url, deadline=5.0)
    assert result.problems == [] and result.show_name == "Quick Show" and len(result.added) == 1
