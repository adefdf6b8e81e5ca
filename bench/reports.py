"""Benchmark: a 50-line invoice PDF, a sponsor's monthly POP and the month-end packet of the busiest month
on the 100,000-read database, each timed in process next to rendering the same tables alone with bare
reportlab, in the same run.

    python bench/make_big_db.py          # once: bench/big.db
    python bench/reports.py [--db bench/big.db] [--runs 15] [--out bench/out]

The big database is copied to a temporary file first (the benchmark issues one invoice in the copy).
Timed: for the invoice, loading the issued invoice from the database and rendering its PDF; for the
POP, gathering the month's data (reads, pacing, link checks) and rendering. The bare reference builds
the same table (same rows, columns, fonts and cell paragraphs) in a ``SimpleDocTemplate`` and nothing
else. Medians of interleaved runs, after one warm-up of each (fonts registered once per process).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sponsortrack.store import Store

TARGET_INVOICE_MS = 150
TARGET_POP_MS = 300
TARGET_RATIO = 1.3


def bare_table(rows: list[list], widths: list[float], pagesize) -> bytes:
    """The same table, with nothing around it: plain reportlab, the same fonts; a cell the report makes
    a paragraph (``(markup,)``) is a paragraph here too, a plain string stays a string."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    style = ParagraphStyle("c", fontName="DejaVuSans", fontSize=7.5, leading=9.2)
    data = [[c if isinstance(c, str) else Paragraph(c[0], style) for c in row] for row in rows]
    t = Table(data, colWidths=widths, repeatRows=1)
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, 0), 0.8, "black")]))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=pagesize, invariant=1).build([t])
    return buf.getvalue()


def _plain(cell) -> str | tuple[str]:
    """A table cell as the report built it: a string, or ``(markup,)`` for a paragraph."""
    if isinstance(cell, str):
        return cell
    text = getattr(cell, "text", None)
    return (text,) if text is not None else ""


def setup_invoice(store: Store) -> int:
    """Issue, in the copy, one invoice of exactly 50 lines from the busiest sponsor-month-campaign."""
    from sponsortrack.services import invoicing
    from sponsortrack.services import settings as ssvc
    from sponsortrack.store import invoices as istore

    ssvc.update_settings(store, seller_name="Changelog Media LLC",
                         seller_address="1200 Example Street, Suite 5\nOmaha, NE 68102\nUnited States",
                         payment_instructions="ACH or wire to Example Bank, account 000123456.")
    row = store.query_one(
        """SELECT r.sponsor_id, substr(coalesce(e.published_on, e.recorded_on), 1, 7) AS month, count(*) AS n
           FROM ad_reads r JOIN episodes e ON e.id = r.episode_id JOIN campaigns c ON c.id = r.campaign_id
           WHERE r.status IN ('recorded', 'aired', 'verified') AND c.pricing = 'flat'
           GROUP BY r.sponsor_id, month, r.campaign_id HAVING n >= 50 ORDER BY month DESC LIMIT 1""")
    assert row, "no sponsor-month with 50 reads in the database"
    res = invoicing.create_drafts(store, row["sponsor_id"], row["month"])
    inv = max(res.invoices, key=lambda i: len(i.lines))
    lines = [{c: getattr(ln, c) for c in istore.LINE_COLUMNS} for ln in inv.lines[:50]]
    istore.replace_draft(store, inv.id, invoicing.totals(lines, inv.commission_bp, inv.tax_bp), lines,
                         [ln["read_id"] for ln in lines])
    for other in res.invoices:
        if other.id != inv.id:
            invoicing.delete_draft(store, other.id)
    issued = invoicing.issue_invoice(store, inv.id, issue_date=f"{row['month']}-28")
    assert len(issued.lines) == 50
    return issued.id


def pick_pop(store: Store) -> tuple[int, str, int]:
    """A busy sponsor-month in the latest full year: the sponsor with the most reads that month."""
    row = store.query_one(
        """SELECT r.sponsor_id, substr(coalesce(e.published_on, e.recorded_on), 1, 7) AS month, count(*) AS n
           FROM ad_reads r JOIN episodes e ON e.id = r.episode_id
           WHERE coalesce(e.published_on, e.recorded_on) BETWEEN '2025-01-01' AND '2025-12-31'
           GROUP BY r.sponsor_id, month ORDER BY n DESC LIMIT 1""")
    return row["sponsor_id"], row["month"], row["n"]


def busiest_month(store: Store) -> str:
    return store.query_one(
        """SELECT substr(coalesce(e.published_on, e.recorded_on), 1, 7) AS month, count(*) AS n
           FROM ad_reads r JOIN episodes e ON e.id = r.episode_id
           GROUP BY month ORDER BY n DESC, month DESC LIMIT 1""")["month"]


def setup_packet(store: Store, month: str) -> None:
    """Issue every sponsor's invoices for the month (in the copy), so the packet has invoices to print."""
    from sponsortrack.errors import ValidationError
    from sponsortrack.services import invoicing, packet

    for sp in packet.sponsors_of_month(store, month):
        try:
            res = invoicing.create_drafts(store, sp.id, month)
        except ValidationError:
            continue
        for inv in res.invoices:
            with contextlib.suppress(ValidationError):   # a few generated buyers have no address
                invoicing.issue_invoice(store, inv.id, issue_date=f"{month}-28")


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(Path(__file__).with_name("big.db")))
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--packet-runs", type=int, default=3, help="Runs of the (long) month packet and its reference.")
    ap.add_argument("--out", help="Also write the PDFs into this folder.")
    args = ap.parse_args()
    src = Path(args.db)
    if not src.exists():
        print(f"{src} is missing: run python bench/make_big_db.py first", file=sys.stderr)
        return 1

    from reportlab.lib.units import mm

    from sponsortrack.reports import fonts
    from sponsortrack.reports.invoice import LINE_WIDTHS_MM, invoice_pdf_bytes, line_rows
    from sponsortrack.reports.pop import LOG_WIDTHS_MM, log_rows, pop_pdf_bytes
    from sponsortrack.reports.render import MARGIN, page_size_for
    from sponsortrack.services import invoicing, reporting

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "big.db"
        import sqlite3

        with contextlib.closing(sqlite3.connect(src)) as conn, contextlib.closing(sqlite3.connect(db)) as dst:
            conn.backup(dst)   # copied without opening it as a Store (that could migrate the original)
        store = Store(db)
        invoice_id = setup_invoice(store)
        sponsor_id, month, n_reads = pick_pop(store)
        busy = busiest_month(store)
        setup_packet(store, busy)
        fonts.register()

        def invoice() -> bytes:
            return invoice_pdf_bytes(invoicing.invoice_document(store, invoice_id))

        def pop() -> bytes:
            return pop_pdf_bytes(reporting.pop_data(store, sponsor_id, month, today="2026-01-05"))

        doc = invoicing.invoice_document(store, invoice_id)
        pagesize = page_size_for(doc.invoice.currency)
        width = pagesize[0] - 2 * MARGIN
        inv_rows = [[_plain(c) for c in row] for row in line_rows(doc)]
        inv_widths = [w * mm * width / (sum(LINE_WIDTHS_MM) * mm) for w in LINE_WIDTHS_MM]
        pop_data = reporting.pop_data(store, sponsor_id, month, today="2026-01-05")
        pop_rows = [[_plain(c) for c in row] for row in log_rows(pop_data)]
        pop_widths = [w * mm * width / (sum(LOG_WIDTHS_MM) * mm) for w in LOG_WIDTHS_MM]

        def bare_invoice() -> bytes:
            return bare_table(inv_rows, inv_widths, pagesize)

        def bare_pop() -> bytes:
            return bare_table(pop_rows, pop_widths, pagesize)

        # the packet: every sponsor of the busiest month; its reference renders, for each sponsor, the same
        # invoice line tables and airing-log table alone, and writes the same reads with the csv module
        from sponsortrack.services import export, packet

        packet_dir = Path(tmp) / "packet"
        bare_dir = Path(tmp) / "bare"
        bare_dir.mkdir()
        bare_jobs: list[tuple[list, list, str]] = []
        read_sets: list[list[dict]] = []
        n_sponsors = 0
        for sp in packet.sponsors_of_month(store, busy):
            n_sponsors += 1
            for inv in invoicing.list_invoices(store, sponsor=sp.id, month=busy):
                if inv.status != "draft":
                    d = invoicing.invoice_document(store, inv.id)
                    bare_jobs.append(([[_plain(c) for c in row] for row in line_rows(d)], inv_widths, "inv"))
            pd = reporting.pop_data(store, sp, busy, today="2026-01-05")
            bare_jobs.append(([[_plain(c) for c in row] for row in log_rows(pd)], pop_widths, "pop"))
            read_sets.append(export.read_rows(store, sponsor=sp.id, month=busy))

        def month_packet() -> bytes:
            res = packet.month_packet(store, busy, packet_dir, combined=False)
            return str(len(res.files)).encode()

        def bare_packet() -> bytes:
            import csv

            for i, (rows, widths, kind) in enumerate(bare_jobs):
                (bare_dir / f"{i}-{kind}.pdf").write_bytes(bare_table(rows, widths, pagesize))
            for i, reads in enumerate(read_sets):
                with open(bare_dir / f"{i}.csv", "w", newline="", encoding="utf-8") as fh:
                    w = csv.DictWriter(fh, fieldnames=export.READ_COLUMNS)
                    w.writeheader()
                    w.writerows(reads)
            return b""

        jobs = {"invoice": invoice, "bare_invoice": bare_invoice, "pop": pop, "bare_pop": bare_pop,
                "packet": month_packet, "bare_packet": bare_packet}
        outputs = {name: fn() for name, fn in jobs.items()}      # warm-up
        times: dict[str, list[float]] = {name: [] for name in jobs}
        for run in range(args.runs):
            for name, fn in jobs.items():
                if name.endswith("packet") and run >= args.packet_runs:
                    continue
                t0 = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t0)
        if args.out:
            out = Path(args.out)
            out.mkdir(parents=True, exist_ok=True)
            for name, data in outputs.items():
                if not name.endswith("packet"):
                    (out / f"{name}.pdf").write_bytes(data)
        store.close()

    from pypdf import PdfReader

    def pages(data: bytes) -> int:
        return len(PdfReader(io.BytesIO(data)).pages)

    inv_ms, bare_inv_ms = median_ms(times["invoice"]), median_ms(times["bare_invoice"])
    pop_ms, bare_pop_ms = median_ms(times["pop"]), median_ms(times["bare_pop"])
    ok_inv = inv_ms <= TARGET_RATIO * bare_inv_ms
    ok_pop = pop_ms <= TARGET_RATIO * bare_pop_ms
    print(f"database: {src} ({store_reads(src):,} reads); median of {args.runs} interleaved runs")
    print(f"invoice, 50 lines, {pages(outputs['invoice'])} pages:   {inv_ms:7.1f} ms   "
          f"bare table {bare_inv_ms:6.1f} ms ({pages(outputs['bare_invoice'])} pages)   "
          f"ratio {inv_ms / bare_inv_ms:.2f}x   target <= {TARGET_RATIO}x (and < {TARGET_INVOICE_MS} ms on CI)  "
          f"{'OK' if ok_inv else 'MISSED'}")
    print(f"POP, {n_reads} reads ({month}), {pages(outputs['pop'])} pages: {pop_ms:7.1f} ms   "
          f"bare table {bare_pop_ms:6.1f} ms ({pages(outputs['bare_pop'])} pages)   "
          f"ratio {pop_ms / bare_pop_ms:.2f}x   target <= {TARGET_RATIO}x (and < {TARGET_POP_MS} ms on CI)  "
          f"{'OK' if ok_pop else 'MISSED'}")
    pk_ms, bare_pk_ms = median_ms(times["packet"]), median_ms(times["bare_packet"])
    n_inv = sum(1 for _, _, k in bare_jobs if k == "inv")
    print(f"month packet, {busy}: {n_sponsors} sponsors, {n_inv} invoices, {n_sponsors} POPs, {n_sponsors} CSVs: "
          f"{pk_ms:7.0f} ms   sum of bare renders {bare_pk_ms:6.0f} ms   ratio {pk_ms / bare_pk_ms:.2f}x")
    return 0 if ok_inv and ok_pop else 1


def store_reads(path: Path) -> int:
    import sqlite3

    with contextlib.closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("SELECT count(*) FROM ad_reads").fetchone()[0])


if __name__ == "__main__":
    sys.exit(main())
