"""The tab row: numbered labels, only the active one named in a narrow terminal."""

from __future__ import annotations

from textual.widgets import Tab, Tabs

from ..i18n import t

SHORT_TABS_WIDTH = 100


class TabBar(Tabs):
    def __init__(self, names: tuple[str, ...], **kwargs: object) -> None:
        super().__init__(*(Tab(t(f"tab.{name}", n=n + 1), id=f"tab-{name}") for n, name in enumerate(names)),
                         **kwargs)  # type: ignore[arg-type]  # fmt: skip
        self.names = names

    def relabel(self, active: str, width: int) -> None:
        """Label every tab in the interface language for a screen `width` columns wide."""
        short = bool(width) and width < SHORT_TABS_WIDTH
        for number, name in enumerate(self.names):
            label = t(f"tab.{name}", n=number + 1) if name == active or not short else str(number + 1)
            self.query_one(f"#tab-{name}", Tab).label = label
