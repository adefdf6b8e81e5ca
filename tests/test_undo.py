"""Undo in the core (``services/undo.py``, no Qt): every operation undoes and redoes to the same database;
undo and redo refuse, writing nothing, when a row changed since — above all a read billed since, which
must never go back to unbilled (double billing)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from invoicing_helpers import network, seller
from ui_helpers import db_dump

from sponsortrack.errors import ValidationError
from sponsortrack.services import catalog as cat
from sponsortrack.services import invoicing, undo
from sponsortrack.services import reads as rsvc
from sponsortrack.services import settings as ssvc
from sponsortrack.store import Store


def _bill(store, sponsor_id, month="2019-10"):
    drafts = invoicing.create_drafts(store, sponsor_id, month)
    return invoicing.issue_invoice(store, drafts.invoices[0].id, issue_date="2019-11-01")


def _read(store, rid):
    return store.query_one("SELECT * FROM ad_reads WHERE id = ?", [rid])


def test_undo_of_a_read_edit_is_refused_once_the_read_is_billed(store):
    """The issue's scenario: edit a read, issue the invoice that contains it, undo."""
    seller(store)
    net = network(store)
    rid = net["reads"][0]
    done = undo.edit_read(store, rid, promo_code="SPRING10")
    inv = _bill(store, net["sponsor"].id)
    assert inv.number == "2019-0001" and rid in [ln.read_id for ln in inv.lines]
    billed = db_dump(store)
    with pytest.raises(undo.UndoRefused) as err:
        undo.undo(store, done.change)
    assert str(err.value) == f"read {rid} changed since: billed on 2019-0001"
    assert db_dump(store) == billed
    assert _read(store, rid)["invoice_id"] == inv.id and _read(store, rid)["promo_code"] == "SPRING10"
    # The next draft does not bill it again: every read of the month is on 2019-0001.
    with pytest.raises(ValidationError, match="already on invoice 2019-0001"):
        invoicing.create_drafts(store, net["sponsor"].id, "2019-10")


def test_a_read_billed_since_is_never_touched_by_any_undo_or_redo(store):
    seller(store)
    net = network(store)
    a, b, c = net["reads"]
    logged = undo.log_reads(store, [{"sponsor": net["sponsor"].id}], episode_id=rsvc.get_read(store, a).episode_id)
    deleted = undo.delete_reads(store, [b])
    undo.undo(store, deleted.change)                 # b is back, unbilled
    edited = undo.edit_read(store, c, status="verified")
    inv = _bill(store, net["sponsor"].id)
    billed = db_dump(store)
    new = logged.value.read_ids[0]
    for action, change, rid in ((undo.undo, logged.change, new), (undo.redo, deleted.change, b),
                                (undo.undo, edited.change, c)):
        with pytest.raises(undo.UndoRefused, match=f"^read {rid} changed since: billed on {inv.number}$"):
            action(store, change)
        assert db_dump(store) == billed


def test_a_read_put_on_a_draft_since_is_not_reverted(store):
    seller(store)
    net = network(store)
    rid = net["reads"][0]
    done = undo.edit_read(store, rid, placement="pre")
    draft = invoicing.create_drafts(store, net["sponsor"].id, "2019-10").invoices[0]
    with pytest.raises(undo.UndoRefused, match=f"^read {rid} changed since: put on draft invoice {draft.id}$"):
        undo.undo(store, done.change)
    assert _read(store, rid)["placement"] == "pre"


def _round_trip(store, operation):
    before = db_dump(store)
    done = operation()
    after = db_dump(store)
    assert after != before
    undo.undo(store, done.change)
    assert db_dump(store) == before
    undo.redo(store, done.change)
    assert db_dump(store) == after
    return done


def test_every_operation_undoes_and_redoes_to_the_same_database(demo_store):
    s = demo_store
    ag = _round_trip(s, lambda: undo.create(s, "agency", name="Adopter Media", commission="12.5")).value
    _round_trip(s, lambda: undo.edit(s, "agency", ag.id, contact_email="io@adopter.media", commission="10"))
    sp = cat.resolve_sponsor(s, "Fastly")
    _round_trip(s, lambda: undo.edit(s, "sponsor", sp.id, agency_id=ag.id, domains="fastly.com, fastly.net"))
    _round_trip(s, lambda: undo.create(s, "sponsor", name="Linode", domains="linode.com"))
    show = _round_trip(s, lambda: undo.create(s, "show", name="Go Time")).value
    _round_trip(s, lambda: undo.edit(s, "show", show.id, website="https://gotime.fm"))
    ep = _round_trip(s, lambda: undo.create(s, "episode", show="Go Time", number=1, title="Hello")).value
    _round_trip(s, lambda: undo.edit(s, "episode", ep.id, published_on="2019-11-01", title="Hello, Go"))
    k = _round_trip(s, lambda: undo.create(
        s, "campaign", sponsor="Fastly", name="Go Time Q4", start_date="2019-10-01", end_date="2019-12-31",
        pricing="flat", rate="500", booked_reads=10)).value
    _round_trip(s, lambda: undo.edit(s, "campaign", k.id, rate="650", status="paused"))
    _round_trip(s, lambda: undo.edit(s, "campaign", k.id, currency="EUR", rate="600"))
    logged = _round_trip(s, lambda: undo.log_reads(s, [{"sponsor": "Fastly", "placement": "mid"},
                                                       {"sponsor": "Fastly", "placement": "mid"}],
                                                   episode_id=ep.id)).value
    _round_trip(s, lambda: undo.log_reads(s, [{"sponsor": "Linode", "placement": "pre"}],
                                          new_episode={"show": show.id, "number": 2, "title": "Two"}))
    first, second = logged.read_ids
    _round_trip(s, lambda: undo.edit_read(s, second, placement="post", status="flagged", start="1:30",
                                          price_override="0", make_good_of=first, notes="late"))
    _round_trip(s, lambda: undo.delete_reads(s, [second, first]))  # the make-good first, then its original
    _round_trip(s, lambda: undo.update_settings(s, seller_name="Changelog Media",
                                                invoice_number_pattern="CL-{year}-{seq:03}"))
    _round_trip(s, lambda: undo.update_settings(s, seller_name="Changelog Media LLC", tax_bp=700))
    doomed = [("campaign", k.id), ("show", cat.add_show(s, name="Temp Show").id),
              ("episode", cat.add_episode(s, show.id, number=3, title="Three").id),
              ("sponsor", cat.add_sponsor(s, name="Brave Ads").id), ("agency", cat.add_agency(s, name="Tmp").id)]
    for kind, obj_id in doomed:
        _round_trip(s, lambda kind=kind, obj_id=obj_id: undo.delete(s, kind, obj_id))
    assert ssvc.get_settings(s)["tax_bp"] == 700


def test_undo_refuses_a_row_another_process_edited(demo_store, db_path):
    """The row changed in another process after the operation: undo refuses and writes nothing."""
    rid = rsvc.list_reads(demo_store, unbilled=True)[0].id
    done = undo.edit_read(demo_store, rid, notes="from the window")
    env = {**os.environ, "SPONSORTRACK_DB": str(db_path)}
    res = subprocess.run([sys.executable, "-m", "sponsortrack", "--db", str(db_path), "reads", "edit", str(rid),
                          "--code", "CLI20"], env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    changed = db_dump(demo_store)
    with pytest.raises(undo.UndoRefused, match=f"^read {rid} changed since: promo_code edited$"):
        undo.undo(demo_store, done.change)
    assert db_dump(demo_store) == changed


def test_a_conflict_anywhere_in_a_change_writes_nothing(store, db_path):
    net = network(store)
    reads = [{"sponsor": net["sponsor"].id, "placement": "mid"}, {"sponsor": net["sponsor"].id, "placement": "post"}]
    logged = undo.log_reads(store, reads,
                            new_episode={"show": net["show"].id, "number": 9, "title": "Nine"})
    first, second = logged.value.read_ids
    other = Store(db_path)                     # a second connection, as another window would be
    try:
        rsvc.edit_read(other, first, status="verified")
        other.conn.execute("UPDATE episodes SET title = 'Nine!' WHERE id = ?", [logged.value.episode.id])
        other.conn.commit()
    finally:
        other.close()
    changed = db_dump(store)
    with pytest.raises(undo.UndoRefused, match=f"^read {first} changed since: status edited$"):
        undo.undo(store, logged.change)
    assert db_dump(store) == changed
    assert rsvc.get_read(store, second).id == second


def test_redo_refuses_when_another_record_took_the_place(store):
    done = undo.create(store, "show", name="Go Time")
    undo.undo(store, done.change)
    taken = cat.add_show(store, name="JS Party")
    assert taken.id == done.value.id
    with pytest.raises(undo.UndoRefused, match=f"^show {taken.id} changed since: another show took its place$"):
        undo.redo(store, done.change)
    assert [s.name for s in cat.list_shows(store)] == ["JS Party"]


def test_put_back_rows_pass_the_services_rules(store):
    show = cat.add_show(store, name="Go Time")
    cat.add_show(store, name="JS Party")       # so a new show gets another id
    gone = undo.delete(store, "show", show.id)
    cat.add_show(store, name="go time")        # the name is taken since (names are case-insensitive)
    with pytest.raises(undo.UndoRefused, match=r"^show \d+: name: a show named 'Go Time' already exists$"):
        undo.undo(store, gone.change)
    # Undo of a created episode goes through delete_episode, which refuses while it has reads.
    sp = cat.add_sponsor(store, name="Fastly")
    ep = undo.create(store, "episode", show="go time", number=1, title="One")
    rsvc.log_read(store, ep.value.id, sponsor=sp.id, placement="mid")
    with pytest.raises(undo.UndoRefused, match=rf"^episode {ep.value.id}: .*has 1 reads; delete them first$"):
        undo.undo(store, ep.change)
    assert cat.get_episode(store, ep.value.id).read_count == 1
    # A deleted read whose make-good original is gone since cannot come back as a make-good.
    a, b = rsvc.log_reads(store, ep.value.id, [{"sponsor": sp.id, "placement": "pre"},
                                                 {"sponsor": sp.id, "placement": "post"}])
    rsvc.edit_read(store, b, make_good_of=a)
    gone_b = undo.delete_reads(store, [b])
    rsvc.delete_reads(store, [a])
    with pytest.raises(undo.UndoRefused, match=f"^read {b}: make_good_of: there is no read {a}$"):
        undo.undo(store, gone_b.change)


def test_settings_undo_forgets_a_first_time_setting(store):
    done = undo.update_settings(store, seller_name="Changelog Media")
    undo.undo(store, done.change)
    assert ssvc.get_settings(store)["seller_name"] is None
    assert store.query("SELECT * FROM settings WHERE key = 'seller_name'") == []
    undo.redo(store, done.change)
    assert ssvc.get_settings(store)["seller_name"] == "Changelog Media"
    ssvc.update_settings(store, seller_name="Someone else")
    with pytest.raises(undo.UndoRefused, match="^setting seller_name changed since: value edited$"):
        undo.undo(store, done.change)
    assert ssvc.get_settings(store)["seller_name"] == "Someone else"


def test_rows_are_written_back_only_by_services_undo():
    """No face writes recorded rows itself: the window's operations import nothing from the store, and
    only ``services/undo.py`` calls the store's exact put-back writes (after its checks)."""
    import ast
    from pathlib import Path

    pkg = Path(undo.__file__).parents[1]
    tree = ast.parse((pkg / "ui" / "operations.py").read_text(encoding="utf-8"))
    imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not [m for m in imported if m.startswith("sponsortrack.store")]
    callers = sorted(str(f.relative_to(pkg)) for f in pkg.rglob("*.py")
                     if any(w in f.read_text(encoding="utf-8") for w in ("base.reinsert(", "base.overwrite(",
                                                                         "restore_row(", "restore_values(")))
    assert callers == ["services/undo.py"]
    text = (pkg / "services" / "undo.py").read_text(encoding="utf-8")
    assert not [w for w in ("SELECT ", "UPDATE ", "INSERT ", "DELETE ", "PySide6") if w in text]
