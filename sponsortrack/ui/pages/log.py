"""Log: the reads of a recorded episode in a few keystrokes.

Opens on a new episode of the show last used (next number, today's date or the next date in the
show's cadence, the title focused: ``log_form``); the campaigns running on that date are listed, ticked,
with their placement, promo URL and code, and Tab lands on the first proposal's promo URL (the table and
its keys: ``log_table``). Ctrl+S (or Ctrl+Enter) saves every ticked read in one transaction; a ticked
read at a spot its sponsor already has on the episode is named before saving. A number the show already
has offers "Open #N" instead.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sponsortrack import validation as v
from sponsortrack.errors import SponsortrackError, ValidationError
from sponsortrack.services import campaigns as camp
from sponsortrack.services import catalog as cat
from sponsortrack.services import reads as rsvc
from sponsortrack.services.reads import ProposedRead
from sponsortrack.ui import context as c
from sponsortrack.ui import operations as ops
from sponsortrack.ui.models import proposals as pm
from sponsortrack.ui.pages.base import ColumnFitter
from sponsortrack.ui.pages.log_form import EpisodeForm, today
from sponsortrack.ui.pages.log_table import PromoDelegate, ProposalsView, logged_html, same_spot_warning
from sponsortrack.ui.refguard import keeps_refs
from sponsortrack.ui.theme import set_role
from sponsortrack.ui.widgets.panels import Banner
from sponsortrack.wording import count

FIELD_WORDS = {"promo_url": "promo URL", "promo_code": "promo code", "read_type": "read type",
               "start_seconds": "start", "length_seconds": "length", "price_override": "price override"}


class LogPage(QWidget):
    WATCHES = frozenset({c.SHOWS, c.EPISODES, c.SPONSORS, c.CAMPAIGNS, c.READS})

    def __init__(self, ctx: c.AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.episode_id: int | None = None   # None: a new episode
        self._season: int | None = None      # the season a new episode goes into (the show's latest)
        self._episode_index: dict[str, int] = {}
        self._sponsors: dict[str, int] = {}

        title = QLabel("Log reads")
        set_role(title, "h1")
        self.show_box = QComboBox()
        self.show_box.setObjectName("log_show")
        self.show_box.setMinimumWidth(200)
        self.finder = QLineEdit()
        self.finder.setObjectName("log_finder")
        self.finder.setPlaceholderText("Open an existing episode: type its number or title…")
        self.finder_model = QStringListModel(self)
        comp = QCompleter(self.finder_model, self)
        comp.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        comp.setFilterMode(Qt.MatchFlag.MatchContains)
        comp.setMaxVisibleItems(12)
        self.finder.setCompleter(comp)
        comp.activated.connect(self._open_from_finder)
        self.finder.returnPressed.connect(lambda: self._open_from_finder(self.finder.text()))
        self.new_button = QPushButton("New episode")
        self.new_button.clicked.connect(self.new_episode)
        row1 = QHBoxLayout()
        row1.addWidget(QLabel("Show"))
        row1.addWidget(self.show_box)
        row1.addSpacing(12)
        row1.addWidget(self.finder, 1)
        row1.addWidget(self.new_button)

        self.mode_label = QLabel()
        set_role(self.mode_label, "h2")
        self.episode_form = EpisodeForm()
        f = self.episode_form
        self.number, self.date, self.date_hint, self.title, self.title_error = (
            f.number, f.date, f.date_hint, f.title, f.title_error)
        self.exists_label, self.exists_button = f.exists_label, f.exists_button
        self.number.valueChanged.connect(self._check_number)
        self.exists_button.clicked.connect(self._open_existing)
        self._existing_id: int | None = None
        self.episode_info = QLabel()
        self.episode_info.setWordWrap(True)

        self.model = pm.ProposalsModel(self)
        self.view = ProposalsView()
        self.view.setObjectName("log_proposals")
        self.view.setModel(self.model)
        self.promo_delegate = PromoDelegate(self.view)
        for col in (pm.PROMO_URL, pm.PROMO_CODE):
            self.view.setItemDelegateForColumn(col, self.promo_delegate)
        hh = self.view.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # the campaign's name takes the room left and elides: at 200 % (960 px) the sponsor and the tick
        # stay in view beside the promo URL the cursor starts on, instead of scrolling out to the left
        widths = {pm.CHECK: 44, pm.SPONSOR: 150, pm.PLACEMENT: 80, pm.READ_TYPE: 70, pm.PROMO_URL: 220,
                  pm.PROMO_CODE: 100}
        for col, w in widths.items():
            self.view.setColumnWidth(col, w)
        self.fitter = ColumnFitter(self.view, pm.CAMPAIGN, (), widths)
        self.model.modelReset.connect(self._update_save_label)
        self.model.dataChanged.connect(self._update_save_label)
        self.model.rowsInserted.connect(self._update_save_label)
        self.model.rowsRemoved.connect(self._update_save_label)

        self.add_sponsor = QLineEdit()
        self.add_sponsor.setObjectName("log_add_sponsor")
        self.add_sponsor.setPlaceholderText("Add another sponsor (type a name, Enter)")
        self.sponsor_model = QStringListModel(self)
        sc = QCompleter(self.sponsor_model, self)
        sc.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        sc.setFilterMode(Qt.MatchFlag.MatchContains)
        self.add_sponsor.setCompleter(sc)
        self.add_sponsor.returnPressed.connect(self._add_sponsor)
        self.empty_hint = QLabel()
        self.empty_hint.setObjectName("log_empty_hint")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.hide()
        self.keys_hint = QLabel("Space tick/untick · P/M/B pre/mid/post · T host/produced · F2/Enter edit URL or "
                                "code · Del remove · Ctrl+S save all")
        self.keys_hint.setWordWrap(True)
        set_role(self.keys_hint, "muted")
        self.spot_warning = Banner()  # before saving: a ticked read at a spot the sponsor already has
        self.spot_warning.setObjectName("log_spot_warning")
        self.spot_warning.setWordWrap(True)
        self.spot_warning.hide()
        self.error = QLabel()
        self.error.setObjectName("log_error")
        set_role(self.error, "error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.save_button = QPushButton("Save")
        self.save_button.setObjectName("log_save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.chapters_button = QPushButton("Read chapters from the episode file…")
        self.chapters_button.setObjectName("log_chapters")
        self.chapters_button.setToolTip("Sponsor chapters of the episode's MP3/M4A, its chapters JSON or its feed "
                                        "become proposals here, with start and length; nothing is saved until you save")
        self.chapters_button.clicked.connect(lambda: self.read_chapters())
        actions = QHBoxLayout()
        actions.addWidget(self.add_sponsor, 1)
        actions.addWidget(self.chapters_button)
        actions.addWidget(self.save_button)

        self.logged_label = QLabel()
        set_role(self.logged_label, "h2")
        self.logged = QLabel()
        self.logged.setWordWrap(True)
        self.logged.setTextFormat(Qt.TextFormat.RichText)

        lay = QVBoxLayout(self)
        lay.addWidget(title)
        lay.addLayout(row1)
        lay.addWidget(self.mode_label)
        lay.addWidget(self.episode_form)
        lay.addWidget(self.episode_info)
        lay.addWidget(self.empty_hint)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.keys_hint)
        lay.addWidget(self.spot_warning)
        lay.addLayout(actions)
        lay.addWidget(self.error)
        lay.addWidget(self.logged_label)
        lay.addWidget(self.logged)

        self.setTabOrder(self.title, self.view)
        self.setTabOrder(self.view, self.add_sponsor)
        self.setTabOrder(self.add_sponsor, self.save_button)
        self.show_box.currentIndexChanged.connect(self._show_changed)
        self.date.editingFinished.connect(self._date_changed)
        self._loading = False
        self._started = False

    # -- lists -------------------------------------------------------------------------------------
    def _fill_lists(self) -> None:
        store = self.ctx.store
        keep = self.show_box.currentData()
        self._loading = True
        self.show_box.blockSignals(True)
        self.show_box.clear()
        for s in cat.list_shows(store):
            self.show_box.addItem(s.name, s.id)
        if keep is None:
            keep = self.ctx.config.last_show_id() or cat.last_used_show_id(store)
        i = self.show_box.findData(keep)
        self.show_box.setCurrentIndex(max(i, 0))
        self.show_box.blockSignals(False)
        self._loading = False
        self._sponsors = {s.name: s.id for s in cat.list_sponsors(store)}
        self.sponsor_model.setStringList(sorted(self._sponsors, key=str.casefold))
        self._fill_finder()

    def _fill_finder(self) -> None:
        show_id = self.show_box.currentData()
        self._episode_index = {}
        if show_id is not None:
            for e in cat.list_episodes(self.ctx.store, show_id, limit=2000):
                self._episode_index[e.label] = e.id
        self.finder_model.setStringList(list(self._episode_index))

    def refresh(self) -> None:
        self._fill_lists()
        if not self._started:
            self._started = True
            self.new_episode()
            return
        if self.episode_id is not None and cat.find_episode(self.ctx.store, self.episode_id) is None:
            self.new_episode()
        elif self.episode_id is None:
            self.number.setValue(self._next_number())
            self._check_number(self.number.value())
            if not self.model.dirty:
                self._load_proposals()
        else:
            if not self.model.dirty:
                self._load_proposals()
            self._show_logged()

    # -- modes -------------------------------------------------------------------------------------
    def _next_number(self) -> int:
        """The next number in the season the show is in (a show with seasons goes on in its latest one)."""
        show_id = self.show_box.currentData()
        self._season = cat.latest_season(self.ctx.store, show_id) if show_id is not None else None
        return cat.next_episode_number(self.ctx.store, show_id, self._season) if show_id is not None else 1

    def new_episode(self) -> None:
        """A blank new episode of the current show: next number, today, title focused."""
        if self.show_box.count() == 0:
            self._fill_lists()
        self.episode_id = None
        self.error.hide()
        self.title_error.hide()
        self.episode_form.show()
        self.episode_info.hide()
        self.number.setValue(self._next_number())
        show_id = self.show_box.currentData()
        self._check_number(self.number.value())
        self.episode_form.set_date(cat.proposed_recording_date(self.ctx.store, show_id) if show_id is not None
                                   else today())
        self.title.clear()
        self.finder.clear()
        show = self.show_box.currentText()
        in_season = f", season {self._season}" if self._season is not None else ""
        self.mode_label.setText(f"New episode of {show}{in_season}" if show else "Add a show first (Episodes page)")
        self._load_proposals()
        self._show_logged()
        self.title.setFocus()

    def open_episode(self, episode_id: int) -> None:
        ep = cat.get_episode(self.ctx.store, episode_id)
        self.episode_id = ep.id
        i = self.show_box.findData(ep.show_id)
        if i >= 0 and i != self.show_box.currentIndex():
            self._loading = True
            self.show_box.setCurrentIndex(i)
            self._loading = False
            self._fill_finder()
        self.error.hide()
        self.episode_form.hide()
        self.episode_info.show()
        self.mode_label.setText(f"{ep.show_name} {ep.label}")
        self.episode_info.setText(f"Air date {ep.air_date or '— not set —'} · {count(ep.read_count, 'read')} logged")
        self._load_proposals()
        self._show_logged()
        self.view.setFocus()

    def _open_from_finder(self, text: str) -> None:
        text = text.strip()
        eid = self._episode_index.get(text)
        if eid is None and self.show_box.currentData() is not None:
            try:  # "62", "#62", "S2E5" / "S2 E5"
                eid = cat.resolve_episode(self.ctx.store, self.show_box.currentData(), text).id
            except SponsortrackError:
                eid = None
        if eid is None:
            matches = [i for label, i in self._episode_index.items() if text.casefold() in label.casefold()]
            eid = matches[0] if len(matches) == 1 else None
        if eid is None:
            self.ctx.message.emit(f"No episode of {self.show_box.currentText()} matches “{text}”.")
            return
        self.open_episode(eid)

    def _show_changed(self, _i: int) -> None:
        if self._loading:
            return
        if self.show_box.currentData() is not None:
            self.ctx.config.set_last_show_id(self.show_box.currentData())
        self._fill_finder()
        self.new_episode()

    def _date_changed(self) -> None:
        if self.episode_form.date_finished() and self.episode_id is None:
            self._load_proposals(keep_added=True)

    def air_date(self) -> str:
        """The typed date as ``YYYY-MM-DD`` (the last good one while the text is not a date)."""
        return self.episode_form.air_date()

    @keeps_refs
    def _check_number(self, number: int) -> None:
        """A number the show already has: offer to open that episode instead of an error on save."""
        show_id = self.show_box.currentData()
        ep = cat.episode_numbered(self.ctx.store, show_id, number, self._season) \
            if show_id is not None and self.episode_id is None else None
        self._existing_id = ep.id if ep else None
        if ep is None:
            self.exists_label.hide()
            self.exists_button.hide()
            return
        self.exists_label.setText(f"{self.show_box.currentText()} already has {ep.code}")
        self.exists_button.setText(f"Open {ep.code}")
        self.exists_label.show()
        self.exists_button.show()

    def _open_existing(self) -> None:
        if self._existing_id is not None:
            self.open_episode(self._existing_id)

    def _load_proposals(self, keep_added: bool = False) -> None:
        store = self.ctx.store
        added = [p for p in self.model.items if p.campaign_id is None] if keep_added else []
        show_id = self.show_box.currentData()
        if self.episode_id is not None:
            items = rsvc.proposals_for_episode(store, self.episode_id)
        elif show_id is not None:
            items = rsvc.proposals_for_date(store, show_id, self.air_date())
        else:
            items = []
        self.model.set_items(items + added)
        if self.model.rowCount():
            self.view.set_row(0)
            self.empty_hint.hide()
        else:
            self.empty_hint.setText(self._why_nothing_proposed())
            self.empty_hint.show()

    def _why_nothing_proposed(self) -> str:
        add = "add the sponsors you read below (type a name, Enter)."
        if self.episode_id is None:
            return f"No campaign is running on {self.air_date()} for this show — {add}"
        ep = cat.get_episode(self.ctx.store, self.episode_id)
        if not ep.air_date:
            return f"This episode has no date, so no campaign is proposed — {add}"
        if camp.active_campaigns(self.ctx.store, ep.air_date, ep.show_id):
            return ("Every campaign running on this episode's date is logged (above). To log another read, "
                    "type a sponsor's name below and press Enter.")
        return f"No campaign is running on {ep.air_date} for this show — {add}"

    def _show_logged(self) -> None:
        if self.episode_id is None:
            self.logged_label.hide()
            self.logged.hide()
            return
        rows = rsvc.reads_for_episode(self.ctx.store, self.episode_id)
        self.logged_label.setText(f"Already logged on this episode ({len(rows)})")
        self.logged.setText(logged_html(rows))
        self.logged_label.show()
        self.logged.show()

    def _update_save_label(self, *_args) -> None:
        n = len(self.model.selected())
        self.save_button.setText(f"Save {n} read{'s' if n != 1 else ''}  (Ctrl+S)")
        self.save_button.setEnabled(n > 0)
        self._warn_same_spot()

    def _warn_same_spot(self) -> None:
        text = same_spot_warning(self.ctx.store, self.episode_id, self.model.selected())
        self.spot_warning.setText(text)
        self.spot_warning.setVisible(bool(text))

    # -- adding a sponsor ---------------------------------------------------------------------------
    def _add_sponsor(self) -> None:
        name = self.add_sponsor.text().strip()
        if not name:
            return
        date = self.air_date()
        show_id = self.show_box.currentData()
        try:
            if self.episode_id is not None:
                ep = cat.get_episode(self.ctx.store, self.episode_id)
                date, show_id = ep.air_date or date, ep.show_id
            item = rsvc.propose_sponsor(self.ctx.store, name, show_id=show_id, on=date)
        except SponsortrackError as exc:
            self._show_error(str(exc))
            return
        row = self.model.add(item)
        self.view.set_row(row)
        self.add_sponsor.clear()
        self.error.hide()

    def read_chapters(self, path: str | None = None) -> None:
        """Read chapters from the episode file…: its sponsor chapters join the table, ticked, timed, unsaved."""
        from sponsortrack.services import chapters as chs

        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, "Read chapters from the episode file", self.ctx.config.last_folder("chapters", ""),
                "Episode audio or chapters (*.mp3 *.m4a *.m4b *.mp4 *.json *.xml *.rss);;All files (*)")
            if not path:
                return
        show_id, date = self.show_box.currentData(), self.air_date()
        if self.episode_id is not None:
            ep = cat.get_episode(self.ctx.store, self.episode_id)
            show_id, date = ep.show_id, ep.air_date or date
        try:
            if show_id is None:
                raise ValidationError("show", "is required (add a show on the Episodes page)")
            items, left_out = chs.proposals_for_log(self.ctx.store, path, show_id=show_id, air_date=date,
                                                    episode_id=self.episode_id, number=self.number.value())
        except SponsortrackError as exc:
            self._show_error(str(exc))
            return
        self.ctx.config.set_last_folder("chapters", str(Path(path).parent))
        rows = [self.model.merge(p) for p in items]
        if rows:
            self.view.set_row(rows[0])
            self.empty_hint.hide()
        self.error.hide()
        if left_out:
            self._show_error("Not proposed: " + "; ".join(left_out))
        self.ctx.message.emit(f"{len(items)} read{'s' if len(items) != 1 else ''} proposed from the chapters of "
                              f"{Path(path).name}; check them and save.")

    # -- saving ------------------------------------------------------------------------------------
    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def save(self) -> None:
        self.error.hide()
        self.title_error.hide()
        picked = self.model.selected()
        if not picked:
            self._show_error("Tick at least one read to log (Space in the table).")
            return
        reads = [p.as_values() for p in picked]
        show_id = self.show_box.currentData()
        try:
            if self.episode_id is None:
                if show_id is None:
                    raise ValidationError("show", "is required (add a show on the Episodes page)")
                if self._existing_id is not None:
                    code = cat.episode_code(self.number.value(), self._season)
                    self.title_error.setText(f"number: {self.show_box.currentText()} already has {code} — open it "
                                             "with the button above, or change the number")
                    self.title_error.show()
                    self.exists_button.setFocus()
                    return
                new = {"show": show_id, "number": self.number.value(), "title": self.title.text(),
                       "recorded_on": v.parse_day(self.date.text(), "recorded_on")}
                if self._season is not None:
                    new["season"] = self._season
                cmd = ops.log_reads(self.ctx, reads, new_episode=new)
            else:
                cmd = ops.log_reads(self.ctx, reads, episode_id=self.episode_id)
        except ValidationError as exc:
            field = exc.field
            if field in ("title", "number", "recorded_on"):
                self.title_error.setText(f"{field.replace('_', ' ')}: {exc.problem}")
                self.title_error.show()
                {"title": self.title, "number": self.number, "recorded_on": self.date}[field].setFocus()
            else:
                self._show_read_error(field, exc.problem, picked)
            return
        except SponsortrackError as exc:
            self._show_error(str(exc))
            return
        if show_id is not None:
            self.ctx.config.set_last_show_id(show_id)
        self.model.dirty = False
        self.ctx.undo_stack.setClean()  # saved: the window title's unsaved "•" goes
        self._fill_finder()
        self.open_episode(cmd.episode_id)  # type: ignore[arg-type]

    def _show_read_error(self, field: str, problem: str, picked: list[ProposedRead]) -> None:
        """``read 2 promo_url: ...`` from the service, in words, with the cursor at the cell."""
        parts = field.split()
        n, name = (int(parts[1]) - 1, parts[2]) if len(parts) == 3 and parts[0] == "read" and parts[1].isdigit() \
            else (0, field)
        item = picked[n] if 0 <= n < len(picked) else None
        words = FIELD_WORDS.get(name, name.replace("_", " "))
        if item is None:
            self._show_error(f"{words}: {problem}")
            return
        self._show_error(f"{item.sponsor_name}'s {words}: {problem}")
        col = {"promo_url": pm.PROMO_URL, "promo_code": pm.PROMO_CODE, "placement": pm.PLACEMENT,
               "read_type": pm.READ_TYPE}.get(name, pm.PROMO_URL)
        self.view.set_row(self.model.items.index(item), col)
        self.view.setFocus()

    def focus_search(self) -> None:
        self.finder.setFocus()
        self.finder.selectAll()

    def entered(self) -> None:
        if self.episode_id is None and not self.title.text():
            self.title.setFocus()
