"""Disclosure control: no small count can be recovered from what is published with it."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jaring.core.lib.disclosure import Status, cells_from_views, suppress_counts
from tests.core.attacker import intervals, recovered

TWO_WAY = [("village",), ("source",), ("village", "source"), ()]


def _two_way(table: list[list[int]]) -> tuple[dict, dict]:
    atoms = {(f"v{i}", f"s{j}"): n for i, row in enumerate(table) for j, n in enumerate(row)}
    return cells_from_views(atoms, ["village", "source"], TWO_WAY)


def test_a_small_cell_with_its_margins_published_is_not_recoverable_by_subtraction() -> None:
    grid, cells = _two_way([[2, 10, 8], [7, 12, 9], [6, 11, 14]])
    published = suppress_counts(grid, cells)
    assert published[(("village", "source"), ("v0", "s0"))].status is Status.PRIMARY
    # Primary suppression alone would give it away: row total 20 minus 10 and 8.
    assert published.secondary >= 3
    assert recovered(grid, cells, published) == []


def test_without_complementary_cells_the_attacker_would_win() -> None:
    """The attacker is real: primary suppression alone loses the cell."""
    from jaring.core.lib.disclosure import Cell, Publication

    grid, cells = _two_way([[2, 10, 8], [7, 12, 9], [6, 11, 14]])
    honest = suppress_counts(grid, cells)
    naive = Publication(
        cells={
            key: Cell(c.value, Status.PRIMARY if c.status is Status.PRIMARY else Status.SHOWN, 5)
            for key, c in honest.cells.items()
        },
        k=5,
    )
    found = intervals(grid, cells, naive)
    assert found[(("village", "source"), ("v0", "s0"))] == pytest.approx((2.0, 2.0))
    assert recovered(grid, cells, naive) != []


def test_large_counts_are_all_shown() -> None:
    grid, cells = _two_way([[20, 10], [30, 40]])
    published = suppress_counts(grid, cells)
    assert all(c.status is Status.SHOWN for c in published.cells.values())
    assert published[((), ())].value == 100


def test_zero_is_shown_and_k_is_a_parameter() -> None:
    grid, cells = _two_way([[0, 7], [9, 40]])
    assert suppress_counts(grid, cells, k=5)[(("village", "source"), ("v0", "s0"))].display == "0"
    ten = suppress_counts(grid, cells, k=10)
    assert ten[(("village", "source"), ("v0", "s1"))].display == "<10"
    assert recovered(grid, cells, ten) == []


def test_months_published_together_are_protected_together() -> None:
    """A cumulative count next month minus this month's reveals the new registrations: link them."""
    atoms = {}
    for m, v, s in itertools.product(["2025-07", "2025-08"], ["a", "b", "c"], ["x", "y"]):
        atoms[(m, v, s)] = {("2025-07", "a", "x"): 3, ("2025-08", "a", "x"): 4}.get((m, v, s), 9)
    views = [("month", "village"), ("month", "source"), ("month", "village", "source"), ("month",), ()]
    grid, cells = cells_from_views(atoms, ["month", "village", "source"], views)
    published = suppress_counts(grid, cells)
    assert recovered(grid, cells, published) == []
    assert published.primary == 2


def test_a_whole_table_of_small_counts_is_withheld_consistently() -> None:
    grid, cells = _two_way([[1, 2], [3, 1]])
    published = suppress_counts(grid, cells)
    assert recovered(grid, cells, published) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(2, 5).flatmap(
        lambda rows: st.integers(2, 4).flatmap(
            lambda cols: st.lists(
                st.lists(st.one_of(st.integers(0, 6), st.integers(0, 40)), min_size=cols, max_size=cols),
                min_size=rows,
                max_size=rows,
            )
        )
    ),
    st.sampled_from([3, 5]),
)
def test_on_random_tables_the_attacker_recovers_no_cell(table: list[list[int]], k: int) -> None:
    grid, cells = _two_way(table)
    published = suppress_counts(grid, cells, k=k)
    assert recovered(grid, cells, published) == []
    for key, cell in published.cells.items():
        if 0 < cell.value < k:
            assert cell.suppressed, key


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 12), min_size=12, max_size=12))
def test_on_random_three_way_tables_with_every_two_way_margin_nothing_is_recovered(
    counts: list[int],
) -> None:
    keys = list(itertools.product(["a", "b", "c"], ["x", "y"], ["p", "q"]))
    atoms = dict(zip(keys, counts, strict=True))
    views = [("v", "s"), ("v", "o"), ("s", "o"), ("v",), ("s",), ("o",), ()]
    grid, cells = cells_from_views(atoms, ["v", "s", "o"], views)
    published = suppress_counts(grid, cells)
    assert recovered(grid, cells, published) == []
