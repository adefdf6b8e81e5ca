"""PDF reports (reportlab; no Qt): the invoice, the monthly proof of performance, the network summary.

Each document is a pure function from data (built by the services) to a list of flowables, then one
``render`` call (:mod:`sponsortrack.reports.render`) that adds page furniture ("Page X of Y"), PDF
metadata and writes the file atomically. User text reaches a ``Paragraph`` only through
:func:`sponsortrack.reports.text.para` (escaped, with a per-run font fallback for scripts DejaVu Sans
lacks). Importing this package is cheap; reportlab is imported by the submodules.
"""
