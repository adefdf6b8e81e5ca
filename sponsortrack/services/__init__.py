"""Use cases shared by the GUI and the CLI. Plain Python: no Qt, no SQL (that is the store's)."""
