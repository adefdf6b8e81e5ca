"""The schema's migration names, importable without sqlite-utils (a test keeps it in step)."""

MIGRATION_SET = "sponsortrack"
MIGRATION_NAMES = ("m001_initial", "m002_read_search", "m003_billed_lock", "m005_link_verdicts",
                   "m006_payments", "m007_scale_indexes", "m008_seasons", "m009_unbilled_counters",
                   "m010_sponsor_aliases")
