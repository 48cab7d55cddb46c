"""Small-cell suppression for reports that leave the partnership.

A table of people counts is published with its row totals, column totals and grand total.
Cells with fewer than ``threshold`` people (but more than none) are hidden: *primary*
suppression. Hiding one cell of a row is not enough: the row total minus the published cells
gives it back. So more cells are hidden until every row and column with a hidden cell has at
least two (*secondary* or complementary suppression), and until every hidden cell lies on a
cycle of hidden cells (rows and columns alternating): a hidden cell that does not is recovered
by adding up the totals of the rows and columns on one side of it. And since zeros are shown,
every hidden cell is known to be at least 1: the hidden cells of a line whose total is shown
must add up to enough that none is narrowed down to fewer than three possible counts.

Totals count people too: a row total of 2 says "two people of this group took part". So the
published totals are treated as cells of a larger table (the cells with their row totals as
an extra column and their column totals as an extra row, the grand total in the corner),
in which every row and column adds up to a known zero; a small total is hidden like a small
cell, and the same rules protect it.

Hidden cells are all shown the same way, so a reader cannot tell the small ones from the
cells hidden to protect them. Everything here is a pure function of lists of integers.
"""

from ..config import ConfigError

DEFAULT_THRESHOLD = 5
MINIMUM_THRESHOLD = 3
# A hidden cell is never narrowed down to fewer than this many possible counts (1, 2 or 3 at
# the least) by the totals and the zeros shown around it.
MINIMUM_RANGE = 3


class ThresholdTooLow(ConfigError, ValueError):
    """A threshold below the minimum would publish cells that identify people."""


def check_threshold(threshold):
    """The threshold as an int; refuses values below ``MINIMUM_THRESHOLD``."""
    try:
        value = int(threshold)
    except (TypeError, ValueError) as error:
        raise ThresholdTooLow(f"MOSTY_REPORT_MIN_CELL must be a whole number, got {threshold!r}") \
            from error
    if value < MINIMUM_THRESHOLD:
        raise ThresholdTooLow(
            f"MOSTY_REPORT_MIN_CELL must be at least {MINIMUM_THRESHOLD}, got {value}: smaller "
            "cells identify people."
        )
    return value


def published_margins(n_rows, n_columns):
    """Which totals a table publishes: (row totals, column totals, grand total).

    A row total of a one-column table *is* its cell, so it is not published, and likewise
    column totals of a one-row table.
    """
    rows = n_columns >= 2
    columns = n_rows >= 2
    return rows, columns, rows or columns


def suppress(cells, threshold=DEFAULT_THRESHOLD):
    """The set of ``(row, column)`` positions to hide in the table ``cells`` (a list of rows)."""
    threshold = check_threshold(threshold)
    n_rows = len(cells)
    n_columns = len(cells[0]) if cells else 0
    if any(len(row) != n_columns for row in cells):
        raise ValueError("every row of a table needs the same number of cells")
    hidden = {(r, c) for r in range(n_rows) for c in range(n_columns)
              if 0 < cells[r][c] < threshold}
    if not hidden:
        return hidden
    check_rows, check_columns, _ = published_margins(n_rows, n_columns)
    while True:
        changed = _complete_lines(cells, hidden, check_rows, check_columns)
        if check_rows and check_columns:
            changed = _close_bridges(cells, hidden) or changed
        changed = _widen_sums(cells, hidden, check_rows, check_columns) or changed
        if not changed:
            return hidden


def _cheapest(cells, candidates):
    """The candidate to hide that costs least: the smallest count, people before empty cells."""
    return min(candidates, key=lambda rc: (cells[rc[0]][rc[1]] == 0, cells[rc[0]][rc[1]], rc))


def _lines(cells, check_rows, check_columns):
    """The published rows and columns of the table, each as its list of positions."""
    n_rows, n_columns = len(cells), len(cells[0])
    lines = []
    if check_rows:
        lines += [[(r, c) for c in range(n_columns)] for r in range(n_rows)]
    if check_columns:
        lines += [[(r, c) for r in range(n_rows)] for c in range(n_columns)]
    return lines


def _complete_lines(cells, hidden, check_rows, check_columns):
    """Hide one more cell in every published row/column that hides exactly one; until stable."""
    changed = False
    stable = False
    while not stable:
        stable = True
        for line in _lines(cells, check_rows, check_columns):
            if sum(1 for rc in line if rc in hidden) == 1:
                hidden.add(_cheapest(cells, [rc for rc in line if rc not in hidden]))
                stable = False
                changed = True
    return changed


def _widen_sums(cells, hidden, check_rows, check_columns):
    """Leave every hidden cell at least ``MINIMUM_RANGE`` possible counts; True when a cell was
    added.

    Zeros are published, so a reader knows each hidden cell is at least 1, and a line whose
    total is shown gives the sum of its hidden cells: two hidden cells adding up to 2 are both
    1, however well the equations are closed. So the hidden cells of such a line must add up
    to at least ``MINIMUM_RANGE + (k - 1)`` for ``k`` of them; while they do not, the line
    hides its cheapest other count or, having none, its total (the crossing line then
    protects that). The table is extended (``with_totals``): a line's last cell is its
    total."""
    for line in _lines(cells, check_rows, check_columns):
        *inner, total = line
        concealed = [rc for rc in inner if rc in hidden]
        if total in hidden or not concealed:
            continue
        if sum(cells[r][c] for r, c in concealed) - (len(concealed) - 1) >= MINIMUM_RANGE:
            continue
        counts = [rc for rc in inner if rc not in hidden and cells[rc[0]][rc[1]] > 0]
        hidden.add(_cheapest(cells, counts) if counts else total)
        return True
    return False


def _close_bridges(cells, hidden):
    """Put every hidden cell on a cycle of hidden cells; True when a cell was added.

    Rows and columns are the nodes of a graph whose edges are the hidden cells. The totals of
    the rows and columns on one side of a bridge (an edge on no cycle) add up to the bridge's
    value, so each bridge gets a new hidden cell joining its two sides.
    """
    for bridge in sorted(_bridges(hidden)):
        rest = hidden - {bridge}
        side = _component(rest, ("r", bridge[0]))
        candidates = [(r, c) for r in range(len(cells)) for c in range(len(cells[0]))
                      if ("r", r) not in side and ("c", c) in side and (r, c) not in hidden]
        if candidates:
            hidden.add(_cheapest(cells, candidates))
            return True
    return False


def _neighbours(hidden):
    graph = {}
    for r, c in hidden:
        graph.setdefault(("r", r), []).append((("c", c), (r, c)))
        graph.setdefault(("c", c), []).append((("r", r), (r, c)))
    return graph


def _component(hidden, start):
    graph = _neighbours(hidden)
    seen = {start}
    stack = [start]
    while stack:
        node = stack.pop()
        for other, _edge in graph.get(node, ()):
            if other not in seen:
                seen.add(other)
                stack.append(other)
    return seen


def _bridges(hidden):
    """Hidden cells that lie on no cycle (Tarjan's bridge search, iterative)."""
    graph = _neighbours(hidden)
    order, low, bridges = {}, {}, set()
    counter = 0
    for root in sorted(graph):
        if root in order:
            continue
        order[root] = low[root] = counter
        counter += 1
        stack = [(root, None, iter(graph[root]))]
        while stack:
            node, via, edges = stack[-1]
            advanced = False
            for other, edge in edges:
                if edge == via:
                    continue
                if other in order:
                    low[node] = min(low[node], order[other])
                else:
                    order[other] = low[other] = counter
                    counter += 1
                    stack.append((other, edge, iter(graph[other])))
                    advanced = True
                    break
            if not advanced:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        bridges.add(via)
    return bridges


def with_totals(cells):
    """The table extended by the totals it publishes: a total column (when row totals are
    published) and a total row (when column totals are), the grand total in their corner."""
    n_rows = len(cells)
    n_columns = len(cells[0]) if cells else 0
    rows, columns, _grand = published_margins(n_rows, n_columns)
    extended = [list(row) + ([sum(row)] if rows else []) for row in cells]
    if columns:
        extended.append([sum(row[c] for row in extended) for c in range(len(extended[0]))])
    return extended


def publish(cells, threshold=DEFAULT_THRESHOLD):
    """The table as published outside: hidden cells and hidden totals as ``None``.

    Returns ``(cells, row_totals, column_totals, grand_total)``; a margin the table does not
    publish (see ``published_margins``) is ``None`` as a whole.
    """
    n_rows = len(cells)
    n_columns = len(cells[0]) if cells else 0
    rows, columns, grand = published_margins(n_rows, n_columns)
    extended = with_totals(cells)
    hidden = suppress(extended, threshold)

    def value(r, c):
        return None if (r, c) in hidden else extended[r][c]

    shown = [[value(r, c) for c in range(n_columns)] for r in range(n_rows)]
    row_totals = [value(r, n_columns) for r in range(n_rows)] if rows else None
    column_totals = [value(n_rows, c) for c in range(n_columns)] if columns else None
    if rows and columns:
        grand_total = value(n_rows, n_columns)
    elif grand:  # one row or one column: its only total is the grand total
        grand_total = row_totals[0] if rows else column_totals[0]
    else:
        grand_total = None
    return shown, row_totals, column_totals, grand_total
