"""Small-cell suppression: what leaves the partnership never identifies a handful of people."""

import random

import pytest

from mosty.config import load_config
from mosty.reports.suppression import (
    ThresholdTooLow,
    check_threshold,
    publish,
    published_margins,
    suppress,
    with_totals,
)

# --- an attacker who knows the published table and that counts are whole numbers >= 0 -----


def feasible_values(shown, row_totals, column_totals, limit=None):
    """{(r, c): set of values} each hidden cell can take in some table consistent with what is
    published (the cells shown and the totals): an exhaustive search over small tables."""
    n_rows, n_columns = len(shown), len(shown[0])
    hidden = [(r, c) for r in range(n_rows) for c in range(n_columns) if shown[r][c] is None]
    row_left = [None if row_totals is None else
                row_totals[r] - sum(v for v in shown[r] if v is not None) for r in range(n_rows)]
    column_left = [None if column_totals is None else
                   column_totals[c] - sum(shown[r][c] for r in range(n_rows)
                                          if shown[r][c] is not None)
                   for c in range(n_columns)]
    bound = limit if limit is not None else max(
        [v for v in (row_left + column_left) if v is not None] + [20])
    found = {rc: set() for rc in hidden}
    remaining_in_row = {r: sum(1 for h in hidden if h[0] == r) for r in range(n_rows)}
    remaining_in_column = {c: sum(1 for h in hidden if h[1] == c) for c in range(n_columns)}
    values = {}

    def search(i):
        if i == len(hidden):
            for rc, v in values.items():
                found[rc].add(v)
            return
        r, c = hidden[i]
        top = bound
        if row_left[r] is not None:
            top = min(top, row_left[r])
        if column_left[c] is not None:
            top = min(top, column_left[c])
        remaining_in_row[r] -= 1
        remaining_in_column[c] -= 1
        for v in range(0, top + 1):
            # The last hidden cell of a line must close it exactly.
            if row_left[r] is not None and remaining_in_row[r] == 0 and v != row_left[r]:
                continue
            if (column_left[c] is not None and remaining_in_column[c] == 0
                    and v != column_left[c]):
                continue
            values[(r, c)] = v
            if row_left[r] is not None:
                row_left[r] -= v
            if column_left[c] is not None:
                column_left[c] -= v
            search(i + 1)
            if row_left[r] is not None:
                row_left[r] += v
            if column_left[c] is not None:
                column_left[c] += v
            del values[(r, c)]
        remaining_in_row[r] += 1
        remaining_in_column[c] += 1

    search(0)
    return found


def naive_publish(cells, threshold=5):
    """Primary suppression alone: what a careless report would publish."""
    shown = [[None if 0 < v < threshold else v for v in row] for row in cells]
    return shown, [sum(r) for r in cells], [sum(col) for col in zip(*cells, strict=True)]


# --- primary suppression -------------------------------------------------------------------

def test_cells_below_the_threshold_are_hidden_and_large_totals_stay():
    cells = [[12, 3, 20],
             [7, 9, 30]]
    shown, row_totals, column_totals, grand = publish(cells)
    assert shown[0][1] is None
    assert row_totals == [35, 46]
    assert column_totals == [19, 12, 50]
    assert grand == 81


def test_zero_cells_and_large_cells_are_shown():
    shown, *_ = publish([[0, 40], [25, 50]])
    assert shown == [[0, 40], [25, 50]]


def test_a_higher_threshold_hides_more():
    cells = [[6, 30], [20, 40]]
    assert suppress(cells, 5) == set()
    assert (0, 0) in suppress(cells, 10)


# --- suppression by subtraction --------------------------------------------------------------

def test_naive_suppression_leaks_a_cell_through_its_row_total():
    cells = [[2, 10, 20],
             [8, 9, 30]]
    shown, row_totals, column_totals = naive_publish(cells)
    # Row total 32 minus the published 10 and 20 gives the hidden 2 back.
    assert feasible_values(shown, row_totals, column_totals)[(0, 0)] == {2}


def test_secondary_suppression_stops_the_subtraction():
    cells = [[2, 10, 20],
             [8, 9, 30]]
    shown, row_totals, column_totals, _ = publish(cells)
    hidden = {(r, c) for r in range(2) for c in range(3) if shown[r][c] is None}
    # The smallest other cell of the row and of the column hide with it, and so does the
    # fourth corner that closes the rectangle.
    assert hidden == {(0, 0), (0, 1), (1, 0), (1, 1)}
    values = feasible_values(shown, row_totals, column_totals)
    assert len(values[(0, 0)]) > 1
    assert all(len(v) > 1 for v in values.values())


def test_a_small_cell_in_a_one_column_table_hides_a_second_one():
    cells = [[3], [40], [12]]
    shown, row_totals, column_totals, grand = publish(cells)
    assert row_totals is None                  # a row total would be the cell itself
    assert shown == [[None], [40], [None]]
    assert column_totals == [55] and grand == 55


def test_a_one_by_one_table_publishes_no_total_that_repeats_the_cell():
    shown, row_totals, column_totals, grand = publish([[2]])
    assert shown == [[None]] and row_totals is None and column_totals is None and grand is None
    assert published_margins(1, 1) == (False, False, False)


def test_a_bridge_between_two_hidden_rectangles_is_closed():
    # Two blocks of small cells joined by one small cell: with lines of two hidden cells
    # everywhere, the joining cell is still the difference of the totals on one side.
    cells = [[2, 3, 50, 50, 50],
             [3, 2, 1, 50, 50],
             [50, 50, 2, 3, 50],
             [50, 50, 3, 2, 50],
             [50, 50, 50, 50, 50]]
    shown, row_totals, column_totals, grand = publish(cells)
    published = _published(shown, row_totals, column_totals, grand)
    assert determined_positions(cells, published) == []
    assert _narrow_lines(cells, published) == []


def test_naive_line_rule_alone_would_leave_that_bridge():
    cells = [[2, 3, 50, 50, 50],
             [3, 2, 1, 50, 50],
             [50, 50, 2, 3, 50],
             [50, 50, 3, 2, 50],
             [50, 50, 50, 50, 50]]
    shown, row_totals, column_totals = naive_publish(cells)
    # Every row and column hides 0 or >= 2 cells, yet the joining cell is determined.
    for r in range(5):
        assert sum(v is None for v in shown[r]) != 1
    assert feasible_values(shown, row_totals, column_totals, limit=60)[(1, 2)] == {1}


# --- property checks over random tables ------------------------------------------------------

def _random_table(rng, zeros):
    n_rows, n_columns = rng.randint(1, 4), rng.randint(1, 4)
    low = 0 if zeros else 1
    return [[rng.choice([rng.randint(low, 4), rng.randint(low, 14)]) for _ in range(n_columns)]
            for _ in range(n_rows)]


@pytest.mark.parametrize("seed", range(300))
def test_no_hidden_cell_is_the_only_one_in_a_published_row_or_column(seed):
    rng = random.Random(seed)
    cells = _random_table(rng, zeros=True)
    threshold = rng.choice([3, 5, 8])
    shown, row_totals, column_totals, grand = publish(cells, threshold)
    extended = with_totals(cells)
    published = [list(row) + ([row_totals[r]] if row_totals is not None else [])
                 for r, row in enumerate(shown)]
    if column_totals is not None:
        published.append(list(column_totals) + ([grand] if row_totals is not None else []))
    for r, row in enumerate(extended):
        for c, value in enumerate(row):
            if 0 < value < threshold:
                assert published[r][c] is None                  # every small number hidden
            elif published[r][c] is not None:
                assert published[r][c] == value                 # what is shown is true
    # Every row and column of the extended table adds up to a known zero (cells minus their
    # total), so none may hide exactly one number.
    if len(published[0]) >= 2:
        assert all(sum(v is None for v in row) != 1 for row in published)
    if len(published) >= 2:
        assert all(sum(row[c] is None for row in published) != 1
                   for c in range(len(published[0])))
    if grand is not None:
        assert grand == sum(map(sum, cells))


def determined_positions(cells, published):
    """Hidden positions of the extended table whose value linear algebra gives back from what
    is published: ``e_i`` lies in the row space of the constraints restricted to the hidden
    unknowns (each row and column of the extended table sums to zero with the total negated).
    """
    from fractions import Fraction

    n_rows, n_columns = len(published), len(published[0])
    has_total_column = n_columns > len(cells[0])
    has_total_row = n_rows > len(cells)
    hidden = [(r, c) for r in range(n_rows) for c in range(n_columns) if published[r][c] is None]
    index = {rc: i for i, rc in enumerate(hidden)}

    def sign(r, c):
        at_total = (has_total_column and c == n_columns - 1) != (has_total_row and r == n_rows - 1)
        return -1 if at_total else 1

    lines = []
    if has_total_column:
        lines += [[(r, c) for c in range(n_columns)] for r in range(n_rows)]
    if has_total_row:
        lines += [[(r, c) for r in range(n_rows)] for c in range(n_columns)]
    matrix = [[Fraction(0)] * len(hidden) for _ in lines]
    for i, line in enumerate(lines):
        for r, c in line:
            if (r, c) in index:
                matrix[i][index[(r, c)]] = Fraction(sign(r, c))
    rank_of = _rank
    base = rank_of(matrix)
    found = []
    for rc, i in index.items():
        unit = [Fraction(int(j == i)) for j in range(len(hidden))]
        if rank_of([*matrix, unit]) == base:
            found.append(rc)
    return found


def _rank(matrix):
    rows = [list(r) for r in matrix if any(r)]
    rank, column = 0, 0
    width = len(rows[0]) if rows else 0
    while rank < len(rows) and column < width:
        pivot = next((i for i in range(rank, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            column += 1
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][column] != 0:
                factor = rows[i][column] / rows[rank][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
        column += 1
    return rank


@pytest.mark.parametrize("seed", range(150))
def test_no_hidden_cell_can_be_worked_out_from_everything_published(seed):
    rng = random.Random(1000 + seed)
    cells = _random_table(rng, zeros=False)
    shown, row_totals, column_totals, grand = publish(cells, 5)
    totals_shown = all(v is not None for v in (row_totals or []) + (column_totals or []))
    hidden_count = sum(v is None for row in shown for v in row)
    # The exhaustive search grows as (bound ** hidden cells): it runs where it finishes in
    # moments; the algebra and the bounds below cover every table.
    if totals_shown and hidden_count <= 3:
        # Every total published: search every whole-number table consistent with them.
        for position, values in feasible_values(shown, row_totals, column_totals).items():
            assert len(values) > 1, (cells, shown, position)
    published = [list(row) + ([row_totals[r]] if row_totals is not None else [])
                 for r, row in enumerate(shown)]
    if column_totals is not None:
        published.append(list(column_totals) + ([grand] if row_totals is not None else []))
    assert determined_positions(cells, published) == [], (cells, published)
    assert _narrow_lines(cells, published) == [], (cells, published)


def _published(shown, row_totals, column_totals, grand):
    published = [list(row) + ([row_totals[r]] if row_totals is not None else [])
                 for r, row in enumerate(shown)]
    if column_totals is not None:
        published.append(list(column_totals) + ([grand] if row_totals is not None else []))
    return published


def _narrow_lines(cells, published):
    """Lines with a shown total whose hidden cells, each at least 1 (zeros are shown), add up
    so little that one of them has fewer than MINIMUM_RANGE possible counts."""
    from mosty.reports.suppression import MINIMUM_RANGE, published_margins

    extended = with_totals(cells)
    rows, columns, _grand = published_margins(len(cells), len(cells[0]))
    n_rows, n_columns = len(published), len(published[0])
    lines = []
    if rows:
        lines += [[(r, c) for c in range(n_columns)] for r in range(n_rows)]
    if columns:
        lines += [[(r, c) for r in range(n_rows)] for c in range(n_columns)]
    narrow = []
    for line in lines:
        *inner, (tr, tc) = line
        hidden = [(r, c) for r, c in inner if published[r][c] is None]
        if published[tr][tc] is None or not hidden:
            continue
        if sum(extended[r][c] for r, c in hidden) - (len(hidden) - 1) < MINIMUM_RANGE:
            narrow.append(line)
    return narrow


@pytest.mark.parametrize("seed", range(150))
def test_no_hidden_cell_is_pinned_down_by_the_bounds(seed):
    """QA: zeros are shown, so each hidden cell is at least 1; a column hiding 1 and 1 under
    a total that leaves 2 for them gave both back."""
    rng = random.Random(5000 + seed)
    cells = _random_table(rng, zeros=True)
    threshold = rng.choice([3, 5, 8])
    shown, row_totals, column_totals, grand = publish(cells, threshold)
    published = _published(shown, row_totals, column_totals, grand)
    assert _narrow_lines(cells, published) == [], (cells, published)


def test_the_qa_column_keeps_its_two_ones_hidden_behind_a_larger_count():
    cells = [[0], [1], [1], [0], [7], [5], [0], [0], [0]]
    shown, _rows, column_totals, grand = publish(cells)
    assert column_totals == [14] and grand == 14
    hidden = [r for r, (value,) in enumerate(shown) if value is None]
    assert {1, 2} <= set(hidden) and len(hidden) >= 3
    # Each hidden cell has at least three possible counts given the total and the zeros.
    assert sum(cells[r][0] for r in hidden) - (len(hidden) - 1) >= 3


def test_a_small_row_total_is_hidden_with_a_second_total_to_protect_it():
    # A target group with two people in one county: the row total would say so.
    cells = [[1, 1],
             [10, 12],
             [9, 20]]
    shown, row_totals, column_totals, grand = publish(cells)
    assert shown[0] == [None, None]
    assert row_totals[0] is None                                  # 2 people: hidden
    assert sum(v is None for v in row_totals) >= 2                # and not by subtraction
    assert grand == 53 and column_totals == [20, 33]


def test_a_one_row_table_with_a_small_total_hides_it():
    shown, row_totals, column_totals, grand = publish([[1, 2]])
    assert shown == [[None, None]] and row_totals == [None] and grand is None
    assert column_totals is None


# --- the threshold ---------------------------------------------------------------------------

@pytest.mark.parametrize("value", [2, 1, 0, -5, "2", "abc", None])
def test_threshold_below_three_or_not_a_number_is_refused(value):
    with pytest.raises(ThresholdTooLow):
        check_threshold(value)
    with pytest.raises(ThresholdTooLow):
        suppress([[1, 2]], value)


def test_threshold_three_is_the_lowest_accepted():
    assert check_threshold(3) == 3
    assert check_threshold("7") == 7


def test_configured_threshold_is_read_and_checked(monkeypatch, tmp_path):
    monkeypatch.setenv("MOSTY_SECRET_KEY", "x")
    assert load_config(tmp_path)["MOSTY_REPORT_MIN_CELL"] == 5
    monkeypatch.setenv("MOSTY_REPORT_MIN_CELL", "8")
    assert load_config(tmp_path)["MOSTY_REPORT_MIN_CELL"] == 8
    monkeypatch.setenv("MOSTY_REPORT_MIN_CELL", "2")
    with pytest.raises(ThresholdTooLow, match="at least 3"):
        load_config(tmp_path)
