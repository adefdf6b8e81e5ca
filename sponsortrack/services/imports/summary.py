"""What an import's preview and its result say, in words (the wizard renders them; the words are the same
for every face). A preview summary is a list of ``(text, strong)`` pieces: the face decides how to stress
the strong ones and escapes every piece."""

from __future__ import annotations

from typing import Any

from sponsortrack.wording import count, count_of, plural

Pieces = list[tuple[str, bool]]
TABLE_KINDS = ("reads", "campaigns", "downloads")


def preview_summary(kind: str, result: Any) -> Pieces:
    """The preview's summary of ``result`` (a dry run of the ``kind`` of import)."""
    if kind in TABLE_KINDS:
        return _table_preview(result)
    if kind == "rss":
        return _feed_preview(result)
    names = ", ".join(p.name for p in result.sponsors) or "none"
    if result.episode_label:
        return [(f"Sponsors found: {names}. {count(len(result.proposed), 'read')} to log on "
                 f"{result.episode_label}.", False)]
    return [(f"Sponsors found: {names}. Choose a show and an episode on the previous page to log them.", False)]


def _table_preview(result: Any) -> Pieces:
    what = ", ".join(count_of(n, k) for k, n in result.created.items())
    if result.problems:
        return [(count(len(result.problems), "problem"), True),
                (f" in {count(result.rows, 'row')} (listed below). Fix the file or the mapping, then check again. "
                 "Nothing is imported while any row has a problem.", False)]
    skipped = (f" {count(result.skipped, 'row')} {plural(result.skipped, 'is')} already in the database and "
               "will be skipped.") if result.skipped else ""
    new = "".join(f" New {what_}: {', '.join(names)}." for what_, names in (
        ("shows", getattr(result, "new_shows", [])), ("sponsors", getattr(result, "new_sponsors", []))) if names)
    every = "The" if result.rows == 1 else "All"
    return [(f"{every} {count(result.rows, 'row')} {plural(result.rows, 'is')} fine: importing adds {what}."
             f"{skipped}{new} Encoding: {result.encoding}.", False)]


def _feed_preview(result: Any) -> Pieces:
    if result.problems and not (result.added or result.changed or result.unchanged):
        return [(count(len(result.problems), "problem"), True), (" in the feed (below) and no item that can be "
                                                                  "imported.", False)]
    verb = "a new show" if result.show_created else "the existing show"
    head: Pieces = [(result.show_name, True),
                    (f" ({verb}): {count(len(result.added), 'episode')} to add, {len(result.changed)} to update, "
                     f"{result.unchanged:,} unchanged. ", False)]
    found = (f"{count(len(result.proposed), 'sponsor read')} found in the show notes: untick any you do not want "
             "logged.", False)
    if not result.problems:
        return [*head, found]
    bad = f"{count(result.skipped, 'item')} {plural(result.skipped, 'has')} problems"
    return [*head, (bad, True), (f" (below) and {'is' if result.skipped == 1 else 'are'} left out. ", False), found]


def result_summary(kind: str, result: Any) -> str:
    """What the import wrote."""
    if kind == "rss":
        made = f" New sponsors: {', '.join(result.sponsors_created)}." if result.sponsors_created else ""
        return (f"{result.show_name}: {count(len(result.added), 'episode')} added, {len(result.changed)} updated, "
                f"{result.unchanged} unchanged; {count(result.reads_created, 'read')} logged from the show "
                f"notes.{made}")
    if kind == "shownotes":
        return f"{count(result.reads_created, 'read')} logged on {result.episode_label or ''}."
    what = ", ".join(count_of(n, k) for k, n in result.created.items())
    msg = f"Imported {count(result.rows, 'row')}: {what}."
    if result.skipped:
        msg += f" {count(result.skipped, 'row')} {plural(result.skipped, 'was')} already there."
    return msg
