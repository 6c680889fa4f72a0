"""Locale-aware formatting of money, numbers, percentages and months: one rule for pages, exports and PDFs.

Pure functions (no Django import): the language is an argument (``"id"`` or ``"en"``; anything that does
not start with "id" reads as English). The template filters in ``core/templatetags/jaring_format.py`` pass
the request's language.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MONTHS = {
    "id": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}
_MONTH_TEXT = re.compile(r"^(\d{4})-(\d{1,2})(?:-\d{1,2})?$")


def _lang(language: str | None) -> str:
    return "id" if (language or "id").lower().startswith("id") else "en"


def separators(language: str | None) -> tuple[str, str]:
    """(thousands, decimal) separators: Indonesian 1.234,5; English 1,234.5."""
    return (".", ",") if _lang(language) == "id" else (",", ".")


def _as_number(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def format_number(
    value: object, language: str | None = "id", decimals: int = 0, *, trim: bool = False
) -> str:
    """``1234567.8`` as "1.234.568" (id) / "1,234,568" (en); ``decimals`` places; ``trim`` drops ",0"."""
    number = _as_number(value)
    if number is None:
        return "" if value is None else str(value)
    thousands, decimal = separators(language)
    rounded = abs(number).quantize(
        Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP
    )  # 0.5 up, as people do
    text = f"{rounded:,.{decimals}f}"  # Python's "1,234.5"
    whole, _, frac = text.partition(".")
    if trim and frac:
        frac = frac.rstrip("0")
    out = whole.replace(",", thousands) + (decimal + frac if frac else "")
    negative = number < 0 and any(ch not in "0.," for ch in out)
    return ("-" if negative else "") + out


def format_money(value: object, language: str | None = "id") -> str:
    """Rupiah without decimals: "Rp2.520.000" (id), "Rp2,520,000" (en); negatives "-Rp…"."""
    number = _as_number(value)
    if number is None:
        return "" if value is None else str(value)
    text = format_number(abs(number), language, 0)
    return ("-Rp" if number < 0 and text != "0" else "Rp") + text


def format_percent(value: object, language: str | None = "id", decimals: int = 1) -> str:
    """A percentage (97.5 → "97,5%" in id, "97.5%" in en); whole numbers without decimals ("100%")."""
    number = _as_number(value)
    if number is None:
        return "" if value is None else str(value)
    return format_number(number, language, decimals, trim=True) + "%"


def format_ratio(value: object, language: str | None = "id", decimals: int = 1) -> str:
    """A share between 0 and 1 as a percentage (0.975 → "97,5%")."""
    number = _as_number(value)
    if number is None:
        return "" if value is None else str(value)
    return format_percent(number * 100, language, decimals)


def format_decimal(value: object, language: str | None = "id", max_decimals: int = 4) -> str:
    """A measured value (a threshold, a rate) with as many decimals as it has: 0.9 → "0,9" (id)."""
    number = _as_number(value)
    if number is None:
        return "" if value is None else str(value)
    return format_number(number, language, max_decimals, trim=True)


def parse_decimal(text: str, language: str | None = "id") -> Decimal:
    """The inverse of :func:`format_decimal`: "0,9" (id) or "0.9" (en) → Decimal; ValueError if not."""
    thousands, decimal = separators(language)
    raw = text.strip().replace(" ", "")
    if _lang(language) == "id" and "," not in raw and raw.count(".") == 1 and len(raw.split(".")[1]) != 3:
        raw = raw.replace(".", ",")  # "0.9" typed on an Indonesian page: a decimal point, not thousands
    raw = raw.replace(thousands, "").replace(decimal, ".")
    try:
        number = Decimal(raw)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not number.is_finite():
        raise ValueError(text)
    return number


def month_of(value: object) -> tuple[int, int] | None:
    """(year, month) of a date, a datetime or a "YYYY-MM[-DD]" text; None otherwise."""
    if isinstance(value, dt.date):
        return value.year, value.month
    if isinstance(value, str):
        m = _MONTH_TEXT.match(value.strip())
        if m and 1 <= int(m.group(2)) <= 12:
            return int(m.group(1)), int(m.group(2))
    return None


def format_month(value: object, language: str | None = "id") -> str:
    """A month as "Jul 2025" (en) / "Agu 2025" (id), never "2025-07"."""
    ym = month_of(value)
    if ym is None:
        return "" if value is None else str(value)
    return f"{MONTHS[_lang(language)][ym[1] - 1]} {ym[0]}"


def format_month_span(first: object, last: object, language: str | None = "id") -> str:
    """Two months as "Jul 2025 – Des 2025" (one month alone when both are the same)."""
    a, b = format_month(first, language), format_month(last, language)
    return a if a == b else f"{a} – {b}"
