"""Class breaks for choropleth legends: equal interval, quantiles and natural breaks (Jenks). Pure."""

from __future__ import annotations

from collections.abc import Sequence

METHODS = ("equal", "quantile", "jenks")


def equal_interval(values: Sequence[float], classes: int) -> list[float]:
    """Upper bounds of ``classes`` classes of equal width over [min, max]."""
    if not values:
        return []
    lo, hi = min(values), max(values)
    if hi == lo:
        return [hi]
    step = (hi - lo) / classes
    return [lo + step * i for i in range(1, classes)] + [hi]


def quantiles(values: Sequence[float], classes: int) -> list[float]:
    """Upper bounds so that each class holds about as many values (duplicates merged)."""
    if not values:
        return []
    data = sorted(values)
    n = len(data)
    bounds = [data[min(n - 1, max(0, round(n * i / classes) - 1))] for i in range(1, classes)] + [data[-1]]
    return sorted(set(bounds))


def jenks(values: Sequence[float], classes: int) -> list[float]:
    """Natural breaks (Jenks/Fisher): upper bounds minimising the within-class squared deviations.

    Dynamic programming over the sorted values, O(k·n²); villages of a regency are a few hundred.
    """
    data = sorted(values)
    n = len(data)
    if n == 0:
        return []
    classes = max(1, min(classes, len(set(data))))
    prefix = [0.0]
    prefix_sq = [0.0]
    for v in data:
        prefix.append(prefix[-1] + v)
        prefix_sq.append(prefix_sq[-1] + v * v)

    def cost(i: int, j: int) -> float:  # values data[i:j]
        s = prefix[j] - prefix[i]
        return (prefix_sq[j] - prefix_sq[i]) - s * s / (j - i)

    inf = float("inf")
    best = [[inf] * (n + 1) for _ in range(classes + 1)]
    cut = [[0] * (n + 1) for _ in range(classes + 1)]
    best[0][0] = 0.0
    for c in range(1, classes + 1):
        for j in range(c, n + 1):
            for i in range(c - 1, j):
                if best[c - 1][i] == inf:
                    continue
                total = best[c - 1][i] + cost(i, j)
                if total < best[c][j]:
                    best[c][j], cut[c][j] = total, i
    bounds, j = [], n
    for c in range(classes, 0, -1):
        bounds.append(data[j - 1])
        j = cut[c][j]
    return sorted(set(bounds))


def breaks(values: Sequence[float], classes: int = 5, method: str = "quantile") -> list[float]:
    """Upper class bounds by ``method`` (one of METHODS)."""
    if method == "equal":
        return equal_interval(values, classes)
    if method == "jenks":
        return jenks(values, classes)
    if method == "quantile":
        return quantiles(values, classes)
    raise ValueError(f"unknown classification: {method}")


def class_of(value: float, bounds: Sequence[float]) -> int:
    """The index of the class ``value`` falls in (the first bound it does not exceed)."""
    for i, b in enumerate(bounds):
        if value <= b:
            return i
    return max(0, len(bounds) - 1)
