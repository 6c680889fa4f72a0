"""The admin: an administrator adds a premium period with its brackets, and every row is logged."""

from __future__ import annotations

from typing import Any

from django.test import Client

from jaring.programmes.models import JkkBracket, PremiumSchedule, ProgrammeChange
from jaring.programmes.services import premium


def test_an_administrator_adds_a_premium_period_with_brackets_in_the_admin(world: Any) -> None:
    client = Client()
    client.force_login(world.users["admin"])
    r = client.post(
        "/admin/programmes/premiumschedule/add/",
        {
            "name": "BPU 2028 (test)",
            "first_month": "2028-01-01",
            "jkm_amount": "8000",
            "jht_rate": "0.0200",
            "legal_basis": "PP (test)",
            "note": "",
            "brackets-TOTAL_FORMS": "1",
            "brackets-INITIAL_FORMS": "0",
            "brackets-MIN_NUM_FORMS": "0",
            "brackets-MAX_NUM_FORMS": "1000",
            "brackets-0-income_from": "0",
            "brackets-0-declared_income": "1000000",
            "brackets-0-jkk_amount": "11000",
            "brackets-0-note": "",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    schedule = PremiumSchedule.objects.get(name="BPU 2028 (test)")
    assert JkkBracket.objects.filter(schedule=schedule).count() == 1
    assert premium(1_000_000, "2028-03", "csr").total == 11_000 + 8_000
    logged = {(c.model, c.action) for c in ProgrammeChange.objects.filter(via="admin")}
    assert logged == {("premiumschedule", "create"), ("jkkbracket", "create")}
