"""The auditor's read-only audit trail: every change log in one listing, filtered, paged and exported."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from jaring.audit import services
from jaring.programmes import services as programme_services
from jaring.registry.models import ChangeVia, PersonChange
from jaring.registry.services import create_person, update_person
from tests.programmes.factories import make_programme
from tests.registry.factories import nik_for


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def history(world: Any, leran_operator: Any, gumeno_operator: Any, programme_officer: Any) -> dict[str, Any]:
    """Leran's operator registers and corrects Siti; Gumeno's registers Budi; Disnaker edits a programme."""
    siti = create_person(
        {
            "nik": nik_for(world.leran, sex="P"),
            "full_name": "Siti Aminah",
            "sex": "P",
            "village": world.leran,
            "birth_date": dt.date(1985, 3, 12),
        },
        actor=leran_operator,
        via=ChangeVia.WEB,
    )
    siti = update_person(siti, {"phone": "081234567890"}, actor=leran_operator, expected_version=siti.version)
    budi = create_person(
        {
            "nik": nik_for(world.gumeno),
            "full_name": "Budi Santoso",
            "sex": "L",
            "village": world.gumeno,
            "birth_date": dt.date(1985, 3, 12),
        },
        actor=gumeno_operator,
    )
    programme = make_programme(world, slug="gresik-2025")
    before = programme_services.snapshot(programme)
    programme.name = "Perlindungan Pekerja Rentan Gresik 2025"
    programme_services.save_logged(programme, actor=programme_officer, via="web", before=before)
    return {"siti": siti, "budi": budi, "programme": programme}


def test_the_auditor_opens_the_trail_and_reads_person_and_programme_changes_in_indonesian(
    auditor: Any, history: dict[str, Any]
) -> None:
    response = _client(auditor).get("/audit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Jejak audit" in html
    assert history["siti"].nik in html and "Siti Aminah" in html
    assert "Budi Santoso" in html
    assert "Perlindungan Pekerja Rentan Gresik 2025" in html
    assert 'id="nav-audit"' in html
    assert html.count('data-kind="person"') == 3 and html.count('data-kind="programme"') == 1


def test_the_trail_filters_by_person_user_kind_programme_and_date(
    auditor: Any, history: dict[str, Any], leran_operator: Any
) -> None:
    client = _client(auditor)
    by_nik = client.get("/audit/", {"person": history["siti"].nik}).content.decode()
    assert by_nik.count('data-kind="person"') == 2 and "Budi Santoso" not in by_nik
    by_user = client.get("/audit/", {"user": "operator.gumeno"}).content.decode()
    assert "Budi Santoso" in by_user and "Siti Aminah" not in by_user
    by_kind = client.get("/audit/", {"kind": "programme"}).content.decode()
    assert 'data-kind="person"' not in by_kind and 'data-kind="programme"' in by_kind
    by_programme = client.get("/audit/", {"programme": "gresik-2025"}).content.decode()
    assert 'data-kind="programme"' in by_programme and 'data-kind="person"' not in by_programme
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    future = client.get("/audit/", {"date_from": tomorrow}).content.decode()
    assert "data-kind=" not in future
    bad = client.get("/audit/", {"date_from": tomorrow, "date_to": "2020-01-01"})
    assert bad.status_code == 200 and "setelah tanggal akhir" in bad.content.decode()


def test_the_trail_pages_newest_first_across_logs(auditor: Any, history: dict[str, Any], world: Any) -> None:
    from jaring.accounts.scope import scope_for

    scope = scope_for(auditor)
    log = services.AuditLog(scope, services.AuditFilters())
    assert log.count() == 4
    everything = list(log[0:4])
    assert [e.at for e in everything] == sorted((e.at for e in everything), reverse=True)
    assert [e.object_label for e in log[1:3]] == [e.object_label for e in everything[1:3]]
    assert [e.object_label for e in log.iterate()] == [e.object_label for e in everything]


def test_the_audit_export_gives_csv_and_xlsx_with_the_filtered_rows(
    auditor: Any, history: dict[str, Any]
) -> None:
    client = _client(auditor)
    response = client.get("/audit/export.csv", {"person": history["siti"].nik})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Waktu" and len(rows) == 3
    assert all(history["siti"].nik in r[4] for r in rows[1:])
    xlsx = client.get("/audit/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


@pytest.mark.parametrize("who", ["bps_reviewer", "sponsor", "leran_operator", "programme_officer"])
def test_readers_without_the_auditor_or_steward_role_are_refused(
    request: pytest.FixtureRequest, who: str, history: dict[str, Any]
) -> None:
    client = _client(request.getfixturevalue(who))
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403
    assert client.get("/api/v1/audit/").status_code == 403
    assert 'id="nav-audit"' not in client.get("/").content.decode()


def test_anonymous_is_sent_to_the_login_and_the_api_answers_401(anonymous_client: Client) -> None:
    response = anonymous_client.get("/audit/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert anonymous_client.get("/api/v1/audit/").status_code == 401


def test_the_steward_reads_the_trail_and_the_api_pages_it(data_steward: Any, history: dict[str, Any]) -> None:
    client = _client(data_steward)
    assert client.get("/audit/").status_code == 200
    body = client.get("/api/v1/audit/", {"limit": 2, "offset": 1, "kind": "person"}).json()
    assert body["count"] == 3 and len(body["items"]) == 2
    assert {i["kind"] for i in body["items"]} == {"person"}


def test_an_auditor_of_another_regency_sees_nothing_of_gresik(auditor: Any, history: dict[str, Any]) -> None:
    from jaring.accounts.scope import Scope

    elsewhere = Scope(user=auditor, role="auditor", area_code="35.15")  # Sidoarjo
    assert services.AuditLog(elsewhere, services.AuditFilters()).count() == 0
    assert PersonChange.objects.count() == 3


def test_the_audit_command_prints_json_for_an_auditor_and_refuses_a_sponsor(
    history: dict[str, Any], capsys: Any
) -> None:
    import json

    call_command("audit", "list", "--as", "auditor", "--kind", "person", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["count"] == 3
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Only auditors"):
        call_command("audit", "list", "--as", "petrokimia.sponsor")


def test_the_trail_page_costs_a_bounded_number_of_queries(
    auditor: Any, history: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client = _client(auditor)
    client.get("/audit/")
    with django_assert_max_num_queries(25):
        assert client.get("/audit/").status_code == 200
