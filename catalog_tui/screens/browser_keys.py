"""The browser's keys (MainScreen.BINDINGS): each has a description, shows in the footer or the
help (screens/help.py), and is a palette command (commands.py)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from ..widgets.pane_deck import TAB_NAMES

BROWSER_KEYS: list[BindingType] = [
    # Descriptions are English here; i18n.translated shows them in the chosen language.
    # Bindings that move the focus are priority bindings: they run before the keys queued
    # behind them are handed to the focused widget, so those keys reach the new focus. The
    # ones that are text in the search box step aside there (SkipAction).
    Binding("slash", "focus_search", "Search", priority=True),
    Binding("escape", "focus_list", "List", show=False, priority=True),
    Binding("enter", "submit_search", "Results", show=False, priority=True),
    Binding("left_square_bracket", "step_tab(-1)", "Prev tab", show=False, priority=True),
    Binding("right_square_bracket", "step_tab(1)", "Next tab", show=False, priority=True),
    *[
        Binding(str(n), f"show_tab({n - 1})", f"Tab {n}", show=False, priority=True)
        for n in range(1, len(TAB_NAMES) + 1)
    ],
    Binding("w", "show_works", "Works", show=False),
    Binding("l", "focus_links", "Links", show=False),
    Binding("f", "toggle_facets", "Filters", priority=True),
    Binding("F", "clear_filters", "Clear filters", show=False),
    Binding("s", "cycle_sort", "Sort"),
    Binding("S", "reverse_sort", "Reverse sort", show=False),
    # Back and forward through jumps (Enter on a link, the palette), like a browser.
    Binding("backspace,alt+left", "back", "Back", show=False, priority=True),
    Binding("alt+right", "forward", "Forward", show=False, priority=True),
    Binding("a", "select_matches", "Select all", show=False),
    Binding("A", "clear_selection", "Clear selection", show=False, priority=True),
    # Keys that open a dialog are priority bindings too: the keys typed next reach the dialog.
    Binding("e", "export", "Export", priority=True),
    Binding("ctrl+s", "save_search", "Save search", priority=True),
    Binding("t", "toggle_english", "English titles", show=False),
    Binding("L", "app.toggle_language", "Language"),
    Binding("r", "read_source", "Read source", show=False),
    Binding("c", "copy_citation", "Copy citation", show=False),
    Binding("C", "copy_id", "Copy id and title", show=False),
]
