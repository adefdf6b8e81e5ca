"""A sponsor's aliases (issue 11, item 1): stored one name per sponsor, validated in one line, undoable with
the sponsor's edit, and a sponsor named only by its alias in show notes is recognised in ``import shownotes``,
in RSS import and in reconciliation."""

from __future__ import annotations

import json

import pytest

from sponsortrack.errors import NotFoundError, ValidationError
from sponsortrack.services import aliases as al
from sponsortrack.services import catalog as cat
from sponsortrack.services import reads as rd
from sponsortrack.services import reconcile as rc
from sponsortrack.services import undo
from sponsortrack.services.demo import load_demo

# Notes that never spell "DigitalOcean" nor link to its domains: only its alias names it.
ALIAS_NOTES = ("Episode 64: Shipping models\n\n"
               "Sponsors:\n"
               "- Sammy the Shark – spin up a GPU droplet and get $200 in credit: https://example.net/practicalai\n"
               "- Fastly – our bandwidth partner: https://fastly.com\n")


@pytest.fixture
def demo(store):
    load_demo(store)
    return store


def _do(store):
    return cat.resolve_sponsor(store, "DigitalOcean")


# -- services ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value,message", [
    ("", "alias: is empty"),
    ("   ", "alias: is empty"),
    ("x" * 101, "alias: 'xxxxxxxxxxxxxxxxxxxx'… is longer than 100 characters"),
    ("two\nlines", "alias: must be a single line"),
    ("!!", "alias: '!!' has no letters or digits"),
    ("Brave", "alias: 'Brave' is the name of sponsor Brave"),
    ("digital-ocean", "alias: 'digital-ocean' is the sponsor's own name"),
])
def test_a_bad_alias_gets_one_line_and_writes_nothing(demo, value, message):
    with pytest.raises(ValidationError) as err:
        al.add_alias(demo, _do(demo).id, value)
    assert str(err.value) == message
    assert demo.scalar("SELECT count(*) FROM sponsor_aliases") == 0


def test_an_alias_names_one_sponsor_only_and_the_message_says_which(demo):
    al.add_alias(demo, _do(demo).id, "DO")
    fastly = cat.resolve_sponsor(demo, "Fastly")
    with pytest.raises(ValidationError, match=r"^alias: 'D\.O\.' is an alias of sponsor DigitalOcean \(as 'DO'\)$"):
        al.add_alias(demo, fastly.id, "D.O.")
    with pytest.raises(ValidationError, match=r"^alias: 'do' is already an alias of DigitalOcean \(as 'DO'\)$"):
        al.add_alias(demo, _do(demo).id, "do")
    # nor may a sponsor be named (or renamed) after another's alias
    with pytest.raises(ValidationError, match=r"^name: 'DO' is an alias of sponsor DigitalOcean$"):
        cat.add_sponsor(demo, name="DO")
    with pytest.raises(ValidationError, match=r"^name: 'do' is an alias of sponsor DigitalOcean$"):
        cat.edit_sponsor(demo, fastly.id, name="do")
    assert cat.get_sponsor(demo, fastly.id).name == "Fastly"


def test_add_list_remove_and_resolve_by_alias(demo):
    do = _do(demo)
    assert al.add_alias(demo, do.id, "  Sammy   the Shark ") == "Sammy the Shark"
    al.add_alias(demo, do.id, "DO")
    assert al.list_aliases(demo, do.id) == ["Sammy the Shark", "DO"] == cat.get_sponsor(demo, do.id).aliases
    assert cat.resolve_sponsor(demo, "sammy-the-shark").id == do.id
    assert cat.resolve_sponsor(demo, "do").id == do.id
    assert al.remove_alias(demo, do.id, "sammy the shark") == "Sammy the Shark"
    assert al.list_aliases(demo, do.id) == ["DO"]
    with pytest.raises(ValidationError, match=r"^alias: 'Sammy' is not an alias of DigitalOcean$"):
        al.remove_alias(demo, do.id, "Sammy")
    with pytest.raises(NotFoundError, match=r"^sponsor: no sponsor named 'Sammy the Shark'$"):
        cat.resolve_sponsor(demo, "Sammy the Shark")


def test_edit_sets_the_whole_list_all_or_nothing(demo):
    do = _do(demo)
    cat.edit_sponsor(demo, do.id, aliases="DO, Sammy the Shark")
    kept_id = demo.scalar("SELECT id FROM sponsor_aliases WHERE alias = 'DO'")
    cat.edit_sponsor(demo, do.id, aliases="DO, Digital O")
    assert cat.get_sponsor(demo, do.id).aliases == ["DO", "Digital O"]
    assert demo.scalar("SELECT id FROM sponsor_aliases WHERE alias = 'DO'") == kept_id  # a kept alias keeps its row
    with pytest.raises(ValidationError, match=r"^alias: 'Fastly' is the name of sponsor Fastly$"):
        cat.edit_sponsor(demo, do.id, notes="changed", aliases="Shark, Fastly")
    fresh = cat.get_sponsor(demo, do.id)
    assert fresh.aliases == ["DO", "Digital O"] and fresh.notes != "changed"
    with pytest.raises(ValidationError, match=r"^alias: 'do' is given twice$"):
        cat.edit_sponsor(demo, do.id, aliases="DO, do")
    cat.edit_sponsor(demo, do.id, aliases="")
    assert cat.get_sponsor(demo, do.id).aliases == []


def test_undo_and_redo_put_a_sponsors_aliases_back(demo):
    do = _do(demo)
    cat.edit_sponsor(demo, do.id, aliases="DO")
    done = undo.edit(demo, "sponsor", do.id, aliases="Sammy the Shark, DigiO", notes="renewed")
    assert cat.get_sponsor(demo, do.id).aliases == ["Sammy the Shark", "DigiO"]
    undo.undo(demo, done.change)
    assert cat.get_sponsor(demo, do.id).aliases == ["DO"] and cat.get_sponsor(demo, do.id).notes != "renewed"
    undo.redo(demo, done.change)
    assert cat.get_sponsor(demo, do.id).aliases == ["Sammy the Shark", "DigiO"]
    # a new sponsor with aliases, deleted and undeleted, comes back with them
    made = undo.create(demo, "sponsor", name="Linode", aliases="Akamai Cloud")
    gone = undo.delete(demo, "sponsor", made.value.id)
    assert demo.scalar("SELECT count(*) FROM sponsor_aliases WHERE alias = 'Akamai Cloud'") == 0
    undo.undo(demo, gone.change)
    assert cat.resolve_sponsor(demo, "akamai cloud").name == "Linode"
    undo.undo(demo, made.change)
    assert demo.scalar("SELECT count(*) FROM sponsor_aliases WHERE alias = 'Akamai Cloud'") == 0


# -- matching: show notes, RSS, reconciliation -----------------------------------------------------------


def test_import_shownotes_matches_a_sponsor_named_only_by_its_alias(demo_cli, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text(ALIAS_NOTES)
    before = json.loads(demo_cli("import", "shownotes", str(notes), "--format", "json").output)
    assert [(s["name"], s["known_sponsor"]) for s in before["sponsors"]] == [
        ("Sammy the Shark", None), ("Fastly", "Fastly")]   # without the alias: a new sponsor
    assert demo_cli("sponsors", "alias", "add", "DigitalOcean", "Sammy the Shark").exit_code == 0
    after = json.loads(demo_cli("import", "shownotes", str(notes), "--format", "json").output)
    assert [(s["name"], s["known_sponsor"], s["is_new"]) for s in after["sponsors"]] == [
        ("Sammy the Shark", "DigitalOcean", False), ("Fastly", "Fastly", False)]


def _feed(notes: str) -> bytes:
    from xml.sax.saxutils import escape

    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Alias Show</title>'
        "<link>https://alias.example</link>"
        "<item><title>Shipping models</title><guid>alias-64</guid>"
        "<pubDate>Mon, 04 Nov 2019 10:00:00 +0000</pubDate>"
        f"<description>{escape(notes)}</description></item></channel></rss>").encode()


def test_rss_import_matches_a_sponsor_named_only_by_its_alias(demo, tmp_path):
    from sponsortrack.services.imports import import_rss

    feed = _feed(ALIAS_NOTES)
    plain = import_rss(demo, feed)
    assert {p.sponsor_name: p.sponsor_id for p in plain.proposed}["Sammy the Shark"] is None
    do = _do(demo)
    al.add_alias(demo, do.id, "Sammy the Shark")
    res = import_rss(demo, feed, apply=True)
    assert sorted((p.parsed_name, p.sponsor_name, p.sponsor_id) for p in res.proposed) == [
        ("Fastly", "Fastly", cat.resolve_sponsor(demo, "Fastly").id),
        ("Sammy the Shark", "DigitalOcean", do.id)]
    assert res.sponsors_created == []
    logged = rd.list_reads(demo, show="Alias Show")
    assert sorted(r.sponsor_name for r in logged) == ["DigitalOcean", "Fastly"]


def test_reconciliation_finds_a_read_whose_sponsor_the_notes_name_only_by_alias(demo):
    cat.add_show(demo, name="Alias Show", website="https://alias.example")
    ep = cat.add_episode(demo, "Alias Show", number=64, title="Shipping models", published_on="2019-11-04",
                         show_notes=ALIAS_NOTES)
    do = _do(demo)
    rd.log_reads(demo, ep.id, [{"sponsor": "DigitalOcean"}, {"sponsor": "Fastly", "placement": "post"}])

    def disagreements(**kw):
        return sorted((e.kind, e.sponsor_name) for e in rc.reconcile(demo, month="2019-11", show="Alias Show",
                                                                     **kw).exceptions)

    assert ("logged_not_in_notes", "DigitalOcean") in disagreements()      # the notes say "Sammy the Shark"
    al.add_alias(demo, do.id, "Sammy the Shark")
    assert disagreements() == []
    # one sponsor's reconciliation (the proof of performance) looks in notes that name it only by its alias,
    # also where no read of it was logged
    assert disagreements(sponsor_id=do.id) == []
    cat.add_episode(demo, "Alias Show", number=65, title="More models", published_on="2019-11-11",
                    show_notes=ALIAS_NOTES.replace("Episode 64", "Episode 65"))
    assert disagreements(sponsor_id=do.id) == [("in_notes_not_logged", "DigitalOcean")]


# -- the command line ------------------------------------------------------------------------------------


def test_cli_alias_add_remove_list_and_sponsors_list(demo_cli, db_path):
    res = demo_cli("sponsors", "alias", "add", "DigitalOcean", "DO")
    assert res.exit_code == 0 and res.output == "Sponsor DigitalOcean is also known as 'DO' now.\n"
    res = demo_cli("sponsors", "alias", "add", "Fastly", "d.o.")
    assert res.exit_code == 2
    assert res.output.strip().splitlines() == ["error: alias: 'd.o.' is an alias of sponsor DigitalOcean (as 'DO')"]
    assert demo_cli("sponsors", "alias", "add", "do", "Sammy").exit_code == 0   # the sponsor given by its alias
    listed = json.loads(demo_cli("sponsors", "list", "--format", "json").output)
    assert {s["name"]: s["aliases"] for s in listed}["DigitalOcean"] == ["DO", "Sammy"]
    table = demo_cli("sponsors", "list").output
    assert "aliases" in table.splitlines()[0] and "DO, Sammy" in table
    assert json.loads(demo_cli("sponsors", "alias", "list", "DigitalOcean", "--format", "json").output) == [
        {"sponsor": "DigitalOcean", "alias": "DO"}, {"sponsor": "DigitalOcean", "alias": "Sammy"}]
    res = demo_cli("sponsors", "alias", "remove", "DigitalOcean", "sammy")
    assert res.exit_code == 0 and res.output == "Removed alias 'Sammy' of sponsor DigitalOcean.\n"
    res = demo_cli("sponsors", "alias", "remove", "DigitalOcean", "")
    assert res.exit_code == 2 and res.output.strip() == "error: alias: is empty"
