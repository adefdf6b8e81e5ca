"""The month-end packet: for each sponsor of a month, its invoice(s) and proof of performance as PDFs (or
one combined PDF per sponsor, the ``packet_combined`` setting) and a CSV of its reads, in one folder.

Plain Python, no Qt. ``progress(done, total, text)`` is called between steps and ``cancelled()`` is asked
between sponsors; a cancelled packet keeps the sponsors already written (each file is written atomically).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sponsortrack import validation as v
from sponsortrack.errors import ValidationError
from sponsortrack.services import catalog as cat
from sponsortrack.services import export, invoicing, reporting
from sponsortrack.services import settings as ssvc
from sponsortrack.store import Store


@dataclass
class PacketResult:
    month: str
    folder: Path
    files: list[Path] = field(default_factory=list)
    sponsors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)      # e.g. "Brave: invoice 3 is still a draft"
    cancelled: bool = False


def file_stem(text: str, empty: str = "sponsor") -> str:
    """A name as a file name: letters, digits, dots and dashes (``empty`` when nothing is left)."""
    return re.sub(r"[^\w.-]+", "-", text, flags=re.UNICODE).strip("-") or empty


def sponsors_of_month(store: Store, month: str) -> list:
    """Sponsors with reads or a running campaign in the month, by name."""
    from sponsortrack.store import reads as rstore
    from sponsortrack.store.reads import ReadFilter

    start, end = v.month_bounds(month)
    ids = {r.sponsor_id for r in rstore.list_reads(store, ReadFilter(date_from=start, date_to=end))}
    return [sp for sp in cat.list_sponsors(store) if sp.id in ids]


def _merge(parts: list[bytes]) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for data in parts:
        writer.append(io.BytesIO(data))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def month_packet(store: Store, month: str, folder: str | Path, *, sponsor: str | int | None = None,
                 combined: bool | None = None, progress: Callable[[int, int, str], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> PacketResult:
    from sponsortrack.outputs import write_atomic
    from sponsortrack.reports.invoice import invoice_pdf_bytes
    from sponsortrack.reports.pop import pop_pdf_bytes

    month = v.parse_month(month)
    out = Path(folder).expanduser()
    if out.exists() and not out.is_dir():
        raise ValidationError("output", f"{out} is not a folder")
    if not out.exists():
        if not out.parent.is_dir():
            raise ValidationError("output", f"folder {out.parent} does not exist")
        out.mkdir()
    if combined is None:
        combined = bool(ssvc.get_settings(store).get("packet_combined"))
    sponsors = [cat.resolve_sponsor(store, sponsor)] if sponsor is not None else sponsors_of_month(store, month)
    if not sponsors:
        raise ValidationError("month", f"no sponsor has reads in {month}")
    res = PacketResult(month=month, folder=out)
    total = len(sponsors)
    for i, sp in enumerate(sponsors):
        if cancelled is not None and cancelled():
            res.cancelled = True
            break
        if progress is not None:
            progress(i, total, f"{sp.name}: invoice, proof of performance, reads")
        stem = f"{file_stem(sp.name)}-{month}"
        parts: list[tuple[str, bytes]] = []
        for inv in invoicing.list_invoices(store, sponsor=sp.id, month=month):
            if inv.status == "draft":
                res.notes.append(f"{sp.name}: {inv.label} is still a draft and is not in the packet")
                continue
            if inv.status == "void":  # not payable: never sent as if it were
                res.notes.append(f"{sp.name}: {inv.label} is void and is not in the packet")
                continue
            data = invoice_pdf_bytes(invoicing.invoice_document(store, inv.id))
            kind = "credit-note" if inv.kind == "credit_note" else "invoice"
            parts.append((f"{stem}-{kind}-{file_stem(inv.number or str(inv.id))}.pdf", data))
        if not parts:
            res.notes.append(f"{sp.name}: no issued invoice for {month}")
        try:
            parts.append((f"{stem}-proof-of-performance.pdf", pop_pdf_bytes(reporting.pop_data(store, sp, month))))
        except ValidationError as exc:
            res.notes.append(f"{sp.name}: {exc.problem}")
        if combined and parts:
            parts = [(f"{stem}.pdf", _merge([d for _, d in parts]))]
        for name, data in parts:
            res.files.append(write_atomic(data, out / name))
        res.files.append(export.stream_csv(export.read_records(store, sponsor=sp.id, month=month),
                                           export.READ_COLUMNS, out / f"{stem}-reads.csv", guarded=True)[0])
        res.sponsors.append(sp.name)
    if progress is not None and not res.cancelled:
        progress(total, total, f"Wrote {len(res.files)} files for {len(res.sponsors)} sponsors")
    return res
