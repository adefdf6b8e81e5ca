"""Settings are declared once (key, type, default); reads and writes go through the declarations.

* The window's settings (``ui/config.py``, QSettings): every declared key is read somewhere in the app
  (the old write-only ``state/last_page`` is what this prevents), nothing else writes QSettings, and a
  stored value of the wrong type reads as the default without a traceback.
* The business settings (``services/settings.py``, in the database): the same for a wrong-typed value.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "sponsortrack"


def _sources() -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in ROOT.rglob("*.py")}


def test_every_declared_window_setting_is_read_somewhere():
    from sponsortrack.ui.config import Config

    config_py = ROOT / "ui" / "config.py"
    readers = {  # the option's attribute, or the Config method that reads it for the pages
        "geometry_state": "geometry", "window_layout": "window_state", "show_id": "last_show_id",
    }
    others = "\n".join(text for path, text in _sources().items() if path != config_py)
    for name in Config.options():
        reader = readers.get(name, name)
        assert re.search(rf"\.{reader}\b(?!\s*=[^=])", others), f"{name} is written but never read"


def test_only_the_declarations_touch_qsettings():
    for path, text in _sources().items():
        if path.name == "config.py" and path.parent.name == "ui":
            continue
        for node in ast.walk(ast.parse(text)):
            if (isinstance(node, ast.Attribute) and node.attr == "qs") or (
                    isinstance(node, ast.Name) and node.id == "QSettings"):
                pytest.fail(f"{path.relative_to(ROOT)}:{node.lineno} reaches QSettings past ui/config.py")


@pytest.mark.parametrize(("raw", "attr"), [
    ("purple", "theme"), ("12x", "link_per_host"), ("9999", "link_per_host"), ("maybe", "link_auto_recheck"),
    ("not bytes", "geometry_state"), ("seven", "show_id"), ("", "show_id"), ("0", "link_keep_history"),
])
def test_a_wrong_typed_window_setting_reads_as_its_default(tmp_path, raw, attr):
    from sponsortrack.ui.config import Config

    path = tmp_path / "s.ini"
    cfg = Config(str(path))
    option = Config.options()[attr]
    cfg.qs.setValue(option.key, raw)
    cfg.sync()
    again = Config(str(path))
    assert getattr(again, attr) == option.default


def test_window_settings_round_trip(tmp_path):
    from PySide6.QtCore import QByteArray

    from sponsortrack.ui.config import Config

    path = tmp_path / "s.ini"
    cfg = Config(str(path))
    cfg.theme = "dark"
    cfg.link_per_host = 4
    cfg.link_auto_recheck = False
    cfg.set_geometry(QByteArray(b"\x01\x02"))
    cfg.set_last_show_id(7)
    cfg.set_last_folder("export", "/tmp/x")
    cfg.system_dark = True
    cfg.sync()
    again = Config(str(path))
    assert (again.theme, again.link_per_host, again.link_auto_recheck, again.system_dark) == ("dark", 4, False, True)
    assert bytes(again.geometry().data()) == b"\x01\x02"
    assert again.last_show_id() == 7 and again.last_folder("export") == "/tmp/x"
    assert again.last_folder("import", "/home") == "/home"


def test_a_wrong_typed_business_setting_reads_as_its_default(store):
    from sponsortrack.services import settings as ssvc
    from sponsortrack.store import settings as sstore

    # written past the checks (by hand, by another program): the reads fall back, nothing raises
    sstore.put_many(store, {"default_terms_days": "thirty", "tax_bp": True, "packet_combined": "yes",
                            "invoice_number_pattern": 42, "seller_name": ["a"], "tax_label": None})
    got = ssvc.get_settings(store)
    assert got["default_terms_days"] == 30 and got["tax_bp"] == 0 and got["packet_combined"] is False
    assert got["invoice_number_pattern"] == "{year}-{seq:04}" and got["seller_name"] is None
    assert got["tax_label"] is None  # an emptied label stays empty, as before
    assert set(got) == set(ssvc.DEFAULTS) == {s.key for s in ssvc.SETTINGS} == set(ssvc.LABELS)


def test_business_settings_are_checked_by_their_declaration(store):
    from sponsortrack.errors import ValidationError
    from sponsortrack.services import settings as ssvc

    got = ssvc.update_settings(store, default_terms_days="14", tax_bp="7.5", packet_combined="on")
    assert (got["default_terms_days"], got["tax_bp"], got["packet_combined"]) == (14, 750, True)
    with pytest.raises(ValidationError, match="default_terms_days"):
        ssvc.update_settings(store, default_terms_days="400")
    with pytest.raises(ValidationError, match="nonsense: is not a setting"):
        ssvc.update_settings(store, nonsense=1)
