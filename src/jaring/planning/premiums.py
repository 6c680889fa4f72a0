"""BPJS Ketenagakerjaan BPU contributions as effective-dated data: JKK brackets, JKM, JHT and discounts.

The figures live in the database (``PremiumSchedule``, ``JkkBracket``, ``PremiumDiscount``,
``OccupationGroup``), seeded from the defaults below by a data migration and edited in the admin; this
module computes with whatever data it is given (``PremiumData``), one person at a time or vectorised over
a polars frame. See docs/programmes.md for the sources of every figure.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import polars as pl

PAYER_KINDS = ("dbhcht", "apbd", "apbn", "csr", "other")


class PremiumError(ValueError):
    """A premium that cannot be computed (no schedule for the month, bad input), in both languages."""

    def __init__(self, code: str, message_id: str, message_en: str) -> None:
        self.code = code
        self.message_id = message_id
        self.message_en = message_en
        super().__init__(f"{message_id} / {message_en}")


@dataclass(frozen=True)
class Bracket:
    """Declared incomes from ``income_from`` pay JKK ``jkk`` (1% of ``declared_income``)."""

    income_from: int
    declared_income: int
    jkk: int
    verified: bool = False


@dataclass(frozen=True)
class Schedule:
    """The contribution rates valid from ``first_month`` to ``last_month`` (None: open-ended)."""

    name: str
    first_month: dt.date
    last_month: dt.date | None
    jkm: int
    jht_rate: Decimal
    legal_basis: str
    brackets: tuple[Bracket, ...]
    verified: bool = False

    def covers(self, month: dt.date) -> bool:
        return self.first_month <= month and (self.last_month is None or month <= self.last_month)


@dataclass(frozen=True)
class Discount:
    """A cut of ``percent``% on JKK+JKM over some months, for some workers, not for some payer kinds."""

    name: str
    first_month: dt.date
    last_month: dt.date
    percent: int
    group_match: str  # any, in_group, not_in_group
    group_occupations: frozenset[str]
    excluded_payer_kinds: frozenset[str]
    legal_basis: str
    verified: bool = False

    def covers(self, month: dt.date) -> bool:
        return self.first_month <= month <= self.last_month

    def applies(self, month: dt.date, payer_kind: str, occupation: str | None) -> bool:
        """Whether this discount applies to one person's contribution of ``month``."""
        if not self.covers(month) or payer_kind in self.excluded_payer_kinds:
            return False
        if self.group_match == "in_group":
            return occupation in self.group_occupations
        if self.group_match == "not_in_group":
            return occupation not in self.group_occupations
        return True


@dataclass(frozen=True)
class PremiumData:
    """All schedules and discounts (from the database, or the defaults)."""

    schedules: tuple[Schedule, ...]
    discounts: tuple[Discount, ...] = ()

    def schedule_for(self, month: dt.date) -> Schedule:
        """The schedule valid in ``month`` (the latest-starting one if several overlap)."""
        found = [s for s in self.schedules if s.covers(month)]
        if not found:
            raise PremiumError(
                "no_schedule",
                f"tidak ada tabel iuran BPU untuk bulan {month:%Y-%m}",
                f"no BPU contribution schedule covers {month:%Y-%m}",
            )
        return max(found, key=lambda s: s.first_month)


@dataclass(frozen=True)
class Breakdown:
    """One person-month's contribution in Rupiah, and the rule that gave it."""

    jkk: int
    jkm: int
    jht: int
    total: int
    rule: str
    schedule: str = ""
    discount: str | None = None
    declared_income: int = 0
    verified: bool = True
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The breakdown as ``jaring premium --json`` and the API print it."""
        return {"jkk": self.jkk, "jkm": self.jkm, "jht": self.jht, "total": self.total, "rule": self.rule}


def parse_month(value: str | dt.date) -> dt.date:
    """``2025-07`` (or a date) as the first day of its month."""
    if isinstance(value, dt.date):
        return value.replace(day=1)
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})(?:-\d{1,2})?\s*", value or "")
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1900:
        raise PremiumError(
            "bad_month",
            f"bulan {value!r} tidak valid (pakai YYYY-MM)",
            f"invalid month {value!r} (use YYYY-MM)",
        )
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


def _cut(amount: int, percent: int) -> int:
    """``amount`` less ``percent``%, rounded half up to whole Rupiah."""
    off = (Decimal(amount) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return amount - int(off)


def _bracket(schedule: Schedule, income: int | None) -> Bracket:
    chosen = schedule.brackets[0]
    for b in schedule.brackets:
        if income is not None and b.income_from <= income:
            chosen = b
    return chosen


def premium(
    income: int | None,
    month: str | dt.date,
    payer_kind: str,
    occupation: str | None = None,
    jht: bool = False,
    *,
    data: PremiumData,
) -> Breakdown:
    """The BPU contribution of one person for one month, paid by a source of ``payer_kind``."""
    if payer_kind not in PAYER_KINDS:
        raise PremiumError(
            "bad_payer",
            f"jenis pembayar {payer_kind!r} tidak dikenal ({', '.join(PAYER_KINDS)})",
            f"unknown payer kind {payer_kind!r} ({', '.join(PAYER_KINDS)})",
        )
    if income is not None and income < 0:
        raise PremiumError("bad_income", "penghasilan tidak boleh negatif", "income cannot be negative")
    day = parse_month(month)
    schedule = data.schedule_for(day)
    if not schedule.brackets:
        raise PremiumError(
            "no_brackets",
            f"tabel {schedule.name} tidak punya golongan JKK",
            f"{schedule.name} has no JKK brackets",
        )
    b = _bracket(schedule, income)
    jkk, jkm = b.jkk, schedule.jkm
    jht_amount = int((Decimal(b.declared_income) * schedule.jht_rate).quantize(Decimal(1), ROUND_HALF_UP))
    jht_amount = jht_amount if jht else 0
    applicable = [d for d in data.discounts if d.applies(day, payer_kind, occupation)]
    discount = max(applicable, key=lambda d: d.percent) if applicable else None
    parts = [
        f"{schedule.name} ({schedule.legal_basis})",
        f"JKK Rp{b.jkk:,} for declared income Rp{b.declared_income:,}"
        + ("" if b.verified else " [unverified]"),
        f"JKM Rp{schedule.jkm:,}",
    ]
    if jht:
        parts.append(f"JHT {float(schedule.jht_rate * 100):g}% = Rp{jht_amount:,}")
    if discount is not None:
        jkk, jkm = _cut(jkk, discount.percent), _cut(jkm, discount.percent)
        parts.append(f"{discount.name} ({discount.legal_basis}): -{discount.percent}% on JKK+JKM")
    else:
        parts.append("no discount")
    verified = b.verified and schedule.verified and (discount is None or discount.verified)
    return Breakdown(
        jkk=jkk,
        jkm=jkm,
        jht=jht_amount,
        total=jkk + jkm + jht_amount,
        rule="; ".join(parts),
        schedule=schedule.name,
        discount=discount.name if discount else None,
        declared_income=b.declared_income,
        verified=verified,
    )


def premium_frame(
    frame: pl.DataFrame,
    month: str | dt.date,
    payer_kind: str,
    jht: bool = False,
    *,
    data: PremiumData,
) -> pl.DataFrame:
    """Vectorised ``premium`` over a person frame (``id``, ``monthly_income``, ``occupation``):
    columns id, jkk, jkm, jht, total (Int64) for one month and payer kind."""
    calc = PremiumCalculator(frame, data)
    parts = calc.components(parse_month(month), payer_kind, jht)
    out = pl.DataFrame({"id": frame["id"], **{k: pl.Series(k, v, dtype=pl.Int64) for k, v in parts.items()}})
    return out.with_columns((pl.col("jkk") + pl.col("jkm") + pl.col("jht")).alias("total"))


class PremiumCalculator:
    """Premiums of every person of a frame for many months and payer kinds, sharing the work that does
    not change between them (bracket lookups, occupation-group membership): numpy, no Python row loop."""

    def __init__(self, frame: pl.DataFrame, data: PremiumData) -> None:
        self.data = data
        self.n = frame.height
        self.income = frame["monthly_income"].cast(pl.Int64).fill_null(-1).to_numpy()
        self.occupation = frame["occupation"]
        self._brackets: dict[str, tuple[Any, Any, Any]] = {}
        self._members: dict[frozenset[str], Any] = {}

    def _bracket_arrays(self, schedule: Schedule) -> tuple[Any, Any, Any]:
        import numpy as np

        if schedule.name not in self._brackets:
            froms = np.array([b.income_from for b in schedule.brackets], dtype=np.int64)
            idx = np.clip(np.searchsorted(froms, self.income, side="right") - 1, 0, None)
            jkk = np.array([b.jkk for b in schedule.brackets], dtype=np.int64)[idx]
            declared = np.array([b.declared_income for b in schedule.brackets], dtype=np.int64)[idx]
            self._brackets[schedule.name] = (idx, jkk, declared)
        return self._brackets[schedule.name]

    def _member(self, occupations: frozenset[str]) -> Any:
        if occupations not in self._members:
            self._members[occupations] = (
                self.occupation.is_in(sorted(occupations)).fill_null(False).to_numpy()
            )
        return self._members[occupations]

    def components(self, month: dt.date, payer_kind: str, jht: bool = False) -> dict[str, Any]:
        """jkk, jkm, jht as int64 numpy arrays for ``month`` paid by ``payer_kind``."""
        import numpy as np

        schedule = self.data.schedule_for(month)
        if not schedule.brackets:
            raise PremiumError(
                "no_brackets",
                f"tabel {schedule.name} tidak punya golongan JKK",
                f"{schedule.name} has no JKK brackets",
            )
        _idx, jkk, declared = self._bracket_arrays(schedule)
        jkm = np.full(self.n, schedule.jkm, dtype=np.int64)
        percent = np.zeros(self.n, dtype=np.int64)
        for d in self.data.discounts:
            if not d.covers(month) or payer_kind in d.excluded_payer_kinds:
                continue
            if d.group_match == "in_group":
                hit = self._member(d.group_occupations)
            elif d.group_match == "not_in_group":
                hit = ~self._member(d.group_occupations)
            else:
                hit = np.ones(self.n, dtype=bool)
            percent = np.where(hit, np.maximum(percent, d.percent), percent)
        # Round half up in integers: amount - floor((amount * p + 50) / 100).
        jkk_cut = jkk - (jkk * percent + 50) // 100
        jkm_cut = jkm - (jkm * percent + 50) // 100
        if jht:
            num, den = schedule.jht_rate.as_integer_ratio()
            jht_col = (declared * num * 2 + den) // (2 * den)
        else:
            jht_col = np.zeros(self.n, dtype=np.int64)
        return {"jkk": jkk_cut, "jkm": jkm_cut, "jht": jht_col}

    def total(self, month: dt.date, payer_kind: str, jht: bool = False) -> Any:
        """The total premium per person (int64 numpy array)."""
        parts = self.components(month, payer_kind, jht)
        return parts["jkk"] + parts["jkm"] + parts["jht"]


# --- defaults (seeded by migration 0002; edit them in the admin) --------------------------------------

JKK_LEGAL_BASIS = "PP 44/2015 as amended by PP 82/2019 and PP 49/2023, JKK BPU bracket table"
JKK_BRACKET_NOTE = (
    "Unverified intermediate bracket: the table's lowest (Rp1,000,000 -> Rp10,000) and highest "
    "(Rp20,700,000 -> Rp207,000) rows and the 1% rate are from DOMAIN.md; the Rp200,000 steps between "
    "them are a reconstruction to check against the regulation's appendix."
)


def default_brackets() -> list[Bracket]:
    """The JKK BPU bracket table: Rp1,000,000 then Rp1,300,000 … Rp20,700,000 in Rp200,000 steps."""
    declared = [1_000_000, *range(1_300_000, 20_700_001, 200_000)]
    out: list[Bracket] = []
    prev = -1
    for i, d in enumerate(declared):
        verified = i in (0, len(declared) - 1)
        out.append(
            Bracket(income_from=0 if i == 0 else prev + 1, declared_income=d, jkk=d // 100, verified=verified)
        )
        prev = d
    return out


DEFAULT_SCHEDULE = Schedule(
    name="BPU contributions from July 2015",
    first_month=dt.date(2015, 7, 1),
    last_month=None,
    jkm=6_800,
    jht_rate=Decimal("0.0200"),
    legal_basis="PP 44/2015 (amended by PP 82/2019, PP 49/2023); PP 46/2015, PP 60/2015 for JHT",
    brackets=tuple(default_brackets()),
    verified=True,
)

TRANSPORT_GROUP = {
    "slug": "transport-workers",
    "name": "Pekerja transportasi (PP 50/2025)",
    "name_en": "Transport workers (PP 50/2025)",
    "occupations": ["ojek_driver", "becak_delman_driver", "public_transport_driver"],
    "note": (
        "Occupations that count as transport workers for the PP 50/2025 discount. Unverified: the "
        "regulation's own list is not checked; add or remove categories in the admin."
    ),
}

PP50_BASIS = "PP 50/2025 (signed 22 Dec 2025; from news reports)"
PP50_NOTE = (
    "Unverified: figures from news reports of PP 50/2025, not its text. Members whose contributions "
    "APBN/APBD pay get no discount; DBHCHT is disbursed through the regency's APBD, so it is treated "
    "as APBD here (remove 'dbhcht' from the list if the regulation says otherwise)."
)

DEFAULT_DISCOUNTS = (
    Discount(
        name="PP 50/2025: transport workers",
        first_month=dt.date(2026, 1, 1),
        last_month=dt.date(2027, 3, 1),
        percent=50,
        group_match="in_group",
        group_occupations=frozenset(TRANSPORT_GROUP["occupations"]),
        excluded_payer_kinds=frozenset({"apbn", "apbd", "dbhcht"}),
        legal_basis=PP50_BASIS,
    ),
    Discount(
        name="PP 50/2025: other BPU workers",
        first_month=dt.date(2026, 4, 1),
        last_month=dt.date(2026, 12, 1),
        percent=50,
        group_match="not_in_group",
        group_occupations=frozenset(TRANSPORT_GROUP["occupations"]),
        excluded_payer_kinds=frozenset({"apbn", "apbd", "dbhcht"}),
        legal_basis=PP50_BASIS,
    ),
)

DEFAULT_DATA = PremiumData(schedules=(DEFAULT_SCHEDULE,), discounts=DEFAULT_DISCOUNTS)
