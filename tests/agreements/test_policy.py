"""The agreement check as a pure function: every term that can refuse an access, and its reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from jaring.agreements.lib.policy import Terms, decide

DISNAKER, SPONSOR, STRANGER, BPS = 1, 2, 3, 4
TODAY = dt.date(2026, 12, 4)
MOU = Terms(
    agreement_id=10,
    number="MOU/1",
    version=2,
    status="active",
    valid_from=dt.date(2025, 7, 1),
    valid_to=dt.date(2028, 6, 30),
    parties=frozenset({(DISNAKER, "user"), (BPS, "supervisor"), (99, "provider")}),
    areas=("35.25",),
    purposes=frozenset({"targeting", "enrolment", "supervision"}),
    field_groups=frozenset({"identity", "demographics", "work"}),
)


def ask(terms: list[Terms], org: int = DISNAKER, **kw: object):
    args = {"area_code": "35.25.10.2010", "purpose": "targeting", "field_groups": ["identity"], "on": TODAY}
    args.update(kw)
    return decide(terms, organisation_ids=[org], **args)  # type: ignore[arg-type]


def test_an_active_agreement_allows_its_user_and_records_the_version() -> None:
    d = ask([MOU])
    assert d.allowed and d.agreement_id == 10 and d.version == 2
    assert d.fields() == {"nik", "kk"}


def test_fields_outside_the_scope_are_left_out_not_granted() -> None:
    d = ask([MOU], field_groups=["identity", "contact", "location"])
    assert d.allowed and d.field_groups == {"identity"}


def test_only_fields_outside_the_scope_are_refused_naming_them() -> None:
    d = ask([MOU], field_groups=["contact"])
    assert not d.allowed and d.reasons[0].code == "fields" and "contact" in d.reasons[0].message_en


def test_commercial_use_is_refused_whatever_the_agreements_say() -> None:
    permissive = replace(MOU, purposes=frozenset({"targeting", "commercial"}))
    d = ask([permissive], purpose="commercial")
    assert not d.allowed and d.reasons[0].code == "forbidden"
    assert "komersial" in d.reasons[0].message_id


def test_an_expired_agreement_names_its_end_date() -> None:
    d = ask([replace(MOU, valid_to=dt.date(2026, 6, 30))])
    assert not d.allowed and d.reasons[0].code == "expired"
    assert "2026-06-30" in d.reasons[0].message_en and "30-06-2026" in d.reasons[0].message_id


def test_suspended_and_revoked_agreements_refuse() -> None:
    for status in ("suspended", "revoked", "draft"):
        d = ask([replace(MOU, status=status)])
        assert not d.allowed and d.reasons[0].code == status


def test_a_purpose_not_permitted_is_refused_by_name() -> None:
    d = ask([MOU], purpose="statistics")
    assert not d.allowed and d.reasons[0].code == "purpose" and "statistics" in d.reasons[0].message_en


def test_an_area_outside_the_agreement_is_refused() -> None:
    d = ask([MOU], area_code="35.15.01.2001")
    assert not d.allowed and d.reasons[0].code == "area"


def test_an_organisation_no_agreement_names_is_refused() -> None:
    d = ask([MOU], org=STRANGER)
    assert not d.allowed and d.reasons[0].code == "no_agreement"


def test_a_provider_party_is_not_a_user_of_the_agreement() -> None:
    assert not ask([MOU], org=99).allowed


def test_an_aggregates_only_agreement_refuses_person_level_reads_but_allows_counts() -> None:
    sponsor = replace(
        MOU,
        agreement_id=11,
        parties=frozenset({(SPONSOR, "user")}),
        aggregates_only=True,
        purposes=frozenset({"statistics"}),
        field_groups=frozenset(),
    )
    assert ask([sponsor], org=SPONSOR, purpose="statistics").reasons[0].code == "aggregates_only"
    counts = ask([sponsor], org=SPONSOR, purpose="statistics", field_groups=[], person_level=False)
    assert counts.allowed and counts.field_groups == frozenset()


def test_of_two_agreements_the_one_in_force_is_used() -> None:
    old = replace(MOU, agreement_id=9, valid_to=dt.date(2025, 6, 30))
    d = ask([old, MOU])
    assert d.allowed and d.agreement_id == 10


def test_every_failing_agreement_gives_its_reason() -> None:
    old = replace(MOU, agreement_id=9, valid_to=dt.date(2025, 6, 30))
    d = ask([old, replace(MOU, status="suspended")])
    assert not d.allowed and [r.code for r in d.reasons] == ["expired", "suspended"]
