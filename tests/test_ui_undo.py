"""Undo in the window hands each step back to the core (``services/undo.py``): Ctrl+Z after the read was
billed is refused with one line, the read stays billed, and the undo stack stays consistent."""

from __future__ import annotations

import pytest
from invoicing_helpers import network, seller
from PySide6.QtCore import Qt
from ui_helpers import db_dump, make_window

from sponsortrack.errors import ValidationError
from sponsortrack.services import catalog as cat
from sponsortrack.services import invoicing
from sponsortrack.services import reads as rsvc
from sponsortrack.ui import operations as ops

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_ctrl_z_on_a_read_billed_since_is_refused_and_never_bills_it_twice(qtbot, store, tmp_path):
    from sponsortrack.ui.dialogs.read import ReadDialog

    seller(store)
    net = network(store)
    win = make_window(qtbot, store, tmp_path, page="history")
    ctx = win.ctx
    ops.create(ctx, "agency", name="Adopter Media")  # an earlier step, which stays undoable
    rid = net["reads"][0]
    dlg = ReadDialog(ctx, rsvc.get_read(store, rid), win)
    qtbot.addWidget(dlg)
    dlg.fields["promo_code"].widget.setText("SPRING10")
    dlg.save()
    assert dlg.result() and ctx.undo_stack.count() == 2
    drafts = invoicing.create_drafts(store, net["sponsor"].id, "2019-10")
    inv = invoicing.issue_invoice(store, drafts.invoices[0].id, issue_date="2019-11-01")
    assert inv.number == "2019-0001" and rid in [ln.read_id for ln in inv.lines]
    billed = db_dump(store)

    qtbot.keyClick(win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

    row = store.query_one("SELECT invoice_id, promo_code FROM ad_reads WHERE id = ?", [rid])
    assert row == {"invoice_id": inv.id, "promo_code": "SPRING10"}
    with pytest.raises(ValidationError, match="already on invoice 2019-0001"):
        invoicing.create_drafts(store, net["sponsor"].id, "2019-10")
    assert db_dump(store) == billed
    line = f"read {rid} changed since: billed on 2019-0001"
    assert win.statusBar().currentMessage().endswith(f"”: {line}")
    assert win.last_error == line
    # The refused step left the stack (no "Redo" of a change still in the database); the one below undoes.
    assert ctx.undo_stack.count() == 1 and not ctx.undo_stack.canRedo()
    assert ctx.undo_stack.undoText() == "Add agency Adopter Media"
    ctx.undo_stack.undo()
    assert cat.catalog.find_agency(store, "Adopter Media") is None
    ctx.undo_stack.redo()
    assert cat.catalog.find_agency(store, "Adopter Media") is not None


def test_refused_redo_leaves_the_rows_alone(qtbot, store, tmp_path, db_path):
    from sponsortrack.store import Store

    net = network(store)
    win = make_window(qtbot, store, tmp_path)
    ctx = win.ctx
    rid = net["reads"][1]
    assert ops.edit_read(ctx, rid, status="verified")
    ctx.undo_stack.undo()
    assert rsvc.get_read(store, rid).status == "aired"
    other = Store(db_path)  # another window edits the read meanwhile
    try:
        rsvc.edit_read(other, rid, notes="checked by Zoë")
    finally:
        other.close()
    ctx.undo_stack.redo()
    assert win.last_error == f"read {rid} changed since: notes edited"
    r = rsvc.get_read(store, rid)
    assert (r.status, r.notes) == ("aired", "checked by Zoë")
    assert ctx.undo_stack.count() == 0


def test_undo_while_another_program_holds_the_lock_keeps_the_step(qtbot, store, tmp_path, db_path):
    import sqlite3

    network(store)
    win = make_window(qtbot, store, tmp_path)
    ctx = win.ctx
    ops.create(ctx, "show", name="Go Time")
    other = sqlite3.connect(db_path, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    try:
        ctx.undo_stack.undo()
        assert "locked by another program" in win.last_error
    finally:
        other.rollback()
        other.close()
    # Nothing was undone, and the step is still there to undo once the lock is gone.
    qtbot.waitUntil(lambda: ctx.undo_stack.index() == 1, timeout=2000)
    assert cat.catalog.find_show(store, "Go Time") is not None
    assert ctx.undo_stack.count() == 1 and ctx.undo_stack.undoText() == "Add show Go Time"
    ctx.undo_stack.undo()
    assert cat.catalog.find_show(store, "Go Time") is None
    assert ctx.undo_stack.canRedo()
