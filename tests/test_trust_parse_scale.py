"""Issue 9 item 9: parsing is linear in the input. Work is counted deterministically (Python line
events inside the parser, via sys.settrace), never timed: doubling the input must roughly double it."""

from __future__ import annotations

import sys

import pytest

from sponsortrack.errors import ValidationError
from sponsortrack.importers import shownotes, tabular


def line_events(fn, *args) -> int:
    """How many lines of sponsortrack code run for ``fn(*args)``: a deterministic measure of work."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def global_(frame, event, arg):
        return local if "sponsortrack" in frame.f_code.co_filename else None

    old = sys.gettrace()
    sys.settrace(global_)
    try:
        fn(*args)
    finally:
        sys.settrace(old)
    return count


def chapter_line(i: int, title: str, seconds: int | None = None) -> str:
    s = i if seconds is None else seconds
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d} {title}"


PATHOLOGICAL = {
    # the case: one paragraph of the same sentence, each a hit in its own sentence
    "repeated sentence": lambda k: "Sponsored by Foo Bar. " * k,
    # sponsors in sentences, each with its own link, in one paragraph
    "sentences with links": lambda k: " ".join(f"Sponsored by [Foo{i} Labs](https://foo{i}.example). "
                                               for i in range(k)),
    # sponsor chapters of distinct names (each matched against all found so far)
    "sponsor chapters": lambda k: "\n".join(chapter_line(i, f"Sponsor: Brand{i}") for i in range(k)),
    # chapters whose starts never increase (the length search looked at every later chapter)
    "chapters at one time": lambda k: "\n".join(chapter_line(i, f"Sponsor: Brand{i}", 5) for i in range(k)),
    # a Sponsors section of one sponsor repeated, each bullet a new blurb to merge
    "section of one sponsor": lambda k: "Sponsors:\n" + "\n".join(f"- Foo – get {i}% off at foo.com/p{i}"
                                                                 for i in range(k)),
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_show_notes_parsing_work_grows_linearly(name):
    make = PATHOLOGICAL[name]
    small = line_events(shownotes.parse_show_notes, make(300))
    large = line_events(shownotes.parse_show_notes, make(1200))
    assert large / small < 4 * 1.25, f"{name}: 4x the input took {large / small:.1f}x the work"


def test_text_gathered_for_one_sponsor_is_bounded():
    """Each merge re-searched and re-copied the whole gathered text: bounded, it stays linear."""
    found = shownotes.parse_show_notes(PATHOLOGICAL["section of one sponsor"](20_000))
    assert [f.name for f in found] == ["Foo"]
    assert len(found[0].blurb) <= shownotes.MAX_BLURB + 100
    assert found[0].promo_url == "https://foo.com/p0"


def test_a_megabyte_of_show_notes_still_parses():
    text = "Sponsored by Foo Bar. " * 45_000 + "\n" + "\n".join(chapter_line(i, "Sponsor: Acme") for i in range(52_000))
    assert len(text) > 1_000_000
    found = shownotes.parse_show_notes(text)
    assert found and found[0].name == "Foo Bar"  # (past MAX_INPUT characters the notes are not read)


def test_map_columns_work_grows_linearly():
    def header(n):
        return ["show", "episode", "sponsor"] + [f"extra {i}" for i in range(n)]
    small = line_events(tabular.map_columns, tabular.READS, header(1000))
    large = line_events(tabular.map_columns, tabular.READS, header(4000))
    assert large / small < 4 * 1.25


@pytest.mark.parametrize("width", [100_000, 1_000_000])
def test_absurd_header_widths_are_refused_with_a_clear_message(width):
    data = (",".join(["show", "episode", "sponsor"] + ["x"] * (width - 3)) + "\nA,1,B\n").encode()
    with pytest.raises(ValidationError) as exc:
        tabular.read_table(data)
    assert str(exc.value) == f"file: row 1: the header has {width:,} columns; at most 10,000 can be imported"
    with pytest.raises(ValidationError, match="at most 10,000 can be imported"):
        tabular.map_columns(tabular.READS, ["x"] * width)


def test_a_wide_header_still_maps_and_reports_duplicates_and_missing_briefly():
    headers = ["Show", "Episode", "Sponsor"] + [f"c{i % 100}" for i in range(9_000)]
    cmap = tabular.map_columns(tabular.READS, headers)
    assert cmap.fields == {"show": 0, "episode": 1, "sponsor": 2}
    with pytest.raises(ValidationError, match="column 'show' appears more than once"):
        tabular.map_columns(tabular.READS, [*headers, "show"])
    with pytest.raises(ValidationError) as exc:
        tabular.map_columns(tabular.READS, headers[1:])
    assert "missing Show" in str(exc.value) and "(8,972 more)" in str(exc.value) and len(str(exc.value)) < 400
