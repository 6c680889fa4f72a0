"""Collecting row issues as polars frames (one frame per rule, concatenated once)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from jaring.imports.lib.headers import FIELD_LABELS
from jaring.imports.lib.messages import MESSAGES, fmt_expr

ISSUE_SCHEMA = {
    "row": pl.Int64,
    "field": pl.String,
    "column": pl.String,
    "code": pl.String,
    "severity": pl.String,
    "message_id": pl.String,
    "message_en": pl.String,
    "value": pl.String,
}


@dataclass
class RowIssue:
    """One problem of one row: the spreadsheet row, the field and its header, a code and two messages."""

    row: int
    field: str
    column: str
    code: str
    severity: str
    message_id: str
    message_en: str
    value: str = ""


class IssueSink:
    """Accumulates issue frames; ``headers`` maps field -> header as written in the file."""

    def __init__(self, headers: dict[str, str] | None = None) -> None:
        self.headers = headers or {}
        self.frames: list[pl.DataFrame] = []

    def column_of(self, field: str) -> str:
        return self.headers.get(field, FIELD_LABELS.get(field, field))

    def add(
        self,
        df: pl.DataFrame,
        condition: pl.Expr,
        field: str,
        code: str,
        value: pl.Expr | None = None,
        **extra: pl.Expr | str | int,
    ) -> None:
        """Add one issue for every row of ``df`` where ``condition`` holds."""
        hit = df.filter(condition)
        if hit.height == 0:
            return
        severity, template_id, template_en = MESSAGES[code]
        value_expr = value if value is not None else pl.lit("")
        column = self.column_of(field)
        ctx: dict[str, pl.Expr | str | int] = {"value": value_expr, "column": column, **extra}
        self.frames.append(
            hit.select(
                pl.col("_row").cast(pl.Int64).alias("row"),
                pl.lit(field).alias("field"),
                pl.lit(column).alias("column"),
                pl.lit(code).alias("code"),
                pl.lit(severity).alias("severity"),
                fmt_expr(template_id, ctx).alias("message_id"),
                fmt_expr(template_en, ctx).alias("message_en"),
                value_expr.cast(pl.String).fill_null("").str.slice(0, 200).alias("value"),
            )
        )

    def frame(self) -> pl.DataFrame:
        """All issues, sorted by row."""
        if not self.frames:
            return pl.DataFrame(schema=ISSUE_SCHEMA)
        return pl.concat(self.frames, how="vertical").sort("row", maintain_order=True)

    def rows(self) -> list[RowIssue]:
        return [RowIssue(**r) for r in self.frame().to_dicts()]
