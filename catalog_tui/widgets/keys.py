"""Key bindings shared by the browser's lists: j and k move like the arrows everywhere."""

from __future__ import annotations

from textual.binding import Binding, BindingType

ROW_KEYS: list[BindingType] = [
    Binding("j", "cursor_down", "Down", show=False),
    Binding("k", "cursor_up", "Up", show=False),
]
