"""Name normalisation shared by search and import."""

from __future__ import annotations

import re
import unicodedata

import polars as pl

_NON_ALNUM = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")


def search_key(name: str) -> str:
    """Lower-case, accent-free, punctuation-free, single-spaced form of a name."""
    folded = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    return _SPACES.sub(" ", _NON_ALNUM.sub(" ", folded)).strip()


def search_key_expr(col: pl.Expr) -> pl.Expr:
    """The same as :func:`search_key`, vectorised for polars (ASCII folding of common Latin accents)."""
    return (
        col.str.to_lowercase()
        .str.normalize("NFKD")
        .str.replace_all(r"[^\x00-\x7f]", "")
        .str.replace_all(r"[^a-z0-9 ]+", " ")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )
