"""One host helper (issue 10, item 4): the host of a URL and "is this host on one of these domains" are
``validation.url_host`` and ``validation.host_matches``, used by the link checker, imports and reconciliation."""

from __future__ import annotations

import re
from pathlib import Path

import sponsortrack
from sponsortrack import linkcheck, validation
from sponsortrack.linkcheck import classify

PACKAGE = Path(sponsortrack.__file__).parent


def test_url_host_keeps_www_only_when_asked():
    assert validation.url_host("https://WWW.DigitalOcean.com./x?y#z") == "digitalocean.com"
    assert validation.url_host("https://WWW.DigitalOcean.com./x", keep_www=True) == "www.digitalocean.com"
    assert validation.url_host("do.co:8080/changelog") == "do.co"
    # the checker names the host it asked, as it asked it
    assert classify.host_of("https://www.fastly.com/podcast") == "www.fastly.com"
    assert classify.host_of("http://127.0.0.5:8123/ok") == "127.0.0.5"


def test_host_matches_a_domain_or_below_it_and_nothing_else():
    assert validation.host_matches("www.digitalocean.com", ["digitalocean.com"])
    assert validation.host_matches("DigitalOcean.com.", ["digitalocean.com"])
    assert validation.host_matches("cloud.digitalocean.com", ["www.DigitalOcean.com"])
    assert not validation.host_matches("evildigitalocean.com", ["digitalocean.com"])
    assert not validation.host_matches("digitalocean.com.evil.net", ["digitalocean.com"])
    assert not validation.host_matches("digitalocean.com", [])
    assert linkcheck.host_matches is validation.host_matches


def test_no_module_computes_a_host_its_own_way():
    # urlsplit(...).hostname, or a hand-written "host == d or host.endswith('.' + d)", only in validation.py
    own_way = re.compile(r"\.hostname\b|\.endswith\(\s*['\"]\.['\"]\s*\+|\.endswith\(f['\"]\.\{")
    offenders = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                 if p.name != "validation.py" and own_way.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
