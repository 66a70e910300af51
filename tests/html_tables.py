"""The tables of an HTML page (as pandas and nbconvert write DataFrames) as lists of rows of cell text."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._depth = 0
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._depth += 1
            self.tables.append([])
        elif tag == "tr" and self._depth:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None
        elif tag == "table" and self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables_in(page: str) -> list[list[list[str]]]:
    """Every <table> of the page (a notebook's HTML embeds its outputs' HTML escaped in places: unescaped
    first), each a list of rows of cell texts, header rows included."""
    parser = _Tables()
    parser.feed(page)
    found = parser.tables
    # outputs embedded as escaped HTML inside the page (e.g. in a data attribute)
    for embedded in re.findall(r"&lt;table.*?&lt;/table&gt;", page, flags=re.S):
        inner = _Tables()
        inner.feed(html.unescape(embedded))
        found += inner.tables
    return found
