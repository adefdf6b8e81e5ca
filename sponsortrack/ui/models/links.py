"""Table models of the Links page: promo URLs with their latest verdict, and one URL's redirect chain."""

from __future__ import annotations

import http
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from sponsortrack.linkcheck.model import FINE_VERDICTS, VERDICT_LABELS, VERDICT_MEANINGS
from sponsortrack.store.links import LinkCheck
from sponsortrack.ui.models import OBJECT_ROLE, SORT_ROLE

Index = QModelIndex | QPersistentModelIndex
VERDICT_ROLE = Qt.ItemDataRole.UserRole + 10  # the raw verdict ("" when never checked)

#: badge colours (background, text) per verdict; "" is "not checked yet"
BADGE_COLOURS: dict[str, tuple[str, str]] = {
    "ok": ("#2e7d32", "#ffffff"),
    "redirected": ("#558b2f", "#ffffff"),
    "broken": ("#c62828", "#ffffff"),
    "timeout": ("#ef6c00", "#ffffff"),
    "connection_error": ("#ad1457", "#ffffff"),
    "tls_error": ("#6a1b9a", "#ffffff"),
    "redirect_loop": ("#d84315", "#ffffff"),
    "too_many_redirects": ("#d84315", "#ffffff"),
    "wrong_destination": ("#b71c1c", "#ffffff"),
    "code_lost": ("#f9a825", "#202020"),
    "invalid_url": ("#424242", "#ffffff"),
    "invalid_redirect": ("#4e342e", "#ffffff"),
    "suspect": ("#f9a825", "#202020"),
    "rate_limited": ("#78909c", "#ffffff"),
    "blocked_by_bot_protection": ("#78909c", "#ffffff"),
    "unchecked": ("#cfd8dc", "#37474f"),
    "": ("#cfd8dc", "#37474f"),
}
# problems first when sorting by verdict, then the fine ones, then never checked
_SEVERITY = {"wrong_destination": 0, "broken": 1, "code_lost": 2, "connection_error": 3, "tls_error": 4,
             "redirect_loop": 5, "too_many_redirects": 6, "timeout": 7, "invalid_url": 8, "invalid_redirect": 9,
             "suspect": 10, "rate_limited": 15, "blocked_by_bot_protection": 16, "redirected": 20,
             "ok": 21, "": 30}


def badge_label(verdict: str | None) -> str:
    return VERDICT_LABELS.get(verdict or "", "Not checked")


def badge_colours(verdict: str | None) -> tuple[QColor, QColor]:
    bg, fg = BADGE_COLOURS.get(verdict or "", BADGE_COLOURS[""])
    return QColor(bg), QColor(fg)


def status_text(status: int | None) -> str:
    if status is None:
        return "—"
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


@dataclass
class LinkRow:
    url: str
    sponsor_name: str = ""
    reads: int = 0
    last_aired: str | None = None
    campaign_end: str | None = None
    check: LinkCheck | None = None
    checking: bool = False

    @property
    def verdict(self) -> str:
        return self.check.verdict if self.check else ""

    @property
    def fine(self) -> bool:
        return self.verdict in FINE_VERDICTS


class RowsModel(QAbstractTableModel):
    """A table over a list of rows with fixed column titles (``HEADERS``): the counting and the header
    the links page's three tables share. Subclasses give ``data``."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, index: Index) -> Any:
        """The row behind a valid index of this model, else None."""
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        return self.rows[index.row()]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None


class LinksModel(RowsModel):
    """One row per promo URL. The verdict column is a badge: colour (background) and text."""

    VERDICT, STATUS, URL, SPONSOR, READS, LAST_AIRED, CHECKED, EXPLANATION = range(8)
    HEADERS = ("Verdict", "Status", "Promo URL", "Sponsor", "Reads", "Last aired", "Checked", "What happened")

    rows: list[LinkRow]

    def row_of(self, url: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r.url == url), -1)

    def badge(self, row: int) -> tuple[str, QColor, QColor]:
        """The verdict badge of ``row`` for its delegate (label, background, text colour), read from the rows:
        the delegate runs per cell and paint, and must not ask ``index.data()`` (see ui.refguard)."""
        r = self.rows[row]
        return ("Checking…" if r.checking else badge_label(r.verdict), *badge_colours(r.verdict))

    def set_checking(self, urls: set[str], on: bool) -> None:
        for i, r in enumerate(self.rows):
            if r.url in urls and r.checking != on:
                r.checking = on
                self.dataChanged.emit(self.index(i, 0), self.index(i, 0))

    # -- Qt -------------------------------------------------------------------------------------
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        row = self.row_at(index)
        if row is None:
            return None
        col = index.column()
        chk = row.check
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, col)
        if role == SORT_ROLE:
            return self._raw(row, col)
        if role == VERDICT_ROLE:
            return row.verdict
        if role == OBJECT_ROLE:
            return row
        if col == self.VERDICT:
            if role == Qt.ItemDataRole.BackgroundRole:
                return badge_colours(row.verdict)[0]
            if role == Qt.ItemDataRole.ForegroundRole:
                return badge_colours(row.verdict)[1]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignCenter)
            if role == Qt.ItemDataRole.ToolTipRole:
                return VERDICT_MEANINGS.get(row.verdict, "this link has not been checked yet")
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.READS,):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col in (self.URL, self.EXPLANATION) and chk is not None:
            return f"{row.url}\n{chk.explanation or ''}"
        return None

    def _text(self, row: LinkRow, col: int) -> str:
        chk = row.check
        if col == self.VERDICT:
            return "Checking…" if row.checking else badge_label(row.verdict)
        if col == self.STATUS:
            return status_text(chk.status_code) if chk else ""
        if col == self.URL:
            return row.url
        if col == self.SPONSOR:
            return row.sponsor_name
        if col == self.READS:
            return str(row.reads)
        if col == self.LAST_AIRED:
            return row.last_aired or ""
        if col == self.CHECKED:
            return chk.checked_at[:16].replace("T", " ") if chk else "never"
        if col == self.EXPLANATION:
            return (chk.explanation or "") if chk else ""
        return ""

    def _raw(self, row: LinkRow, col: int):
        chk = row.check
        if col == self.VERDICT:
            return _SEVERITY.get(row.verdict, 10)
        if col == self.STATUS:
            return chk.status_code or 0 if chk else -1
        if col == self.READS:
            return row.reads
        if col == self.CHECKED:
            return chk.checked_at if chk else ""
        return self._text(row, col).casefold()


class LinksProxy(QSortFilterProxyModel):
    """Sorts by raw values; ``problems_only`` hides links whose latest check is fine."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.problems_only = False

    def set_problems_only(self, on: bool) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+
            self.beginFilterChange()
            self.problems_only = on
            self.endFilterChange()
        else:  # pragma: no cover - older Qt
            self.problems_only = on
            self.invalidateFilter()

    def links(self) -> LinksModel:
        return cast(LinksModel, self.sourceModel())

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self.problems_only:
            return True
        verdict = self.links().rows[source_row].verdict
        return bool(verdict) and verdict not in FINE_VERDICTS

    def row_at(self, row: int) -> LinkRow:
        """The source row behind the proxy's ``row``."""
        return self.links().rows[self.mapToSource(self.index(row, 0)).row()]

    def badge(self, row: int) -> tuple[str, QColor, QColor]:
        return self.links().badge(self.mapToSource(self.index(row, 0)).row())


class ChainModel(RowsModel):
    """The hops of one check: number, status, URL."""

    HEADERS = ("#", "Status", "URL")
    rows: list[tuple[str, int | None]]

    def set_chain(self, chain: list[tuple[str, int | None]]) -> None:
        self.set_rows(chain)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        hop = self.row_at(index)
        if hop is None:
            return None
        url, status = hop
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(index.row() + 1), status_text(status) if status is not None else "no answer", url)[col]
        if role == Qt.ItemDataRole.ToolTipRole and col == 2:
            return url
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            if status is None or status >= 400:
                return QColor("#c62828")
            if 300 <= status < 400:
                return QColor("#1565c0")
            return QColor("#2e7d32")
        return None


class EpisodesToFixModel(RowsModel):
    """Old episodes whose promo link is broken or whose campaign has ended (``EpisodeLink`` rows)."""

    HEADERS = ("Aired", "Show", "Episode", "Title", "Sponsor", "Why", "Promo URL")
    REASONS: ClassVar[dict[str, str]] = {"broken": "link fails", "campaign_ended": "campaign ended"}

    def set_items(self, items: list) -> None:
        self.set_rows(items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        e = self.row_at(index)
        if e is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            why = self.REASONS.get(e.reason, e.reason)
            if e.reason == "broken" and e.verdict:
                why = f"{why}: {badge_label(e.verdict).lower()}"
            elif e.campaign_end:
                why = f"{why} {e.campaign_end}"
            return (e.air_date or "", e.show_name, e.episode_code,
                    e.episode_title, e.sponsor_name, why, e.url)[col]
        if role == Qt.ItemDataRole.ForegroundRole and col == 5 and e.reason == "broken":
            return QColor("#c62828")
        if role == Qt.ItemDataRole.ToolTipRole and col in (5, 6):
            return e.explanation or e.url
        if role == OBJECT_ROLE:
            return e
        return None
