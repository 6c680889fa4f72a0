"""The access log: each read recorded (and chained), and the monthly report for provider and supervisor."""

from __future__ import annotations

import io
import json
from io import StringIO
from typing import Any

import openpyxl
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from jaring.agreements import access, services
from jaring.agreements.models import AccessEvent, Agreement
from jaring.auditlog.models import AuditEvent
from jaring.core.world import LERAN

MOU = "MOU/PRT/GRESIK/2025"
GUMENO = "35.25.10.2004"


def read(user: Any, area: str, ids: list[int], kind: str = "detail") -> AccessEvent:
    d = services.decide_for(
        user, area_code=area, purpose="targeting", field_groups=["identity", "demographics"]
    )
    assert d.allowed
    return access.record_access(user, d, purpose="targeting", kind=kind, area_code=area, person_ids=ids)


def test_a_read_records_who_under_which_version_for_what_and_which_persons(
    agreements: dict, programme_officer: Any
) -> None:
    event = read(programme_officer, LERAN, [11, 12])
    assert (event.agreement.number, event.agreement_version, event.purpose) == (MOU, 1, "targeting")
    assert event.organisation.slug == "disnaker-gresik" and event.person_ids == [11, 12] and event.count == 2
    assert set(event.fields) == {"nik", "kk", "full_name", "birth_date", "sex"}
    chained = AuditEvent.objects.filter(kind="access", object_id=str(event.pk)).get()
    assert json.loads(chained.content)["persons"] == [11, 12]


def test_a_long_list_keeps_its_count_not_its_ids(agreements: dict, programme_officer: Any) -> None:
    event = read(programme_officer, "35.25", list(range(500)), kind="list")
    assert event.count == 500 and event.person_ids == []


def test_the_report_tells_the_month_by_organisation_and_purpose(
    agreements: dict, programme_officer: Any
) -> None:
    read(programme_officer, LERAN, [1, 2, 3])
    read(programme_officer, GUMENO, [4])
    month = timezone.localdate().strftime("%Y-%m")
    out = StringIO()
    call_command("access-report", "--agreement", MOU, "--month", month, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["events"] == 2 and data["persons_read"] == 4
    assert data["by_organisation"] == {"Dinas Tenaga Kerja Kabupaten Gresik": 4}
    assert data["by_purpose"] == {"targeting": 4}
    leran_only = access.report(Agreement.objects.get(number=MOU), month, LERAN)
    assert leran_only["persons_read"] == 3


def test_the_report_as_xlsx_holds_every_access(
    agreements: dict, programme_officer: Any, tmp_path: Any
) -> None:
    read(programme_officer, LERAN, [1])
    path = tmp_path / "r.xlsx"
    call_command(
        "access-report",
        "--agreement",
        MOU,
        "--month",
        timezone.localdate().strftime("%Y-%m"),
        "--xlsx",
        str(path),
        stdout=StringIO(),
    )
    book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    assert book["Akses"].max_row == 2 and book["Akses"]["B2"].value == "disnaker.officer"


def test_the_supervisor_sees_every_read_and_a_provider_only_its_own_village(
    agreements: dict,
    programme_officer: Any,
    reviewer_client: Client,
    leran_client: Client,
    gumeno_client: Client,
) -> None:
    read(programme_officer, LERAN, [1, 2])
    read(programme_officer, GUMENO, [3])
    pk = Agreement.objects.get(number=MOU).pk
    supervisor = reviewer_client.get(f"/agreements/{pk}/access/").content.decode()
    assert 'id="access-summary"' in supervisor and "2 akses, 3 orang dibaca" in supervisor
    provider = leran_client.get(f"/agreements/{pk}/access/").content.decode()
    assert "1 akses, 2 orang dibaca" in provider
    xlsx = gumeno_client.get(f"/agreements/{pk}/access/", {"format": "xlsx"})
    assert xlsx.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx.content))["Akses"].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][6] == GUMENO


def test_a_user_party_does_not_read_the_access_report(
    agreements: dict, client: Client, programme_officer: Any
) -> None:
    client.force_login(programme_officer)
    pk = Agreement.objects.get(number=MOU).pk
    assert client.get(f"/agreements/{pk}/access/").status_code == 403
