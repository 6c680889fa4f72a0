"""Agreements: the demo's three, loading and amending from files, status steps, pages, API and tokens."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from jaring.accounts.models import ApiToken, Organisation, Profile, Role
from jaring.agreements import services
from jaring.agreements.models import Agreement, AgreementChange, TokenBinding
from jaring.core.world import LERAN, World

MOU = "MOU/PRT/GRESIK/2025"
SPONSOR_PKS = "PKS/CSR/PETROKIMIA/2025"
BPJS_PKS = "PKS/BPJSTK/GRESIK/2023"
GUMENO = "35.25.10.2004"


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def bpjs_staff(world: World) -> Any:
    """A BPJS branch officer: the only party of the expired PKS."""
    user = get_user_model().objects.create_user("bpjs.branch", password="x")
    Profile.objects.create(
        user=user,
        organisation=Organisation.objects.get(slug="bpjstk-gresik"),
        role=Role.PROGRAMME_OFFICER,
        area=world.regency,
    )
    return user


def test_the_demo_loads_the_mou_the_sponsor_pks_and_an_expired_pks_once(agreements: dict) -> None:
    assert set(agreements) == {MOU, SPONSOR_PKS, BPJS_PKS}
    assert agreements[MOU].effective_status() == "active" and agreements[MOU].version == 1
    assert Agreement.objects.get(number=BPJS_PKS).status == "expired"
    assert "commercial" in agreements[MOU].forbidden_uses
    again = services.load_file(Path(services.__file__).parent / "data" / "demo_agreements.yaml")
    assert [services.save(a)[1] for a in again["agreements"]] == ["unchanged"] * 3


def test_the_programme_officer_reads_a_village_under_the_mou(
    agreements: dict, programme_officer: Any
) -> None:
    d = services.decide_for(
        programme_officer, area_code=LERAN, purpose="targeting", field_groups=["identity"]
    )
    assert d.allowed and d.agreement_id == agreements[MOU].pk and d.version == 1


def test_the_village_operator_reads_its_own_village_as_provider_without_an_agreement(
    agreements: dict, leran_operator: Any
) -> None:
    own = services.decide_for(leran_operator, area_code=LERAN, purpose="targeting", field_groups=["identity"])
    assert own.allowed and own.as_provider
    other = services.decide_for(
        leran_operator, area_code=GUMENO, purpose="targeting", field_groups=["identity"]
    )
    assert not other.allowed and other.reasons[0].code == "no_agreement"


def test_the_sponsor_gets_aggregates_only_and_never_a_commercial_purpose(
    agreements: dict, sponsor: Any
) -> None:
    person = services.decide_for(
        sponsor, area_code=LERAN, purpose="statistics", field_groups=["demographics"]
    )
    assert not person.allowed and person.reasons[0].code == "aggregates_only"
    counts = services.decide_for(
        sponsor, area_code=LERAN, purpose="statistics", field_groups=[], person_level=False
    )
    assert counts.allowed
    commercial = services.decide_for(sponsor, area_code=LERAN, purpose="commercial", field_groups=[])
    assert not commercial.allowed and commercial.reasons[0].code == "forbidden"


def test_the_expired_agreement_shows_the_denial_with_its_date(agreements: dict, bpjs_staff: Any) -> None:
    d = services.decide_for(bpjs_staff, area_code=LERAN, purpose="enrolment", field_groups=["identity"])
    assert not d.allowed and d.reasons[0].code == "expired" and "2026-06-30" in d.reasons[0].message_en


def test_a_suspension_takes_effect_on_the_next_decision(agreements: dict, programme_officer: Any) -> None:
    run("agreements", "suspend", MOU, "--user", "diskominfo.steward", "--reason", "audit finding")
    d = services.decide_for(
        programme_officer, area_code=LERAN, purpose="targeting", field_groups=["identity"]
    )
    assert not d.allowed and d.reasons[0].code == "suspended"
    run("agreements", "activate", MOU, "--user", "diskominfo.steward")
    assert services.decide_for(
        programme_officer, area_code=LERAN, purpose="targeting", field_groups=[]
    ).allowed
    actions = list(AgreementChange.objects.filter(agreement__number=MOU).values_list("action", flat=True))
    assert actions[:2] == ["activated", "suspended"]


def test_revoking_is_final_and_needs_a_reason(agreements: dict) -> None:
    with pytest.raises(CommandError, match="reason"):
        run("agreements", "revoke", MOU, "--user", "diskominfo.steward", "--reason", " ")
    run("agreements", "revoke", MOU, "--user", "diskominfo.steward", "--reason", "ended")
    with pytest.raises(CommandError, match="revoked"):
        run("agreements", "activate", MOU, "--user", "diskominfo.steward")


def test_only_a_data_steward_changes_an_agreements_status(agreements: dict) -> None:
    with pytest.raises(CommandError, match="data steward"):
        run("agreements", "suspend", MOU, "--user", "disnaker.officer", "--reason", "x")


def test_renewing_the_expired_pks_makes_a_new_version_in_force(agreements: dict, bpjs_staff: Any) -> None:
    out = run(
        "agreements", "renew", BPJS_PKS, "--user", "diskominfo.steward", "--reason", "renewed for 2026-2029"
    )
    pks = Agreement.objects.get(number=BPJS_PKS)
    assert "v2" in out and pks.version == 2 and pks.status == "active" and pks.valid_to > dt.date(2029, 1, 1)
    assert pks.versions.count() == 2
    assert services.decide_for(
        bpjs_staff, area_code=LERAN, purpose="enrolment", field_groups=["identity"]
    ).allowed


def test_loading_a_changed_file_is_an_amendment_with_the_changed_terms_logged(
    agreements: dict, tmp_path: Path
) -> None:
    data = services.load_file(Path(services.__file__).parent / "data" / "demo_agreements.yaml")["agreements"][
        0
    ]
    data["field_groups"] = ["identity", "demographics"]
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.4 signed")
    data["document"] = "doc.pdf"
    path = tmp_path / "amend.json"
    path.write_text(json.dumps(data, default=str))
    out = json.loads(
        run(
            "agreements", "load", str(path), "--user", "diskominfo.steward", "--reason", "adendum 1", "--json"
        )
    )
    assert out == [{"id": agreements[MOU].pk, "number": MOU, "version": 2, "action": "amended"}]
    mou = Agreement.objects.get(number=MOU)
    assert mou.field_groups == ["demographics", "identity"] and len(mou.document_sha256) == 64
    change = mou.changes.first()
    assert change is not None and change.action == "amended" and "field_groups" in change.details["changed"]
    assert mou.versions.get(version=1).snapshot["field_groups"] == [
        "contact",
        "demographics",
        "identity",
        "location",
        "work",
    ]


def test_a_bad_file_names_every_fault_and_writes_nothing(world: World, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "number: X/1\ntitle: t\nvalid_from: 2025-07-01\nvalid_to: 2024-01-01\nareas: ['99.99']\n"
        "purposes: [commercial, sightseeing]\nparties: [{organisation: nobody, role: provider}]\n"
    )
    with pytest.raises(CommandError) as err:
        run("agreements", "load", str(path))
    text = str(err.value)
    for fault in ("end date is before", "'99.99'", "always forbidden", "sightseeing", "'nobody'"):
        assert fault in text
    assert not Agreement.objects.filter(number="X/1").exists()


def test_warn_lists_agreements_ending_within_90_days(agreements: dict) -> None:
    out = json.loads(run("agreements", "warn", "--date", "2028-04-15", "--json"))
    assert out["warnings"] == [{"number": MOU, "valid_to": "2028-06-30", "days_left": 76, "threshold": 90}]


def test_list_and_show_answer_json(agreements: dict) -> None:
    listing = json.loads(run("agreements", "list", "--json"))
    assert {a["number"] for a in listing} == {MOU, SPONSOR_PKS, BPJS_PKS}
    shown = json.loads(run("agreements", "show", str(agreements[MOU].pk), "--json"))
    assert shown["versions"][0]["version"] == 1 and {p["role"] for p in shown["parties"]} == {
        "provider",
        "user",
        "supervisor",
    }


def test_a_token_is_bound_to_one_agreement_and_purpose(agreements: dict, programme_officer: Any) -> None:
    key = run(
        "token",
        "create",
        "--user",
        "disnaker.officer",
        "--name",
        "iop",
        "--agreement",
        MOU,
        "--purpose",
        "targeting",
    ).strip()
    token = ApiToken.authenticate(key)
    assert token is not None
    binding = TokenBinding.objects.get(token=token)
    assert binding.agreement.number == MOU and binding.purpose == "targeting"
    with pytest.raises(CommandError, match="No data-sharing agreement"):
        run(
            "token",
            "create",
            "--user",
            "disnaker.officer",
            "--name",
            "x",
            "--agreement",
            SPONSOR_PKS,
            "--purpose",
            "statistics",
        )
    with pytest.raises(CommandError, match="not permitted"):
        run(
            "token",
            "create",
            "--user",
            "petrokimia.sponsor",
            "--name",
            "x",
            "--agreement",
            SPONSOR_PKS,
            "--purpose",
            "targeting",
        )


def test_the_steward_writes_an_agreement_on_the_page(
    agreements: dict, steward_client: Client, world: World
) -> None:
    orgs = {o.slug: o.pk for o in Organisation.objects.all()}
    form = {
        "number": "PKS/2026/1",
        "title": "PKS Dinsos",
        "kind": "pks",
        "valid_from": "2026-01-01",
        "valid_to": "2027-12-31",
        "providers": [orgs["desa-leran"]],
        "users": [orgs["pemkab-gresik"]],
        "purposes": ["targeting"],
        "field_groups": ["demographics"],
        "areas": LERAN,
        "min_cell": "5",
    }
    resp = steward_client.post("/agreements/new/", form)
    created = Agreement.objects.get(number="PKS/2026/1")
    assert resp.status_code == 302 and created.status == "draft"
    page = steward_client.get(f"/agreements/{created.pk}/").content.decode()
    assert "Desa Leran" in page and LERAN not in page.split("<main")[-1].split("</main>")[0]
    resp = steward_client.post(f"/agreements/{created.pk}/activate/", {"reason": ""})
    assert Agreement.objects.get(pk=created.pk).status == "active"


def test_readers_see_only_the_agreements_that_name_their_organisation(
    agreements: dict, leran_client: Client, sponsor: Any, client: Client
) -> None:
    page = leran_client.get("/agreements/").content.decode()
    assert MOU in page and SPONSOR_PKS not in page and 'id="agreement-new"' not in page
    assert leran_client.post("/agreements/new/", {}).status_code == 403
    assert leran_client.get(f"/agreements/{agreements[SPONSOR_PKS].pk}/").status_code == 404
    client.force_login(sponsor)
    listed = client.get("/api/v1/agreements/").json()
    assert [a["number"] for a in listed] == [SPONSOR_PKS]
    check = client.get("/api/v1/agreements/check", {"area": LERAN, "purpose": "commercial"}).json()
    assert check["allowed"] is False and check["reasons"]


def test_anonymous_readers_are_sent_to_log_in(client: Client) -> None:
    assert client.get("/agreements/").status_code == 302
