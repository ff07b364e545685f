"""The Stats tab's campaign × channel table: a DataTable that also moves with j and k."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from .keys import ROW_KEYS


class CrossTable(DataTable[Text]):
    BINDINGS = ROW_KEYS
