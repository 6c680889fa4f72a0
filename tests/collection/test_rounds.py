"""Collection rounds: per-village progress, filters, scope, export, API and CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from jaring.accounts.scope import scope_for
from jaring.collection.models import Round, RoundChange
from jaring.collection.services import NO_SUBMISSION, ProgressFilters, village_progress
from jaring.geo.models import Area
from jaring.imports.models import Batch, ReviewStatus
from tests.imports.conftest import GUMENO, LERAN, good_rows, write_csv


def _row(table: Any, code: str) -> dict[str, Any]:
    return table.filter(table["village_code"] == code).to_dicts()[0]


def test_each_target_village_shows_its_rows_errors_and_persons(
    manyar_round: Round, data_steward: Any
) -> None:
    table = village_progress(manyar_round, scope_for(data_steward))
    assert table.height == Area.objects.within("35.25.10").villages().count()
    leran = _row(table, LERAN)
    assert (leran["batches"], leran["rows_submitted"], leran["rows_with_errors"], leran["persons"]) == (
        1,
        3,
        1,
        2,
    )
    gumeno = _row(table, GUMENO)
    # Gumeno's rows came in the district file: they count where they were committed.
    assert (gumeno["batches"], gumeno["rows_submitted"], gumeno["persons"]) == (1, 2, 2)
    assert leran["review_status"] == ReviewStatus.NOT_SUBMITTED
    others = table.filter(~table["village_code"].is_in([LERAN, GUMENO]))
    assert set(others["review_status"].to_list()) == {NO_SUBMISSION}
    assert others["rows_submitted"].sum() == 0 and others["last_activity"].null_count() == others.height


def test_the_latest_batch_gives_the_village_its_review_status(manyar_round: Round, data_steward: Any) -> None:
    Batch.objects.filter(village__code=LERAN).update(review_status=ReviewStatus.APPROVED)
    table = village_progress(manyar_round, scope_for(data_steward))
    assert _row(table, LERAN)["review_status"] == ReviewStatus.APPROVED


def test_filters_narrow_the_table(manyar_round: Round, data_steward: Any) -> None:
    scope = scope_for(data_steward)
    missing = village_progress(manyar_round, scope, ProgressFilters(no_submission=True))
    assert LERAN not in missing["village_code"].to_list() and missing.height > 5
    submitted = village_progress(manyar_round, scope, ProgressFilters(review_status="not_submitted"))
    assert sorted(submitted["village_code"].to_list()) == sorted([LERAN, GUMENO])
    elsewhere = village_progress(manyar_round, scope, ProgressFilters(district="35.25.01"))
    assert elsewhere.height == 0


def test_a_village_operator_sees_only_their_own_village(manyar_round: Round, gumeno_operator: Any) -> None:
    table = village_progress(manyar_round, scope_for(gumeno_operator))
    assert table["village_code"].to_list() == [GUMENO]


def test_the_round_page_lists_villages_and_filters(manyar_round: Round, steward_client: Client) -> None:
    page = steward_client.get("/rounds/")
    assert page.status_code == 200 and "Pendataan Manyar 2025" in page.content.decode()
    detail = steward_client.get("/rounds/manyar-2025/", {"no_submission": "on"})
    html = detail.content.decode()
    assert detail.status_code == 200
    assert f'data-village="{GUMENO}"' not in html and 'data-village="35.25.10.2001"' in html
    full = steward_client.get("/rounds/manyar-2025/").content.decode()
    assert f'data-village="{LERAN}"' in full


def test_outsiders_get_no_round(
    manyar_round: Round, sponsor_client: Client, anonymous_client: Client
) -> None:
    assert sponsor_client.get("/rounds/manyar-2025/").status_code == 404
    assert sponsor_client.get("/api/v1/rounds/manyar-2025").status_code == 404
    assert anonymous_client.get("/rounds/manyar-2025/").status_code == 302
    assert anonymous_client.get("/api/v1/rounds").status_code == 401


def test_the_export_neutralises_formulas(manyar_round: Round, steward_client: Client) -> None:
    Area.objects.filter(code=LERAN).update(name='=HYPERLINK("http://x")')
    response = steward_client.get("/rounds/manyar-2025/villages.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    leran = next(r for r in rows if r["village_code"] == LERAN)
    assert leran["village_name"].startswith("'=") and leran["rows_submitted"] == "3"
    xlsx = steward_client.get("/rounds/manyar-2025/villages.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert steward_client.get("/rounds/manyar-2025/villages.exe").status_code == 404


def test_the_api_lists_rounds_and_village_progress(manyar_round: Round, steward_client: Client) -> None:
    listing = steward_client.get("/api/v1/rounds").json()
    assert [r["slug"] for r in listing["items"]] == ["manyar-2025"]
    one = steward_client.get("/api/v1/rounds/manyar-2025").json()
    assert one["supervisor"] == "BPS Kabupaten Gresik" and one["batches"] == 2
    progress = steward_client.get("/api/v1/rounds/manyar-2025/villages", {"review_status": "not_submitted"})
    body = progress.json()
    assert progress.status_code == 200 and body["count"] == 2
    assert body["summary"]["persons"] == 4
    assert {v["village_code"] for v in body["items"]} == {LERAN, GUMENO}


def test_a_batch_api_upload_can_name_its_round(
    manyar_round: Round, leran_client: Client, var_dir: Path
) -> None:
    path = write_csv(var_dir / "more.csv", good_rows(1, LERAN, start=80))
    with path.open("rb") as fh:
        response = leran_client.post(
            "/api/v1/batches", {"file": fh, "village": LERAN, "round": "manyar-2025"}
        )
    assert response.status_code == 201 and response.json()["round"] == "manyar-2025"
    with path.open("rb") as fh:
        bad = leran_client.post("/api/v1/batches", {"file": fh, "village": LERAN, "round": "nope"})
    assert bad.status_code == 422


def test_the_upload_form_refuses_an_area_outside_the_round(
    world: Any, var_dir: Path, steward_client: Client
) -> None:
    import datetime as dt

    from jaring.collection.services import create_round

    create_round(
        slug="leran-only",
        name="Leran only",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 2, 1),
        organisation=world.organisations["diskominfo-gresik"],
        targets=[LERAN],
    )
    path = write_csv(var_dir / "x.csv", good_rows(1, GUMENO))
    with path.open("rb") as fh:
        response = steward_client.post(
            "/imports/new/", {"file": fh, "village": GUMENO, "round": "leran-only"}
        )
    assert response.status_code == 200  # the form again, with an error
    assert "bukan sasaran" in response.content.decode()
    assert not Batch.objects.filter(round__slug="leran-only").exists()
    path = write_csv(var_dir / "y.csv", good_rows(1, LERAN))
    with path.open("rb") as fh:
        ok = steward_client.post("/imports/new/", {"file": fh, "village": LERAN, "round": "leran-only"})
    assert ok.status_code == 302
    assert Batch.objects.filter(round__slug="leran-only").count() == 1


def test_the_cli_creates_rounds_and_imports_into_them(world: Any, var_dir: Path, capsys: Any) -> None:
    call_command(
        "rounds",
        "create",
        "cli-round",
        "--name",
        "CLI round",
        "--start",
        "2025-06-01",
        "--end",
        "2025-07-01",
        "--organisation",
        "diskominfo-gresik",
        "--supervisor",
        "bps-gresik",
        "--targets",
        "35.25.10",
    )
    round_ = Round.objects.get(slug="cli-round")
    assert RoundChange.objects.filter(round=round_, action="create").exists()
    path = write_csv(var_dir / "cli.csv", good_rows(2, LERAN))
    call_command("import", str(path), "--village", LERAN, "--round", "cli-round", "--commit", "--json")
    capsys.readouterr()
    assert Batch.objects.get(round=round_).rows_committed == 2
    call_command("rounds", "show", "cli-round", "--json")
    shown = json.loads(capsys.readouterr().out)
    assert shown["summary"]["persons"] == 2
    with pytest.raises(CommandError):
        call_command("import", str(path), "--village", "35.25.01.2001", "--round", "cli-round")
    with pytest.raises(CommandError):
        call_command(
            "rounds",
            "create",
            "bad",
            "--name",
            "x",
            "--start",
            "2025-06-01",
            "--end",
            "2025-05-01",
            "--organisation",
            "diskominfo-gresik",
            "--targets",
            "35.25.10",
        )


def test_the_batch_page_links_its_round(manyar_round: Round, leran_client: Client) -> None:
    batch = Batch.objects.get(round=manyar_round, village__code=LERAN)
    html = leran_client.get(f"/imports/{batch.pk}/").content.decode()
    assert 'id="batch-round"' in html and "/rounds/manyar-2025/" in html


def test_a_village_operator_gets_no_link_to_the_district_batch(
    manyar_round: Round, gumeno_client: Client
) -> None:
    district_batch = Batch.objects.get(round=manyar_round, village__code="35.25.10")
    html = gumeno_client.get("/rounds/manyar-2025/").content.decode()
    assert f"#{district_batch.pk}" in html
    assert f'href="/imports/{district_batch.pk}/"' not in html
