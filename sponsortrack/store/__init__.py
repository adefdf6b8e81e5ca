"""The store: the schema, its migrations and every SQL statement of the app.

Modules: ``db`` (opening, pragmas, backups, migrations, transactions), ``models`` (the dataclasses
returned), ``catalog`` (shows, episodes, sponsors, agencies), ``campaigns``, ``reads``,
``downloads``, ``settings``, ``changelog`` — and the feature modules beside them.
"""

from sponsortrack.store.db import Store, utc_now

__all__ = ["Store", "utc_now"]
