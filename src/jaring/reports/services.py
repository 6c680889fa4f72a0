"""Printable reports: the monthly report per funder (PDF via WeasyPrint).

Reports go to funders and villages, readers without person-level access: every count in them passes
the one disclosure rule (:mod:`jaring.core.lib.disclosure`). Money is printed as Rp2.520.000.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from jaring.core.lib.disclosure import DEFAULT_K, suppress_counts


class ReportError(ValueError):
    """A report cannot be made; the message is bilingual."""


def rupiah(amount: int | float | None) -> str:
    """Rp2.520.000 (Indonesian grouping, no decimals)."""
    if amount is None:
        return "—"
    return "Rp" + f"{round(amount):,}".replace(",", ".")


def month_label(key: str) -> str:
    """ "2025-07" -> "Jul 2025"."""
    return dt.date.fromisoformat(key + "-01").strftime("%b %Y")


@dataclass
class FunderReport:
    """The figures of one funder's monthly report."""

    programme: Any
    source: dict[str, Any]
    month: str
    persons: str
    cost: str
    total_persons: str
    total_person_months: str
    total_cost: str
    months: list[dict[str, str]]
    synthetic: bool
    plan_label: str


def funder_report(programme: Any, kind: str, month: str, *, k: int = DEFAULT_K) -> FunderReport:
    """The figures for the funder of ``kind`` in ``month``, from the programme's current plan.

    Hook: billed and paid amounts come from the enrolment app once it has landed; until then the plan's
    planned amounts are reported (and labelled as such).
    """
    from jaring.programmes import services as programmes

    plan = programmes.current_plan(programme)
    if plan is None:
        raise ReportError("Program belum punya rencana / the programme has no plan yet")
    sources = [s for s in plan.summary.get("sources", []) if s.get("kind") == kind]
    if not sources:
        raise ReportError(f"Tidak ada sumber dana {kind} / no funding source of kind {kind}")
    source = sources[0]
    if month not in source["months"]:
        raise ReportError(f"Bulan {month} di luar program / month {month} is outside the programme")
    keys = list(source["months"])
    # Persons per month, and the total, as one publication (a month's count could otherwise be
    # worked out from the others); a withheld count also withholds its amount.
    atoms = {m: int(source["months"][m]["persons"]) for m in keys}
    cells: dict[Any, list[Any]] = {m: [m] for m in keys}
    decided = suppress_counts(atoms, cells, k=k)
    rows = []
    for m in keys:
        cell = decided[m]
        rows.append(
            {
                "month": month_label(m),
                "persons": cell.display if cell.suppressed else f"{cell.value:,}".replace(",", "."),
                "cost": "×" if cell.suppressed else rupiah(source["months"][m]["cost"]),
                "current": m == month,
            }
        )
    now = next(r for r, m in zip(rows, keys, strict=True) if m == month)
    total = suppress_counts({0: int(source["persons"])}, {0: [0]}, k=k)[0]
    from jaring.programmes.services import programme_persons

    synthetic = programme_persons(programme).filter(is_synthetic=True).exists()
    return FunderReport(
        programme=programme,
        source=source,
        month=month_label(month),
        persons=now["persons"],
        cost=now["cost"],
        total_persons=total.display if total.suppressed else f"{total.value:,}".replace(",", "."),
        total_person_months=f"{int(source['person_months']):,}".replace(",", "."),
        total_cost="×" if total.suppressed else rupiah(source["cost"]),
        months=rows,
        synthetic=synthetic,
        plan_label=f"v{plan.version}" if plan.version else str(plan.kind),
    )


def render_pdf(html: str) -> bytes:
    """HTML to PDF with WeasyPrint (fonts from the system; no network)."""
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf())


def funder_pdf(report: FunderReport, language: str = "id") -> bytes:
    """The funder report as a PDF in ``language`` (id or en)."""
    with translation.override(language):
        html = render_to_string("reports/funder.html", {"r": report, "language": language})
    return render_pdf(html)
