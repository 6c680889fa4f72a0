"""BPU premiums from the stored, effective-dated data: the figures of DOMAIN.md section 2."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from jaring.planning.premiums import PremiumError, premium_frame
from jaring.programmes.models import JkkBracket, PremiumDiscount, PremiumSchedule
from jaring.programmes.services import premium, premium_data

pytestmark = pytest.mark.django_db


def test_the_minimum_package_costs_16800_in_july_2025_whoever_pays() -> None:
    for payer in ["dbhcht", "apbd", "apbn", "csr", "other"]:
        b = premium(1_000_000, "2025-07", payer)
        assert (b.jkk, b.jkm, b.jht, b.total) == (10_000, 6_800, 0, 16_800)
    assert "no discount" in premium(1_000_000, "2025-07", "csr").rule


def test_an_ojek_driver_paid_by_csr_in_february_2026_costs_8400() -> None:
    b = premium(1_000_000, "2026-02", "csr", occupation="ojek_driver")
    assert (b.jkk, b.jkm, b.total) == (5_000, 3_400, 8_400)
    assert "PP 50/2025" in b.rule


def test_a_fisherman_gets_the_cut_only_from_april_2026() -> None:
    assert premium(1_000_000, "2026-02", "csr", occupation="fisherman").total == 16_800
    assert premium(1_000_000, "2026-05", "csr", occupation="fisherman").total == 8_400
    assert premium(1_000_000, "2027-01", "csr", occupation="fisherman").total == 16_800
    assert premium(1_000_000, "2027-01", "csr", occupation="ojek_driver").total == 8_400


def test_there_is_no_discount_when_apbd_or_apbn_pays() -> None:
    assert premium(1_000_000, "2026-05", "apbd", occupation="fisherman").total == 16_800
    assert premium(1_000_000, "2026-02", "apbn", occupation="ojek_driver").total == 16_800


def test_jkk_follows_the_bracket_table_up_to_its_highest_bracket() -> None:
    assert premium(None, "2025-07", "csr").jkk == 10_000  # unknown income: the lowest bracket
    assert premium(500_000, "2025-07", "csr").jkk == 10_000
    assert premium(20_700_000, "2025-07", "csr").jkk == 207_000
    assert premium(90_000_000, "2025-07", "csr").jkk == 207_000


def test_jht_is_two_percent_of_the_declared_income_and_never_discounted() -> None:
    b = premium(1_000_000, "2026-05", "csr", occupation="fisherman", jht=True)
    assert (b.jkk, b.jkm, b.jht, b.total) == (5_000, 3_400, 20_000, 28_400)


def test_an_administrator_adds_a_new_period_without_code() -> None:
    old = PremiumSchedule.objects.get()
    old.last_month = dt.date(2027, 12, 1)
    old.save()
    new = PremiumSchedule.objects.create(
        name="Test 2028", first_month=dt.date(2028, 1, 1), jkm_amount=8_000, legal_basis="PP (test)"
    )
    JkkBracket.objects.create(schedule=new, income_from=0, declared_income=1_000_000, jkk_amount=12_000)
    assert premium(1_000_000, "2027-12", "csr").total == 16_800
    b = premium(1_000_000, "2028-01", "csr")
    assert (b.jkk, b.jkm, b.total) == (12_000, 8_000, 20_000)
    assert "Test 2028" in b.rule


def test_removing_a_payer_kind_from_the_exclusions_changes_the_price() -> None:
    d = PremiumDiscount.objects.get(name__contains="other BPU")
    d.excluded_payer_kinds = ["apbn"]
    d.save()
    assert premium(1_000_000, "2026-05", "apbd", occupation="fisherman").total == 8_400


def test_a_month_without_schedule_or_a_bad_input_is_a_bilingual_error() -> None:
    with pytest.raises(PremiumError) as info:
        premium(1_000_000, "2010-01", "csr")
    assert "2010-01" in info.value.message_id and "2010-01" in info.value.message_en
    for bad in [(1_000_000, "2025-13", "csr"), (1_000_000, "2025-07", "bank"), (-5, "2025-07", "csr")]:
        with pytest.raises(PremiumError):
            premium(*bad)


def test_the_vectorised_premium_agrees_with_the_single_one() -> None:
    data = premium_data()
    incomes: list[Any] = [None, 0, 999_999, 1_000_000, 1_000_001, 1_300_000, 4_250_000, 20_700_000, 5 * 10**7]
    occupations = ["ojek_driver", "fisherman", None, "becak_delman_driver"]
    ids, inc, occ = [], [], []
    for i, income in enumerate(incomes):
        for j, o in enumerate(occupations):
            ids.append(i * 10 + j)
            inc.append(income)
            occ.append(o)
    frame = pl.DataFrame(
        {"id": ids, "monthly_income": inc, "occupation": occ}, schema_overrides={"monthly_income": pl.Int64}
    )
    for month in ["2025-07", "2026-02", "2026-05", "2027-03"]:
        for payer in ["csr", "apbd", "dbhcht"]:
            for jht in (False, True):
                out = premium_frame(frame, month, payer, jht=jht, data=data)
                expect = [
                    premium(x, month, payer, o, jht=jht, data=data).total
                    for x, o in zip(inc, occ, strict=True)
                ]
                assert out["total"].to_list() == expect, (month, payer, jht)


def test_the_premium_command_prints_the_breakdown_and_json() -> None:
    out = StringIO()
    call_command(
        "premium", "--income", "1000000", "--month", "2025-07", "--payer", "csr", "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert {k: data[k] for k in ("jkk", "jkm", "jht", "total")} == {
        "jkk": 10000,
        "jkm": 6800,
        "jht": 0,
        "total": 16800,
    }
    assert "PP 44/2015" in data["rule"]
    out = StringIO()
    call_command(
        "premium",
        "--income",
        "1000000",
        "--month",
        "2026-02",
        "--payer",
        "csr",
        "--occupation",
        "ojek_driver",
        stdout=out,
    )
    assert "Rp     8,400" in out.getvalue() and "PP 50/2025" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("premium", "--month", "nope", "--payer", "csr", stdout=StringIO())


def test_the_rule_command_checks_a_rule_and_points_at_the_error(world: Any) -> None:
    out = StringIO()
    call_command("rule", "check", 'occupation in ["fisherman"] and age >= 18', "--json", stdout=out)
    assert json.loads(out.getvalue())["ok"] is True
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("rule", "check", 'age >= 18 and sex == "X"', stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[1] == " " * 21 + "^^^" and "column 22" in lines[3]
