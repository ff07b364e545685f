"""The detail pane's links (campaigns, channels, type, related works): enter jumps there."""

from __future__ import annotations

from textual.widgets import OptionList

from .keys import ROW_KEYS


class LinkList(OptionList):
    BINDINGS = ROW_KEYS
