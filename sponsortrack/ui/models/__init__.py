"""Table models (QAbstractTableModel): column constants, text for DisplayRole, raw values in SORT_ROLE."""

from PySide6.QtCore import Qt

SORT_ROLE = Qt.ItemDataRole.UserRole + 1   # the raw value (cents, ISO dates) a view sorts by
ID_ROLE = Qt.ItemDataRole.UserRole + 2     # the record id of the row
OBJECT_ROLE = Qt.ItemDataRole.UserRole + 3  # the dataclass behind the row
