import pytest
from hypothesis import given
from hypothesis import strategies as st

from sponsortrack import validation as v
from sponsortrack.errors import ValidationError


@pytest.mark.parametrize(("raw", "clean"), [
    ("do.co/changelog", "https://do.co/changelog"),
    ("HTTPS://Fastly.COM/", "https://fastly.com/"),
    ("http://example.com/a?b=1#c", "http://example.com/a?b=1#c"),
    ("//brave.com/x", "https://brave.com/x"),
    ("localhost:8000/x", "https://localhost:8000/x"),
    ("http://127.0.0.2:9000/p", "http://127.0.0.2:9000/p"),
    ("bücher.de/promo", "https://xn--bcher-kva.de/promo"),
    (None, None), ("  ", None),
])
def test_normalize_url(raw, clean):
    assert v.normalize_url(raw) == clean


@pytest.mark.parametrize(("raw", "problem"), [
    ("javascript:alert(1)", "scheme 'javascript'"),
    ("ftp://example.com/x", "scheme 'ftp'"),
    ("file:///etc/passwd", "scheme 'file'"),
    ("http://", "has no host"),
    ("changelog", "has no domain"),
    ("http://exa mple.com", "spaces"),
    ("https://user:pw@example.com", "user name or password"),
    ("https://" + "a" * 3000 + ".com", "too long"),
    ("https://example.com:99999/", "not a valid URL"),
])
def test_normalize_url_rejects(raw, problem):
    with pytest.raises(ValidationError) as exc:
        v.normalize_url(raw, "promo_url")
    assert str(exc.value).startswith("promo_url: ")
    assert problem in str(exc.value)


@given(st.text(max_size=200))
def test_normalize_url_never_crashes(raw):
    try:
        out = v.normalize_url(raw)
    except ValidationError as exc:
        assert "\n" not in str(exc)
    else:
        assert out is None or out.startswith(("http://", "https://"))


@pytest.mark.parametrize(("raw", "ok"), [("2019-10", True), ("2019-13", False), ("2019-1", False),
                                         ("19-10", False), ("october", False), ("", False)])
def test_parse_month(raw, ok):
    if ok:
        assert v.parse_month(raw) == raw
    else:
        with pytest.raises(ValidationError, match=r"^month: .*not a month \(YYYY-MM\)"):
            v.parse_month(raw)


def test_month_bounds():
    assert v.month_bounds("2019-02") == ("2019-02-01", "2019-02-28")
    assert v.month_bounds("2020-02") == ("2020-02-01", "2020-02-29")
    assert v.month_bounds("2019-12") == ("2019-12-01", "2019-12-31")


@pytest.mark.parametrize("raw", ["0", "-3", "1.5", "abc", "", None, True])
def test_positive_int_rejects(raw):
    with pytest.raises(ValidationError, match="^episode: "):
        v.positive_int(raw, "episode")


@given(st.integers(min_value=1, max_value=10**6))
def test_positive_int_accepts(n):
    assert v.positive_int(str(n), "episode", maximum=10**6) == n


def test_text_limits_and_choice():
    with pytest.raises(ValidationError, match="too long"):
        v.text("x" * 300, "name", max_len=200)
    with pytest.raises(ValidationError, match="NUL"):
        v.text("a\x00b", "notes")
    assert v.choice("MID", "placement", v.PLACEMENTS) == "mid"
    with pytest.raises(ValidationError, match="'middle' is not one of pre, mid, post"):
        v.choice("middle", "placement", v.PLACEMENTS)


@pytest.mark.parametrize(("raw", "secs"), [("90", 90), ("1:30", 90), ("01:02:03", 3723), ("", None)])
def test_parse_duration(raw, secs):
    assert v.parse_duration(raw, "start") == secs


@given(st.integers(min_value=0, max_value=86_400))
def test_duration_round_trip(secs):
    assert v.parse_duration(v.format_duration(secs), "start") == secs


def test_domains():
    assert v.parse_domains("https://www.DigitalOcean.com/x, do.co do.co") == ["digitalocean.com", "do.co"]
    with pytest.raises(ValidationError, match="^domains: "):
        v.parse_domains("localhost")


def test_domains_of_another_type_are_one_line_not_a_traceback():
    assert v.parse_domains(["do.co", "fastly.com"]) == ["do.co", "fastly.com"]
    with pytest.raises(ValidationError, match="^domains: must be domains separated by commas$"):
        v.parse_domains(5)  # was a bare TypeError from list(5)


@pytest.mark.parametrize("raw", ["-5", " -3 ", "-0012"])
def test_a_negative_count_is_called_negative_not_a_non_whole_number(raw):
    """'-5' is a whole number: the message names what is wrong with it (terms days, downloads, impressions)."""
    with pytest.raises(ValidationError, match=rf"^downloads: must not be negative, not '{raw.strip()}'$"):
        v.non_negative_int(raw, "downloads")
    with pytest.raises(ValidationError, match=r"^downloads: must be a whole number, not '1.5'$"):
        v.non_negative_int("1.5", "downloads")
