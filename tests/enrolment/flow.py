"""The small approved scenario, enrolled and answered: helpers shared by the enrolment and payment tests."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from jaring.enrolment import answers, services
from jaring.enrolment.models import EnrolmentBatch
from jaring.programmes import services as programme_services
from tests.programmes.scenario import Scenario, make_scenario


def approved_scenario(world: Any) -> Scenario:
    """The reference scenario with its plan approved as version 1 by the programme officer."""
    sc = make_scenario(world)
    officer = world.users["disnaker.officer"]
    plan = programme_services.save_plan_view(
        programme_services.compute_plan(sc.programme), actor=officer, via="test"
    )
    programme_services.approve_plan(plan, actor=officer, via="test")
    return sc


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


ANSWER_HEADER = ["REFERENSI_BATCH", "NIK", "STATUS", "KPJ", "TANGGAL_MULAI", "ALASAN"]


def answer_rows(
    batch: EnrolmentBatch, start: dt.date | None = None, kpj_base: int = 25070000000
) -> list[list[Any]]:
    """BPJS registers everyone of the batch (KPJ numbers from ``kpj_base``)."""
    start = start or batch.start_month
    return [
        [batch.reference, e.person.nik, "TERDAFTAR", str(kpj_base + i), start.isoformat(), ""]
        for i, e in enumerate(batch.enrolments.select_related("person").order_by("person__nik"))
    ]


def enrol_all(world: Any, sc: Scenario, tmp: Path, month: dt.date) -> list[EnrolmentBatch]:
    """Export every payer's batch of ``month`` and register all its persons."""
    officer = world.users["disnaker.officer"]
    out = []
    for source in sc.programme.sources.all():
        try:
            batch = services.create_batch(sc.programme, source, month, actor=officer, via="test")
        except services.EnrolmentError:
            continue
        services.export_batch(batch, tmp / f"{batch.reference}.csv", actor=officer, via="test")
        path = write_csv(
            tmp / f"answer-{batch.reference}.csv",
            ANSWER_HEADER,
            answer_rows(batch, kpj_base=25_000_000_000 + 1000 * source.pk + 100 * month.month),
        )
        answers.import_answer(path, actor=officer, via="test")
        out.append(batch)
    return out
