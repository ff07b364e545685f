"""Keys typed before the browser can take them (while the store opens, before the list is focused).

They are kept in order and read for what the user meant: text typed after `/` goes into the search
box; everything else is dropped, so typed-ahead letters never quit, select or sort.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual import events


@dataclass(slots=True)
class TypeAhead:
    keys: list[tuple[str, str | None]] = field(default_factory=list)

    def add(self, event: events.Key) -> None:
        self.keys.append((event.key, event.character))

    def extend(self, other: TypeAhead) -> None:
        self.keys.extend(other.keys)

    def search(self) -> tuple[str, bool] | None:
        """(the text meant for the search box, whether the user is still typing in it), or None
        when no `/` was typed."""
        text: str | None = None
        typing = False
        for key, character in self.keys:
            if not typing:
                if key == "slash":
                    text, typing = text or "", True
                continue
            if key in ("enter", "escape", "tab"):
                typing = False
            elif key == "backspace":
                text = (text or "")[:-1]
            elif key == "ctrl+u":
                text = ""
            elif character is not None and character.isprintable():
                text = (text or "") + character
        return None if text is None else (text, typing)
