"""Terminal tables that stay readable at 80 and 120 columns, with no word broken.

A cell's text is broken across lines only at its spaces, never inside a word: a word is
a run of characters without a space, whether Latin (``organization``, ``A-JIANXIN``) or
Chinese (``济南泉安物业管理有限公司``, 2 cells a character, as a terminal shows it). So
every column is at least as wide as its widest word, and the table is drawn:

1. as it is, when every column fits at its natural width;
2. else as a table whose columns are at least their widest word wide, the rest of the
   line shared out among them by how much more they would take (rows are ruled apart
   once a cell takes two lines);
3. else, when even that is wider than the terminal, as records: each row a block of
   ``header  value`` lines under a rule ``── 3/16 ──``; empty values are left out.

The one cut: a word wider than a record's whole value column (a 64-digit digest on an
80-column terminal) ends in ``…`` where the line ends. ``--format json`` or ``csv`` has
it in full.

>>> print_table("单位 units", ["名称 name"], [["济南泉安物业管理有限公司"]], Console(width=40))
单位 units
┏━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ 名称 name                ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ 济南泉安物业管理有限公司 │
└──────────────────────────┘
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

#: what the cut end of a word too wide for a whole line ends with
ELLIPSIS = "…"
#: the spaces between a record's header and its value
_RECORD_GAP = 2


def widest_word(text: str) -> int:
    """The cells of the widest space-free run of ``text`` (0 for blank)."""
    return max((cell_len(word) for word in text.split()), default=0)


def natural_width(text: str) -> int:
    """The cells of ``text``'s widest line, unwrapped."""
    return max((cell_len(line) for line in text.splitlines()), default=0)


def cut_words(text: str, width: int) -> str:
    """``text`` with each word wider than ``width`` cut to ``width`` cells, the last
    being :data:`ELLIPSIS`; spaces and line breaks are kept."""
    lines = []
    for line in text.splitlines() or [""]:
        words = line.split(" ")
        lines.append(" ".join(
            w if cell_len(w) <= width else set_cell_size(w, width - 1).rstrip() + ELLIPSIS
            for w in words
        ))  # fmt: skip
    return "\n".join(lines)


def table_overhead(columns: int) -> int:
    """Cells a rich box table takes beside its columns' text: a border before each column
    and after the last, a space of padding each side of each column."""
    return 3 * columns + 1


def column_widths(
    headers: Sequence[str], rows: Sequence[Sequence[str]], width: int
) -> list[int] | None:
    """The width of each column so that the table fits ``width`` cells with no word
    broken, or None when it cannot (then it is drawn as records)."""
    columns = list(zip(headers, *rows, strict=True)) if headers else []
    least = [max(widest_word(cell) for cell in column) for column in columns]
    most = [max(natural_width(cell) for cell in column) for column in columns]
    room = width - table_overhead(len(columns))
    if sum(most) <= room:
        return most
    if sum(least) > room:
        return None
    spare, wanted = room - sum(least), [m - n for m, n in zip(most, least, strict=True)]
    total_wanted = sum(wanted)
    widths = [n + spare * w // total_wanted for n, w in zip(least, wanted, strict=True)]
    # what rounding left over goes, a cell at a time, to those still short of their width
    for index in sorted(range(len(widths)), key=lambda i: widths[i] - most[i]):
        if sum(widths) >= room:
            break
        if widths[index] < most[index]:
            widths[index] += 1
    return widths


def print_table(
    title: str, headers: Sequence[str], rows: Sequence[Sequence[str]],
    console: Console | None = None, optional: Sequence[int] = (),
) -> None:  # fmt: skip
    """Print ``rows`` under ``headers`` as a table, or as records when no table of the
    terminal's width holds every word whole (see the module's docstring). The columns
    ``optional`` (indexes, the first to go first) are left out, and the table says so,
    before it is given up for records."""
    console = console or Console()
    shown = list(range(len(headers)))
    widths = column_widths(headers, rows, console.width)
    left_out: list[str] = []
    for index in optional:
        if widths is not None:
            break
        shown.remove(index)
        left_out.append(headers[index])
        widths = column_widths([headers[i] for i in shown],
                               [[row[i] for i in shown] for row in rows], console.width)
    if widths is None:
        _print_records(title, headers, rows, console)
        return
    if left_out:
        title = f"{title} （此宽度下省略 not shown at this width: {'、'.join(left_out)}）"
        headers, rows = [headers[i] for i in shown], [[row[i] for i in shown] for row in rows]
    wraps = any(natural_width(cell) > width
                for row in rows for cell, width in zip(row, widths, strict=True))
    if title:  # above the table, as wide as the terminal (a narrow table would wrap it more)
        console.print(Text(cut_words(title, console.width), style="bold"))
    table = Table(show_lines=wraps)
    for header, width in zip(headers, widths, strict=True):
        # overflow "ellipsis" is never reached (each column holds its widest word, and the
        # cells come wrapped); were it, a word would show cut, not folded into a second word
        table.add_column(Text("\n".join(wrap_words(header, width))), width=width,
                         no_wrap=True, overflow="ellipsis")  # fmt: skip
    for row in rows:
        # wrapped here, not by rich: its wrap put a word of Chinese exactly filling the
        # rest of a line after a Latin one on that line, then cut it with "…"
        table.add_row(*[Text("\n".join(wrap_words(cell, width)))
                        for cell, width in zip(row, widths, strict=True)])  # fmt: skip
    console.print(table)


def wrap_words(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken only at spaces (and at its own
    line breaks); a word wider than ``width`` is first cut (:func:`cut_words`)."""
    lines: list[str] = []
    for paragraph in cut_words(text, width).splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            if line and cell_len(line) + 1 + cell_len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return lines


def _print_records(
    title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], console: Console
) -> None:
    width = console.width
    label = max((natural_width(h) for h in headers), default=0)
    if label > width // 3:  # headers are ours and short; were one not, it gets a line alone
        label = 0
    value = width - label - _RECORD_GAP if label else width - _RECORD_GAP
    if title:
        console.print(Text(cut_words(title, width), style="bold"))
    for number, row in enumerate(rows, start=1):
        console.print(Rule(f"{number}/{len(rows)}", align="left", style="dim"))
        for header, cell in zip(headers, row, strict=True):
            if not cell.strip():
                continue
            lines = wrap_words(cell, value)
            if label:
                pad = " " * (label - cell_len(header) + _RECORD_GAP)
                console.print(Text(header, style="bold") + Text(pad + lines[0]))
            else:
                console.print(Text(cut_words(header, width), style="bold"))
                console.print(Text(" " * _RECORD_GAP + lines[0]))
            for line in lines[1:]:
                console.print(Text(" " * (width - value) + line))
    if not rows:
        console.print("（无 none）")
