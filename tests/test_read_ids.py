"""A deleted read's id is never given to a new read (m009's ``read_id_high_water``): SQLite takes
max(rowid) + 1 without AUTOINCREMENT, so deleting the newest read used to hand its id — and its change_log
history — to the next read logged."""

from __future__ import annotations

from sponsortrack.services import catalog as cat
from sponsortrack.services import reads as rsvc
from sponsortrack.services import undo


def _newest(store) -> int:
    return max(r.id for r in rsvc.list_reads(store))


def test_deleting_the_newest_read_then_logging_gives_a_fresh_id_with_only_its_own_history(demo_store):
    store = demo_store
    ep = cat.list_episodes(store)[0]
    old = _newest(store)
    rsvc.edit_read(store, old, notes="the old read")
    rsvc.delete_reads(store, [old])
    new = rsvc.log_read(store, ep.id, sponsor="DigitalOcean", placement="post")
    assert new == old + 1
    history = rsvc.read_history(store, new)
    assert [h.action for h in history] == ["create"]
    assert all((h.after or {}).get("id", new) == new for h in history)
    # and the old read's history is still whole under its own id
    assert [h.action for h in rsvc.read_history(store, old)] == ["delete", "update", "create"]


def test_several_deletes_and_logs_never_reuse_an_id(demo_store):
    store = demo_store
    ep = cat.list_episodes(store)[0]
    seen = {r.id for r in rsvc.list_reads(store)}
    for _ in range(3):
        top = _newest(store)
        rsvc.delete_reads(store, [top])
        ids = rsvc.log_reads(store, ep.id, [{"sponsor": "Fastly", "placement": "mid"},
                                            {"sponsor": "Brave", "placement": "pre"}])
        assert not set(ids) & seen
        seen |= set(ids)


def test_undo_of_a_delete_puts_the_read_back_under_its_own_id(demo_store):
    store = demo_store
    top = _newest(store)
    done = undo.delete_reads(store, [top])
    undo.undo(store, done.change)
    assert rsvc.get_read(store, top).id == top
    ep = cat.list_episodes(store)[0]
    assert rsvc.log_read(store, ep.id, sponsor="Fastly", placement="mid") == top + 1
