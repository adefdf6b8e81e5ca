"""Schema, as sqlite-utils ``Migrations``. Append new migrations; never edit an applied one.

(Longer than 500 lines: it is the schema's history, each migration as it was applied, in order; what a
migration's triggers keep lives beside the data it keeps, e.g. ``store.unbilled``.)

Every table is created explicitly with its keys, checks and defaults. Timestamps are UTC
ISO-8601 strings (``2026-11-26T08:00:00.000Z``); dates are ``YYYY-MM-DD``; money is an
integer number of minor units beside a three-letter currency.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from sponsortrack.store import locks, unbilled
from sponsortrack.store.version import MIGRATION_SET

migrations = Migrations(MIGRATION_SET)

NOW = "(strftime('%Y-%m-%dT%H:%M:%fZ','now'))"


def _in(col: str, values: tuple[str, ...]) -> str:
    return f"CHECK ({col} IN ({', '.join(repr(v) for v in values)}))"


# Tables whose every change is recorded in change_log, with the columns recorded.
AUDITED = {
    "ad_reads": "read",
    "campaigns": "campaign",
    "invoices": "invoice",
}


def _audit_triggers(db: Database, table: str, entity: str, *, skip_noop: bool = False) -> None:
    """Record every insert, update and delete of ``table`` in change_log. With ``skip_noop`` (schema v3
    on) an UPDATE that changes nothing but ``updated_at`` writes no entry."""
    cols = [c.name for c in db[table].columns]
    def obj(prefix: str) -> str:
        return "json_object(" + ", ".join(f"'{c}', {prefix}.{c}" for c in cols) + ")"
    compared = [c for c in cols if c != "updated_at"]
    changed = (f" WHEN ({', '.join('OLD.' + c for c in compared)}) IS NOT "
               f"({', '.join('NEW.' + c for c in compared)})") if skip_noop else ""
    for action, when, before, after, key in (
        ("create", "AFTER INSERT", "NULL", obj("NEW"), "NEW.id"),
        ("update", "AFTER UPDATE", obj("OLD"), obj("NEW"), "NEW.id"),
        ("delete", "AFTER DELETE", obj("OLD"), "NULL", "OLD.id"),
    ):
        cond = changed if action == "update" else ""
        db.execute(f"DROP TRIGGER IF EXISTS audit_{table}_{action}")
        db.execute(
            f"""CREATE TRIGGER audit_{table}_{action} {when} ON {table}{cond}
            BEGIN
              INSERT INTO change_log (at, entity, entity_id, action, before, after)
              VALUES ({NOW}, '{entity}', {key}, '{action}', {before}, {after});
            END"""
        )


@migrations()
def m001_initial(db: Database) -> None:
    ex = db.execute
    ex(f"""CREATE TABLE settings (
        key TEXT PRIMARY KEY NOT NULL,
        value TEXT,
        updated_at TEXT NOT NULL DEFAULT {NOW}
    )""")
    ex(f"""CREATE TABLE shows (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
        website TEXT,
        feed_url TEXT,
        description TEXT,
        created_at TEXT NOT NULL DEFAULT {NOW},
        updated_at TEXT NOT NULL DEFAULT {NOW}
    )""")
    ex(f"""CREATE TABLE episodes (
        id INTEGER PRIMARY KEY,
        show_id INTEGER NOT NULL REFERENCES shows(id) ON DELETE RESTRICT,
        number INTEGER CHECK (number IS NULL OR number > 0),
        title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
        guid TEXT,
        recorded_on TEXT CHECK (recorded_on IS NULL OR date(recorded_on) IS recorded_on),
        published_on TEXT CHECK (published_on IS NULL OR date(published_on) IS published_on),
        link TEXT,
        show_notes TEXT,
        created_at TEXT NOT NULL DEFAULT {NOW},
        updated_at TEXT NOT NULL DEFAULT {NOW}
    )""")
    ex("CREATE UNIQUE INDEX episodes_show_number ON episodes(show_id, number) WHERE number IS NOT NULL")
    ex("CREATE UNIQUE INDEX episodes_show_guid ON episodes(show_id, guid) WHERE guid IS NOT NULL")
    ex("CREATE INDEX episodes_published ON episodes(published_on)")
    ex(f"""CREATE TABLE agencies (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
        commission_bp INTEGER NOT NULL DEFAULT 1500 CHECK (commission_bp BETWEEN 0 AND 10000),
        contact_name TEXT,
        contact_email TEXT,
        billing_address TEXT,
        terms_days INTEGER CHECK (terms_days IS NULL OR terms_days BETWEEN 0 AND 365),
        notes TEXT,
        created_at TEXT NOT NULL DEFAULT {NOW},
        updated_at TEXT NOT NULL DEFAULT {NOW}
    )""")
    ex(f"""CREATE TABLE sponsors (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
        domains TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(domains) AND json_type(domains) = 'array'),
        contact_name TEXT,
        contact_email TEXT,
        billing_address TEXT,
        terms_days INTEGER CHECK (terms_days IS NULL OR terms_days BETWEEN 0 AND 365),
        agency_id INTEGER REFERENCES agencies(id) ON DELETE SET NULL,
        notes TEXT,
        created_at TEXT NOT NULL DEFAULT {NOW},
        updated_at TEXT NOT NULL DEFAULT {NOW}
    )""")
    ex(f"""CREATE TABLE campaigns (
        id INTEGER PRIMARY KEY,
        sponsor_id INTEGER NOT NULL REFERENCES sponsors(id) ON DELETE RESTRICT,
        agency_id INTEGER REFERENCES agencies(id) ON DELETE RESTRICT,
        show_id INTEGER REFERENCES shows(id) ON DELETE RESTRICT,
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        io_number TEXT,
        po_number TEXT,
        start_date TEXT NOT NULL CHECK (date(start_date) IS start_date),
        end_date TEXT NOT NULL CHECK (date(end_date) IS end_date),
        pricing TEXT NOT NULL {_in('pricing', ('flat', 'per_episode', 'cpm'))},
        rate_minor INTEGER NOT NULL CHECK (rate_minor >= 0),
        currency TEXT NOT NULL DEFAULT 'USD' CHECK (length(currency) = 3 AND currency = upper(currency)),
        booked_reads INTEGER CHECK (booked_reads IS NULL OR booked_reads >= 0),
        booked_impressions INTEGER CHECK (booked_impressions IS NULL OR booked_impressions >= 0),
        download_window_days INTEGER NOT NULL DEFAULT 30 CHECK (download_window_days BETWEEN 1 AND 3650),
        default_placement TEXT NOT NULL DEFAULT 'mid' {_in('default_placement', ('pre', 'mid', 'post'))},
        default_read_type TEXT NOT NULL DEFAULT 'host' {_in('default_read_type', ('host', 'produced'))},
        promo_url TEXT,
        promo_code TEXT,
        talking_points TEXT,
        status TEXT NOT NULL DEFAULT 'active'
            {_in('status', ('draft', 'active', 'paused', 'completed', 'cancelled'))},
        notes TEXT,
        created_at TEXT NOT NULL DEFAULT {NOW},
        updated_at TEXT NOT NULL DEFAULT {NOW},
        CHECK (end_date >= start_date)
    )""")
    ex("CREATE INDEX campaigns_sponsor ON campaigns(sponsor_id)")
    ex("CREATE INDEX campaigns_flight ON campaigns(start_date, end_date)")
    ex(f"""CREATE TABLE invoices (
        id INTEGER PRIMARY KEY,
        number TEXT UNIQUE,
        kind TEXT NOT NULL DEFAULT 'invoice' {_in('kind', ('invoice', 'credit_note'))},
        credit_of INTEGER REFERENCES invoices(id) ON DELETE RESTRICT,
        sponsor_id INTEGER NOT NULL REFERENCES sponsors(id) ON DELETE RESTRICT,
        agency_id INTEGER REFERENCES agencies(id) ON DELETE RESTRICT,
        campaign_id INTEGER REFERENCES campaigns(id) ON DELETE RESTRICT,
        status TEXT NOT NULL DEFAULT 'draft' {_in('status', ('draft', 'issued', 'paid', 'void'))},
        currency TEXT NOT NULL DEFAULT 'USD' CHECK (length(currency) = 3),
        period_start TEXT CHECK (period_start IS NULL OR date(period_start) IS period_start),
        period_end TEXT CHECK (period_end IS NULL OR date(period_end) IS period_end),
        issue_date TEXT CHECK (issue_date IS NULL OR date(issue_date) IS issue_date),
        due_date TEXT CHECK (due_date IS NULL OR date(due_date) IS due_date),
        terms_days INTEGER CHECK (terms_days IS NULL OR terms_days BETWEEN 0 AND 365),
        commission_bp INTEGER NOT NULL DEFAULT 0 CHECK (commission_bp BETWEEN 0 AND 10000),
        tax_bp INTEGER NOT NULL DEFAULT 0 CHECK (tax_bp BETWEEN 0 AND 10000),
        subtotal_minor INTEGER NOT NULL DEFAULT 0,
        commission_minor INTEGER NOT NULL DEFAULT 0,
        net_minor INTEGER NOT NULL DEFAULT 0,
        tax_minor INTEGER NOT NULL DEFAULT 0,
        total_minor INTEGER NOT NULL DEFAULT 0,
        seller_snapshot TEXT CHECK (seller_snapshot IS NULL OR json_valid(seller_snapshot)),
        bill_to_snapshot TEXT CHECK (bill_to_snapshot IS NULL OR json_valid(bill_to_snapshot)),
        notes TEXT,
        paid_on TEXT CHECK (paid_on IS NULL OR date(paid_on) IS paid_on),
        created_at TEXT NOT NULL DEFAULT {NOW},
        issued_at TEXT,
        voided_at TEXT
    )""")
    ex("CREATE INDEX invoices_sponsor ON invoices(sponsor_id)")
    ex(f"""CREATE TABLE ad_reads (
        id INTEGER PRIMARY KEY,
        episode_id INTEGER NOT NULL REFERENCES episodes(id) ON DELETE RESTRICT,
        sponsor_id INTEGER NOT NULL REFERENCES sponsors(id) ON DELETE RESTRICT,
        campaign_id INTEGER REFERENCES campaigns(id) ON DELETE RESTRICT,
        placement TEXT NOT NULL {_in('placement', ('pre', 'mid', 'post'))},
        position INTEGER NOT NULL DEFAULT 1 CHECK (position >= 1),
        read_type TEXT NOT NULL DEFAULT 'host' {_in('read_type', ('host', 'produced'))},
        start_seconds INTEGER CHECK (start_seconds IS NULL OR start_seconds >= 0),
        length_seconds INTEGER CHECK (length_seconds IS NULL OR length_seconds >= 0),
        promo_url TEXT,
        promo_code TEXT,
        status TEXT NOT NULL DEFAULT 'recorded'
            {_in('status', ('scheduled', 'recorded', 'aired', 'verified', 'flagged'))},
        make_good_of INTEGER REFERENCES ad_reads(id) ON DELETE RESTRICT,
        units INTEGER CHECK (units IS NULL OR units >= 0),
        units_source TEXT,
        units_window_days INTEGER CHECK (units_window_days IS NULL OR units_window_days >= 1),
        price_override_minor INTEGER CHECK (price_override_minor IS NULL OR price_override_minor >= 0),
        invoice_id INTEGER REFERENCES invoices(id) ON DELETE SET NULL,
        source TEXT NOT NULL DEFAULT 'manual',
        notes TEXT,
        created_at TEXT NOT NULL DEFAULT {NOW},
        updated_at TEXT NOT NULL DEFAULT {NOW},
        CHECK (make_good_of IS NULL OR make_good_of <> id)
    )""")
    ex("CREATE INDEX ad_reads_episode ON ad_reads(episode_id)")
    ex("CREATE INDEX ad_reads_sponsor ON ad_reads(sponsor_id)")
    ex("CREATE INDEX ad_reads_campaign ON ad_reads(campaign_id)")
    ex("CREATE INDEX ad_reads_invoice ON ad_reads(invoice_id)")
    ex("CREATE INDEX ad_reads_promo_url ON ad_reads(promo_url)")
    ex(f"""CREATE TABLE invoice_lines (
        id INTEGER PRIMARY KEY,
        invoice_id INTEGER NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
        position INTEGER NOT NULL CHECK (position >= 1),
        kind TEXT NOT NULL DEFAULT 'charge' {_in('kind', ('charge', 'make_good', 'credit', 'adjustment'))},
        read_id INTEGER REFERENCES ad_reads(id) ON DELETE RESTRICT,
        description TEXT NOT NULL,
        show_name TEXT,
        episode_number INTEGER,
        episode_title TEXT,
        air_date TEXT,
        placement TEXT,
        read_type TEXT,
        promo TEXT,
        pricing TEXT,
        units INTEGER,
        rate_minor INTEGER,
        amount_minor INTEGER NOT NULL,
        UNIQUE (invoice_id, position)
    )""")
    ex("CREATE INDEX invoice_lines_read ON invoice_lines(read_id)")
    ex(f"""CREATE TABLE invoice_sequences (
        key TEXT PRIMARY KEY NOT NULL,
        last INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL DEFAULT {NOW}
    )""")
    ex(f"""CREATE TABLE download_snapshots (
        id INTEGER PRIMARY KEY,
        episode_id INTEGER NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
        day INTEGER NOT NULL CHECK (day BETWEEN 0 AND 3650),
        downloads INTEGER NOT NULL CHECK (downloads >= 0),
        source TEXT NOT NULL DEFAULT 'manual',
        recorded_at TEXT NOT NULL DEFAULT {NOW},
        UNIQUE (episode_id, day, source)
    )""")
    ex(f"""CREATE TABLE link_checks (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL CHECK (length(url) BETWEEN 1 AND 4096),
        checked_at TEXT NOT NULL DEFAULT {NOW},
        verdict TEXT NOT NULL {_in('verdict', (
            'ok', 'redirected', 'broken', 'timeout', 'connection_error', 'tls_error', 'redirect_loop',
            'too_many_redirects', 'wrong_destination', 'code_lost', 'invalid_url'))},
        status_code INTEGER CHECK (status_code IS NULL OR status_code BETWEEN 100 AND 999),
        chain TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(chain)),
        final_url TEXT,
        elapsed_ms INTEGER CHECK (elapsed_ms IS NULL OR elapsed_ms >= 0),
        explanation TEXT,
        sponsor_id INTEGER REFERENCES sponsors(id) ON DELETE SET NULL
    )""")
    ex("CREATE INDEX link_checks_url_time ON link_checks(url, checked_at)")
    ex(f"""CREATE TABLE change_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL DEFAULT {NOW},
        entity TEXT NOT NULL,
        entity_id INTEGER NOT NULL,
        action TEXT NOT NULL {_in('action', ('create', 'update', 'delete'))},
        before TEXT,
        after TEXT
    )""")
    ex("CREATE INDEX change_log_entity ON change_log(entity, entity_id)")
    for table, entity in AUDITED.items():
        _audit_triggers(db, table, entity)


# The text a read is found by: its sponsor, episode title, show, promo URL, code and notes.
READ_SEARCH_BODY = (
    "sp.name || char(10) || e.title || char(10) || sh.name || char(10) || coalesce(r.promo_url, '') "
    "|| char(10) || coalesce(r.promo_code, '') || char(10) || coalesce(r.notes, '')"
)
_READ_SEARCH_SELECT = (
    f"SELECT r.id, {READ_SEARCH_BODY} FROM ad_reads r JOIN episodes e ON e.id = r.episode_id "
    "JOIN shows sh ON sh.id = e.show_id JOIN sponsors sp ON sp.id = r.sponsor_id"
)


def _read_search_triggers(db: Database) -> None:
    """Keep ``read_search`` in step with reads and with the names they are found by.

    A later migration that rebuilds one of these tables with ``transform()`` must call this again
    (``transform()`` drops a table's triggers), as it must ``_audit_triggers``."""
    ex = db.execute
    refresh = f"INSERT INTO read_search (rowid, body) {_READ_SEARCH_SELECT}"
    statements = {
        "read_search_ins": ("AFTER INSERT ON ad_reads", f"{refresh} WHERE r.id = NEW.id;"),
        "read_search_upd": ("AFTER UPDATE ON ad_reads",
                            f"DELETE FROM read_search WHERE rowid = OLD.id; {refresh} WHERE r.id = NEW.id;"),
        "read_search_del": ("AFTER DELETE ON ad_reads", "DELETE FROM read_search WHERE rowid = OLD.id;"),
        "read_search_sponsor": (
            "AFTER UPDATE OF name ON sponsors",
            "DELETE FROM read_search WHERE rowid IN (SELECT id FROM ad_reads WHERE sponsor_id = NEW.id); "
            f"{refresh} WHERE r.sponsor_id = NEW.id;"),
        "read_search_episode": (
            "AFTER UPDATE OF title, show_id ON episodes",
            "DELETE FROM read_search WHERE rowid IN (SELECT id FROM ad_reads WHERE episode_id = NEW.id); "
            f"{refresh} WHERE r.episode_id = NEW.id;"),
        "read_search_show": (
            "AFTER UPDATE OF name ON shows",
            "DELETE FROM read_search WHERE rowid IN (SELECT r.id FROM ad_reads r JOIN episodes e "
            "ON e.id = r.episode_id WHERE e.show_id = NEW.id); "
            f"{refresh} WHERE e.show_id = NEW.id;"),
    }
    for name, (when, body) in statements.items():
        ex(f"DROP TRIGGER IF EXISTS {name}")
        ex(f"CREATE TRIGGER {name} {when} BEGIN {body} END")


@migrations()
def m002_read_search(db: Database) -> None:
    """Full-text (trigram) search over reads; indexes on the episode's air date and on make-goods.

    Substring search over 100,000 reads with LIKE scans every row (tens of milliseconds); the trigram
    index answers in a few. The air date is ``coalesce(published_on, recorded_on)`` everywhere, so the
    expression itself is indexed."""
    db.execute("CREATE VIRTUAL TABLE read_search USING fts5(body, tokenize = 'trigram')")
    db.execute(f"INSERT INTO read_search (rowid, body) {_READ_SEARCH_SELECT}")
    _read_search_triggers(db)
    db.execute("CREATE INDEX episodes_air_date ON episodes(coalesce(published_on, recorded_on))")
    # "make-goods owed" asks, per flagged read, whether another read makes good for it
    db.execute("CREATE INDEX ad_reads_make_good_of ON ad_reads(make_good_of) WHERE make_good_of IS NOT NULL")


# -- schema v3: issued invoices are authoritative ----------------------------------------------------

# Tables audited from schema v3 on (m001 audited the first three).
AUDITED_V3 = {**AUDITED, "invoice_lines": "invoice_line"}

# Tables audited from schema v6 on.
AUDITED_V6 = {"payments": "payment"}

# The lock triggers abort with the messages of ``store.locks``, which also turns each into one line.

# A read is billed while the invoice it is claimed by is issued or paid (pricing.BILLED_INVOICE_STATUSES, spelled
# out here: a migration's SQL stays as it was written).
_BILLED = "(SELECT status FROM invoices WHERE id = OLD.invoice_id) IN ('issued', 'paid')"
_EPISODE_BILLED = ("EXISTS (SELECT 1 FROM ad_reads r JOIN invoices i ON i.id = r.invoice_id "
                   "WHERE r.episode_id = OLD.id AND i.status IN ('issued', 'paid'))")
# What an issued invoice may still change: its status (paid, unpaid, void), paid_on, voided_at, notes.
_INVOICE_FROZEN = ("number", "kind", "credit_of", "sponsor_id", "agency_id", "campaign_id", "currency",
                   "period_start", "period_end", "issue_date", "due_date", "terms_days", "commission_bp",
                   "tax_bp", "subtotal_minor", "commission_minor", "net_minor", "tax_minor", "total_minor",
                   "seller_snapshot", "bill_to_snapshot", "created_at", "issued_at")


def _row(prefix: str, cols: list[str] | tuple[str, ...]) -> str:
    return "(" + ", ".join(f"{prefix}.{c}" for c in cols) + ")"


def _billed_lock_triggers(db: Database) -> None:
    """Refuse, inside the writing statement itself, every change that would move a billed figure.

    - a billed read (its invoice issued or paid): any column but ``notes``/``updated_at``; deleting it;
      un-claiming it, unless a credit note of its invoice that credits it is issued (void frees reads
      by voiding the invoice first, so they are no longer billed);
    - an episode with billed reads: its air date (``coalesce(published_on, recorded_on)``), show and number;
    - an issued, paid or void invoice: its numbered, dated and money columns, going back to draft,
      leaving void, being deleted; and its lines, all of them.

    A later migration that rebuilds one of these tables with ``transform()`` must call this again."""
    ex = db.execute
    read_cols = [c.name for c in db["ad_reads"].columns if c.name not in ("id", "notes", "updated_at", "invoice_id")]
    line_cols = [c.name for c in db["invoice_lines"].columns]
    released = ("NEW.invoice_id IS NULL AND EXISTS (SELECT 1 FROM invoice_lines l JOIN invoices n "
                "ON n.id = l.invoice_id WHERE n.credit_of = OLD.invoice_id AND n.kind = 'credit_note' "
                "AND n.status IN ('issued', 'paid') AND l.read_id = OLD.id)")
    air = "coalesce({p}.published_on, {p}.recorded_on)"
    # from schema v8 on an episode's identity is (show, season, number): its season is locked too
    seasons = "season" in {c.name for c in db["episodes"].columns}
    season_of = ", season" if seasons else ""
    season_changed = " OR OLD.season IS NOT NEW.season" if seasons else ""
    season_case = f"WHEN OLD.season IS NOT NEW.season THEN RAISE(ABORT, '{locks.EPISODE_SEASON}') " if seasons else ""
    statements = {
        "lock_billed_read_edit": (
            f"BEFORE UPDATE ON ad_reads WHEN OLD.invoice_id IS NOT NULL AND {_BILLED} "
            f"AND {_row('OLD', read_cols)} IS NOT {_row('NEW', read_cols)}",
            f"SELECT RAISE(ABORT, '{locks.READ_EDIT}');"),
        "lock_billed_read_release": (
            f"BEFORE UPDATE OF invoice_id ON ad_reads WHEN NEW.invoice_id IS NOT OLD.invoice_id "
            f"AND OLD.invoice_id IS NOT NULL AND {_BILLED} AND NOT ({released})",
            f"SELECT RAISE(ABORT, '{locks.READ_RELEASE}');"),
        "lock_billed_read_delete": (
            f"BEFORE DELETE ON ad_reads WHEN OLD.invoice_id IS NOT NULL AND {_BILLED}",
            f"SELECT RAISE(ABORT, '{locks.READ_DELETE}');"),
        "lock_billed_episode": (
            f"BEFORE UPDATE OF published_on, recorded_on, show_id, number{season_of} ON episodes "
            f"WHEN ({air.format(p='OLD')} IS NOT {air.format(p='NEW')} OR OLD.show_id IS NOT NEW.show_id "
            f"OR OLD.number IS NOT NEW.number{season_changed}) AND {_EPISODE_BILLED}",
            f"SELECT CASE WHEN OLD.show_id IS NOT NEW.show_id THEN RAISE(ABORT, '{locks.EPISODE_SHOW}') "
            f"WHEN OLD.number IS NOT NEW.number THEN RAISE(ABORT, '{locks.EPISODE_NUMBER}') {season_case}"
            f"WHEN OLD.published_on IS NOT NEW.published_on THEN RAISE(ABORT, '{locks.EPISODE_PUBLISHED}') "
            f"ELSE RAISE(ABORT, '{locks.EPISODE_RECORDED}') END;"),
        "lock_issued_invoice": (
            f"BEFORE UPDATE ON invoices WHEN OLD.status <> 'draft' AND ("
            f"{_row('OLD', _INVOICE_FROZEN)} IS NOT {_row('NEW', _INVOICE_FROZEN)} "
            f"OR NEW.status = 'draft' OR (OLD.status = 'void' AND NEW.status IS NOT 'void'))",
            f"SELECT RAISE(ABORT, '{locks.INVOICE}');"),
        "lock_issued_invoice_delete": (
            "BEFORE DELETE ON invoices WHEN OLD.status <> 'draft'",
            f"SELECT RAISE(ABORT, '{locks.INVOICE}');"),
        "lock_issued_line_insert": (
            "BEFORE INSERT ON invoice_lines WHEN (SELECT status FROM invoices WHERE id = NEW.invoice_id) <> 'draft'",
            f"SELECT RAISE(ABORT, '{locks.INVOICE_LINE}');"),
        "lock_issued_line_update": (
            f"BEFORE UPDATE ON invoice_lines WHEN {_row('OLD', line_cols)} IS NOT {_row('NEW', line_cols)} "
            f"AND (SELECT status FROM invoices WHERE id = OLD.invoice_id) <> 'draft'",
            f"SELECT RAISE(ABORT, '{locks.INVOICE_LINE}');"),
        "lock_issued_line_delete": (
            "BEFORE DELETE ON invoice_lines WHEN (SELECT status FROM invoices WHERE id = OLD.invoice_id) <> 'draft'",
            f"SELECT RAISE(ABORT, '{locks.INVOICE_LINE}');"),
    }
    for name, (when, body) in statements.items():
        ex(f"DROP TRIGGER IF EXISTS {name}")
        ex(f"CREATE TRIGGER {name} {when} BEGIN {body} END")


def rebuild_triggers(db: Database) -> None:
    """Every trigger of the current schema. A migration that rebuilds a table with ``transform()``
    (which drops the table's triggers) calls this at its end."""
    for table, entity in {**AUDITED_V3, **AUDITED_V6}.items():
        if table in db.table_names():      # payments exists from m006 on
            _audit_triggers(db, table, entity, skip_noop=True)
    _read_search_triggers(db)
    _billed_lock_triggers(db)
    if unbilled.TABLE in db.table_names():  # from m009 on
        unbilled.triggers(db.execute)
        _read_id_trigger(db)


@migrations()
def m003_billed_lock(db: Database) -> None:
    """Issued invoices are authoritative: lock triggers on billed reads, their episodes and issued
    invoices and lines; ``invoice_lines`` audited; updates that change nothing leave no change_log entry.

    No data changes, so nothing to back-fill. (Duplicate (episode, placement, position) groups that
    concurrent ``log`` runs left behind stay: positions may legitimately repeat — set by hand, imported,
    or kept when a read moves to another placement — so no unique index is added.)"""
    rebuild_triggers(db)

#: The link-check verdicts m005 allows (m001's, plus the ones that tell a broken link from a machine
#: that is offline, a server that rate-limits or walls off robots, and a page that only looks alive).
_LINK_VERDICTS_V5 = (
    'ok', 'redirected', 'broken', 'timeout', 'connection_error', 'tls_error', 'redirect_loop',
    'too_many_redirects', 'wrong_destination', 'code_lost', 'invalid_url', 'invalid_redirect', 'suspect',
    'rate_limited', 'blocked_by_bot_protection', 'unchecked')


@migrations()
def m005_link_verdicts(db: Database) -> None:
    """link_checks accepts the new verdicts (a CHECK constraint can only change by rebuilding the table).

    Every row and id is kept; nothing references link_checks, so the rebuild touches nothing else."""
    ex = db.execute
    ex(f"""CREATE TABLE link_checks_v5 (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL CHECK (length(url) BETWEEN 1 AND 4096),
        checked_at TEXT NOT NULL DEFAULT {NOW},
        verdict TEXT NOT NULL {_in('verdict', _LINK_VERDICTS_V5)},
        status_code INTEGER CHECK (status_code IS NULL OR status_code BETWEEN 100 AND 999),
        chain TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(chain)),
        final_url TEXT,
        elapsed_ms INTEGER CHECK (elapsed_ms IS NULL OR elapsed_ms >= 0),
        explanation TEXT,
        sponsor_id INTEGER REFERENCES sponsors(id) ON DELETE SET NULL
    )""")
    cols = "id, url, checked_at, verdict, status_code, chain, final_url, elapsed_ms, explanation, sponsor_id"
    ex(f"INSERT INTO link_checks_v5 ({cols}) SELECT {cols} FROM link_checks")
    ex("DROP TABLE link_checks")
    ex("ALTER TABLE link_checks_v5 RENAME TO link_checks")
    ex("CREATE INDEX link_checks_url_time ON link_checks(url, checked_at)")


@migrations()
def m006_payments(db: Database) -> None:
    """Payments received against invoices, how each credit note settles, and the buyer's tax id.

    An invoice's balance due is its total less the payments received and the credit notes issued against
    it that are deducted from it (a refunded credit note is paid back instead and leaves the balance)."""
    ex = db.execute
    ex(f"""CREATE TABLE payments (
        id INTEGER PRIMARY KEY,
        invoice_id INTEGER NOT NULL REFERENCES invoices(id) ON DELETE RESTRICT,
        paid_on TEXT NOT NULL CHECK (date(paid_on) IS paid_on),
        amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
        reference TEXT CHECK (reference IS NULL OR length(reference) <= 200),
        created_at TEXT NOT NULL DEFAULT {NOW}
    )""")
    ex("CREATE INDEX payments_invoice ON payments(invoice_id, paid_on)")
    ex(f"""CREATE TABLE credit_settlements (
        credit_note_id INTEGER PRIMARY KEY REFERENCES invoices(id) ON DELETE CASCADE,
        settlement TEXT NOT NULL DEFAULT 'deduct' {_in('settlement', ('deduct', 'refund'))},
        updated_at TEXT NOT NULL DEFAULT {NOW}
    )""")
    ex("ALTER TABLE sponsors ADD COLUMN tax_id TEXT CHECK (tax_id IS NULL OR length(tax_id) <= 60)")
    ex("ALTER TABLE agencies ADD COLUMN tax_id TEXT CHECK (tax_id IS NULL OR length(tax_id) <= 60)")
    _audit_triggers(db, "payments", "payment", skip_noop=True)

# -- schema v7 (m007): indexes for a network ten times wider ------------------------------

# Delivery per campaign (pacing) walks this index alone: a campaign's reads, grouped by episode (so the
# per-episode pricing's "first read of the campaign in the episode" is a short range of it too), with
# every column the counts read.
SCALE_INDEXES = {
    "ad_reads_delivery": "ad_reads(campaign_id, episode_id, status, make_good_of, units, invoice_id)",
    # the unbilled figures (dashboard card, network summary) read only the reads not invoiced yet, per
    # sponsor, from the index alone (on no invoice at all; from m009 on they come from unbilled_months,
    # which counts the reads on a draft too)
    "ad_reads_unbilled": "ad_reads(sponsor_id, episode_id, status, invoice_id) WHERE invoice_id IS NULL "
                         "AND status IN ('recorded', 'aired', 'verified')",
    # a CPM read's downloads: the latest snapshot at or before the campaign's window, without a sort
    "download_snapshots_latest": "download_snapshots(episode_id, day DESC, recorded_at DESC, downloads)",
    # one show's episodes newest first (the Episodes and Log pages) without walking every show's
    "episodes_show_air_date": "episodes(show_id, coalesce(published_on, recorded_on))",
}


@migrations()
def m007_scale_indexes(db: Database) -> None:
    """Indexes only (no data change): delivery per campaign, unbilled delivered reads (partial), the
    latest download snapshot per episode, a show's episodes by air date."""
    for name, target in SCALE_INDEXES.items():
        db.execute(f"CREATE INDEX {name} ON {target}")


# -- schema v8 (m008): seasons, and what a feed says about each episode ----------------------------------

#: The episode types of ``itunes:episodeType``.
EPISODE_TYPES = ("full", "trailer", "bonus")


@migrations()
def m008_seasons(db: Database) -> None:
    """Episodes get a season (NULL: the show has none), duration, episode type and enclosure; an episode's
    identity in its show becomes (season, number), so a feed whose numbers restart each season imports
    every episode. A season-less number and a seasoned one never collide (``coalesce(season, 0)``: "#5"
    and "S1 E5" are two episodes). Invoice lines keep the season of the episode they bill.

    Columns are added (``ALTER TABLE``), never rebuilt, so every trigger and index on episodes stays; the
    triggers are re-created at the end so the billed lock covers the season and the audit and lock triggers
    of invoice lines cover their new column."""
    ex = db.execute
    ex("ALTER TABLE episodes ADD COLUMN season INTEGER CHECK (season IS NULL OR season BETWEEN 1 AND 1000)")
    ex("ALTER TABLE episodes ADD COLUMN duration_seconds INTEGER "
       "CHECK (duration_seconds IS NULL OR duration_seconds BETWEEN 0 AND 604800)")
    ex("ALTER TABLE episodes ADD COLUMN episode_type TEXT NOT NULL DEFAULT 'full' "
       f"{_in('episode_type', EPISODE_TYPES)}")
    ex("ALTER TABLE episodes ADD COLUMN enclosure_url TEXT "
       "CHECK (enclosure_url IS NULL OR length(enclosure_url) <= 4096)")
    ex("ALTER TABLE episodes ADD COLUMN enclosure_type TEXT "
       "CHECK (enclosure_type IS NULL OR length(enclosure_type) <= 100)")
    ex("ALTER TABLE episodes ADD COLUMN enclosure_length INTEGER "
       "CHECK (enclosure_length IS NULL OR enclosure_length >= 0)")
    ex("DROP INDEX episodes_show_number")
    ex("CREATE UNIQUE INDEX episodes_show_season_number ON episodes(show_id, coalesce(season, 0), number) "
       "WHERE number IS NOT NULL")
    ex("ALTER TABLE invoice_lines ADD COLUMN episode_season INTEGER")
    rebuild_triggers(db)


# -- schema v9 (m009): counters of the reads not billed yet ------------------------------------------


# A deleted read's id is never given to a new read (SQLite takes max(rowid) + 1 without AUTOINCREMENT, so
# deleting the newest read handed its id, and its change_log history, to the next one logged). The largest
# id a deleted read had is kept here; ``store.reads.NEW_READ_ID`` numbers past it.
READ_ID_HIGH_WATER = "read_id_high_water"


def _read_id_trigger(db: Database) -> None:
    db.execute("DROP TRIGGER IF EXISTS read_id_high_water_delete")
    db.execute(f"CREATE TRIGGER read_id_high_water_delete AFTER DELETE ON ad_reads WHEN OLD.id > "
               f"(SELECT last FROM {READ_ID_HIGH_WATER}) BEGIN UPDATE {READ_ID_HIGH_WATER} SET last = OLD.id; END")


@migrations()
def m009_unbilled_counters(db: Database) -> None:
    """``unbilled_months``: delivered reads not billed yet (their invoice, if any, is a draft), per sponsor
    and month, with their first and last air date; kept by triggers (``store.unbilled``) and back-filled
    here from the reads. The dashboard and the network summary read it instead of every read.

    ``read_id_high_water``: one row, the largest id a read ever had (back-filled from the reads and from
    change_log, which remembers deleted ones), so a new read never takes a deleted read's id. No table
    is rebuilt."""
    unbilled.create(db.execute)
    unbilled.recount(db.execute)
    unbilled.triggers(db.execute)
    db.execute(f"CREATE TABLE {READ_ID_HIGH_WATER} (only INTEGER PRIMARY KEY CHECK (only = 1), "
               "last INTEGER NOT NULL)")
    db.execute(f"INSERT INTO {READ_ID_HIGH_WATER} (only, last) SELECT 1, max("
               "coalesce((SELECT max(id) FROM ad_reads), 0), "
               "coalesce((SELECT max(entity_id) FROM change_log WHERE entity = 'read'), 0))")
    _read_id_trigger(db)


# -- schema v10 (m010): a sponsor's other names ----------------------------------------------------------


@migrations()
def m010_sponsor_aliases(db: Database) -> None:
    """``sponsor_aliases``: the other names a sponsor goes by in show notes ("DO", "Digital Ocean"), so an
    import or a reconciliation recognises it by them. ``alias_key`` is the alias's normalised form
    (``store.catalog.alias_key``: case-folded, letters and digits only) and unique across every sponsor, so
    one alias never names two sponsors. Deleting a sponsor deletes its aliases. Nothing is back-filled.
    ``AUTOINCREMENT``: a removed alias's id is never given to a new one (undo tells rows apart by id)."""
    db.execute("""CREATE TABLE sponsor_aliases (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        sponsor_id INTEGER NOT NULL REFERENCES sponsors(id) ON DELETE CASCADE,
        alias TEXT NOT NULL CHECK (length(trim(alias)) BETWEEN 1 AND 200),
        alias_key TEXT NOT NULL UNIQUE CHECK (length(alias_key) >= 1),
        created_at TEXT NOT NULL DEFAULT """ + NOW + """
    )""")
    db.execute("CREATE INDEX sponsor_aliases_sponsor ON sponsor_aliases(sponsor_id)")
