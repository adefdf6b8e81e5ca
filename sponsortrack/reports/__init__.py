"""PDF reports (reportlab; no Qt): the invoice, the monthly proof of performance, the network summary.

Each document is a pure function from its data (the classes of :mod:`sponsortrack.reports.data`,
gathered by the services) to a list of flowables, then one ``render_bytes`` call
(:mod:`sponsortrack.reports.render`) that adds page furniture ("Page X of Y") and PDF metadata. This
package never imports the services and never writes a file: ``services.reporting.write_monthly_pdf`` and
``services.invoicing.write_invoice_pdf`` gather, render and write atomically, for the CLI and the
window. User text reaches a ``Paragraph`` only through :func:`sponsortrack.reports.text.para` (escaped,
with a per-run font fallback for scripts DejaVu Sans lacks).
Importing this package is cheap; reportlab is imported by the submodules.
"""
