"""The look of the window: the light and dark palettes, text roles, and applying a theme.

Its own module so that the Preferences dialog, the start-up code and the benchmarks apply a theme without
importing the app (``ui.app`` imports the main window, which opens Preferences: that was a cycle).

"Follow the system" needs the desktop's colour scheme, and asking Qt for it hands Python a ``Qt.ColorScheme``:
the first ``Qt.*`` value makes PySide6 build every enum of the ``Qt`` namespace (93 enums, ~10 ms, the
largest single cost of start-up). So the scheme last seen is remembered in the settings and the first frame
is painted with it; once that frame is on screen the scheme is asked for (the window needs ``Qt`` by then
anyway) and, if it changed since the last start, the theme is applied again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QWidget

    from sponsortrack.ui.config import Config


def dark_palette() -> QPalette:
    p = QPalette()
    base, alt, window, text = QColor(30, 32, 36), QColor(38, 41, 46), QColor(42, 45, 50), QColor(228, 230, 235)
    p.setColor(QPalette.ColorRole.Window, window)
    p.setColor(QPalette.ColorRole.WindowText, text)
    p.setColor(QPalette.ColorRole.Base, base)
    p.setColor(QPalette.ColorRole.AlternateBase, alt)
    p.setColor(QPalette.ColorRole.ToolTipBase, QColor(55, 58, 64))
    p.setColor(QPalette.ColorRole.ToolTipText, text)
    p.setColor(QPalette.ColorRole.PlaceholderText, QColor(160, 165, 172))  # muted text: AA (>= 4.5:1) on Window
    p.setColor(QPalette.ColorRole.Text, text)
    p.setColor(QPalette.ColorRole.Button, QColor(50, 53, 59))
    p.setColor(QPalette.ColorRole.ButtonText, text)
    p.setColor(QPalette.ColorRole.BrightText, QColor(255, 110, 110))
    p.setColor(QPalette.ColorRole.Link, QColor(110, 170, 255))
    p.setColor(QPalette.ColorRole.LinkVisited, QColor(170, 140, 255))
    p.setColor(QPalette.ColorRole.Highlight, QColor(52, 110, 200))
    p.setColor(QPalette.ColorRole.HighlightedText, QColor(255, 255, 255))
    p.setColor(QPalette.ColorRole.Mid, QColor(70, 74, 80))
    p.setColor(QPalette.ColorRole.Midlight, QColor(60, 63, 69))
    p.setColor(QPalette.ColorRole.Dark, QColor(22, 23, 26))
    p.setColor(QPalette.ColorRole.Light, QColor(80, 84, 92))
    p.setColor(QPalette.ColorRole.Shadow, QColor(0, 0, 0))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(120, 124, 130))
    return p


_FUSION_LIGHT = {  # Fusion's standard light palette (Qt 6): role -> (normal, disabled)
    "WindowText": ("#000000", "#bebebe"), "Button": ("#efefef", "#efefef"), "Light": ("#ffffff", "#ffffff"),
    "Midlight": ("#cacaca", "#cacaca"), "Dark": ("#9f9f9f", "#bebebe"), "Mid": ("#b8b8b8", "#b8b8b8"),
    "Text": ("#000000", "#bebebe"), "BrightText": ("#ffffff", "#ffffff"), "ButtonText": ("#000000", "#bebebe"),
    "Base": ("#ffffff", "#efefef"), "Window": ("#efefef", "#efefef"), "Shadow": ("#767676", "#b1b1b1"),
    "Highlight": ("#308cc6", "#919191"), "HighlightedText": ("#ffffff", "#ffffff"),
    "Link": ("#0000ff", "#0000ff"), "LinkVisited": ("#ff00ff", "#ff00ff"), "AlternateBase": ("#f7f7f7", "#f7f7f7"),
    "ToolTipBase": ("#ffffdc", "#ffffdc"), "ToolTipText": ("#000000", "#000000"),
    "PlaceholderText": ("#646870", "#80000000"),  # Fusion has #80000000: 3.9:1 on Window, below AA
}


def light_palette() -> QPalette:
    """Fusion's light palette, spelled out (asking the style for it costs start-up time: PySide6 builds
    every ``QStyle`` enum on first use), with our highlight and backgrounds."""
    p = QPalette()
    for name, (normal, disabled) in _FUSION_LIGHT.items():
        role = getattr(QPalette.ColorRole, name)
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            p.setColor(group, role, QColor(normal))
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled))
    p.setColor(QPalette.ColorRole.Highlight, QColor(40, 100, 200))
    p.setColor(QPalette.ColorRole.AlternateBase, QColor(244, 246, 249))
    p.setColor(QPalette.ColorRole.Base, QColor(255, 255, 255))
    p.setColor(QPalette.ColorRole.Window, QColor(246, 247, 249))
    return p


# A table's grid in the theme's midlight (Fusion derives it from the window colour: all but invisible in
# the dark palette). A style sheet on the table alone: one on the application made every widget of the window
# go through Qt's style-sheet style, which cost a few milliseconds of start-up and slows painting.
TABLE_SHEET = "QTableView { gridline-color: palette(midlight); }"

# Text roles: font size (pt) and weight; colours come from the palette, so they follow the theme.
_ROLE_FONTS = {"h1": (15.0, 600), "h2": (11.0, 600), "figure": (17.0, 600)}
TEXT_ROLES = frozenset({*_ROLE_FONTS, "muted", "error", "plain"})


def set_role(widget: QWidget, role: str) -> None:
    """Give a label a text role: ``h1``, ``h2``, ``figure`` (larger, semi-bold), ``muted`` (the palette's
    placeholder text, AA on window and base), ``error`` (:func:`error_color`) or ``plain``. The ``role``
    property stays on the widget for whoever asks; a role can change at any time (an error hint turning
    back into a muted one). Cards and banners are widgets of their own (``ui.widgets.panels``)."""
    if role not in TEXT_ROLES:
        raise ValueError(f"role: {role!r} is not one of {', '.join(sorted(TEXT_ROLES))}")
    widget.setProperty("role", role)
    if role in _ROLE_FONTS:
        size, weight = _ROLE_FONTS[role]
        font = widget.font()
        font.setPointSizeF(size)
        font.setWeight(font.Weight(weight))
        widget.setFont(font)
    _colour_role(widget, role)


def _colour_role(widget: QWidget, role: str) -> None:
    if role == "muted":
        widget.setPalette(QPalette())  # nothing of its own: inherits the theme's
        widget.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    elif role == "error":
        app = QApplication.instance()
        pal = QPalette()
        colour = QColor(error_color(bool(app.property("st_dark")) if app is not None else False))
        pal.setColor(QPalette.ColorRole.WindowText, colour)
        pal.setColor(QPalette.ColorRole.Text, colour)
        widget.setPalette(pal)
        widget.setForegroundRole(QPalette.ColorRole.WindowText)
    else:
        widget.setPalette(QPalette())
        widget.setForegroundRole(QPalette.ColorRole.WindowText)


def mark_read_only(edit: QLineEdit) -> None:
    """A line edit that shows a value it will not change: read-only, on the window colour, not the base."""
    edit.setReadOnly(True)
    edit.setProperty("st_read_only", True)
    _read_only_colours(edit)


def _read_only_colours(edit: QWidget) -> None:
    pal = QPalette()
    pal.setBrush(QPalette.ColorRole.Base, QGuiApplication.palette().brush(QPalette.ColorRole.Window))
    edit.setPalette(pal)


def table_grid(view: QAbstractItemView) -> None:
    """The grid of :data:`TABLE_SHEET` on one table."""
    view.setStyleSheet(TABLE_SHEET)


def _restyle(app: QApplication) -> None:
    """After a theme change: the colours a widget holds itself (error text, read-only fields, table grids)."""
    for w in app.allWidgets():
        role = w.property("role")
        if role == "error":
            _colour_role(w, role)
        if w.property("st_read_only"):
            _read_only_colours(w)
        if w.styleSheet() == TABLE_SHEET:
            w.setStyleSheet("")
            w.setStyleSheet(TABLE_SHEET)  # palette(midlight) is read when the sheet is set


def system_is_dark() -> bool:
    """The desktop's colour scheme is dark (builds the ``Qt`` namespace's enums: see the module's doc)."""
    from PySide6.QtCore import Qt

    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def follow_system_scheme(app: QApplication, theme: str, config: Config) -> None:
    """After the first frame: ask the desktop for its scheme, remember it for the next start, and apply
    the theme again if the first frame guessed wrong (the scheme changed since the last start)."""
    dark = system_is_dark()
    if dark != config.system_dark:
        config.system_dark = dark
        if theme == "system":
            apply_theme(app, theme, system_dark=dark)


def apply_theme(app: QApplication, theme: str, system_dark: bool | None = None) -> bool:
    """Apply ``system``, ``light`` or ``dark``; returns whether the dark palette is in use. For ``system``,
    ``system_dark`` stands in for asking the desktop (the scheme remembered from the last start)."""
    if not app.property("st_fusion"):
        app.setStyle("Fusion")
        app.setProperty("st_fusion", True)
    if theme == "system" and system_dark is None:
        system_dark = system_is_dark()
    if theme == "dark" or (theme == "system" and system_dark):
        app.setPalette(dark_palette())
        app.setProperty("st_dark", True)
    else:
        app.setPalette(light_palette())
        app.setProperty("st_dark", False)
    dark = bool(app.property("st_dark"))
    if app.property("st_themed"):  # a change of theme (the first frame has no widget of its own colours)
        _restyle(app)
    app.setProperty("st_themed", True)
    return dark


def error_color(dark: bool) -> str:
    """Error text that keeps WCAG AA contrast (>= 4.5:1) on the theme's window and base colours."""
    return "#ff7b7b" if dark else "#c03030"
