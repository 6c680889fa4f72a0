"""The agreement check as a pure function: terms in, a decision with its reasons out (no Django)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Permitted purposes an agreement may list (UU 27/2022: a purpose for every processing).
PURPOSES: dict[str, tuple[str, str]] = {
    "targeting": ("penentuan sasaran", "targeting"),
    "premium_payment": ("pembayaran iuran", "premium payment"),
    "enrolment": ("pendaftaran kepesertaan", "enrolment"),
    "statistics": ("statistik", "statistics"),
    "supervision": ("pembinaan/audit", "supervision/audit"),
}
# Uses no agreement can permit; `commercial` is forbidden by every agreement, whatever it says.
FORBIDDEN_ALWAYS = ("commercial",)
FORBIDDEN_USES: dict[str, tuple[str, str]] = {"commercial": ("komersial", "commercial")}

# Field groups of a person record; an agreement's scope is a set of these.
FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    "identity": ("nik", "kk"),
    "contact": ("phone", "address"),
    "demographics": ("full_name", "birth_date", "sex"),
    "work": ("occupation", "employment_status", "income"),
    "location": ("gps_lat", "gps_lon"),
}
FIELD_GROUP_LABELS: dict[str, tuple[str, str]] = {
    "identity": ("identitas (NIK, KK)", "identity (NIK, KK)"),
    "contact": ("kontak (telepon, alamat)", "contact (phone, address)"),
    "demographics": ("demografi (nama, tanggal lahir, jenis kelamin)", "demographics (name, birth, sex)"),
    "work": ("pekerjaan dan penghasilan", "work and income"),
    "location": ("lokasi (GPS)", "location (GPS)"),
}
PARTY_ROLES = ("provider", "user", "supervisor")


@dataclass(frozen=True)
class Terms:
    """One agreement version as the check needs it."""

    agreement_id: int
    number: str
    version: int
    status: str  # draft | active | suspended | expired | revoked
    valid_from: dt.date
    valid_to: dt.date
    parties: frozenset[tuple[int, str]]  # (organisation id, role)
    areas: tuple[str, ...]  # Kemendagri codes; a code covers everything under it
    purposes: frozenset[str]
    field_groups: frozenset[str]
    aggregates_only: bool = False
    min_cell: int = 5


@dataclass(frozen=True)
class Reason:
    """Why an agreement did not allow the access, in both languages."""

    code: str
    message_id: str
    message_en: str

    def text(self, language: str) -> str:
        return self.message_en if language.startswith("en") else self.message_id


@dataclass(frozen=True)
class Decision:
    """The outcome: allowed under one agreement version (with the field groups granted), or why not."""

    allowed: bool
    terms: Terms | None = None
    field_groups: frozenset[str] = frozenset()
    reasons: tuple[Reason, ...] = ()
    as_provider: bool = False

    @property
    def agreement_id(self) -> int | None:
        return self.terms.agreement_id if self.terms else None

    @property
    def version(self) -> int | None:
        return self.terms.version if self.terms else None

    def fields(self) -> set[str]:
        """The person fields the granted groups hold."""
        return {f for g in self.field_groups for f in FIELD_GROUPS.get(g, ())}


def covers(areas: Iterable[str], code: str) -> bool:
    """Whether an area code lies inside one of ``areas``."""
    return any(code == a or code.startswith(a + ".") for a in areas)


def effective_status(terms: Terms, on: dt.date) -> str:
    """The status on a day: an active agreement is expired after its end and not yet in force before it."""
    if terms.status == "active" and on > terms.valid_to:
        return "expired"
    if terms.status == "active" and on < terms.valid_from:
        return "not_yet"
    return terms.status


def _failure(t: Terms, purpose: str, area_code: str, on: dt.date, person_level: bool) -> Reason | None:
    """The first term of ``t`` that refuses the access, or None."""
    status = effective_status(t, on)
    name = f"{t.number} v{t.version}"
    if status == "expired":
        return Reason(
            "expired",
            f"Perjanjian {name} berakhir pada {t.valid_to:%d-%m-%Y}",
            f"Agreement {name} expired on {t.valid_to:%Y-%m-%d}",
        )
    if status == "not_yet":
        return Reason(
            "not_yet",
            f"Perjanjian {name} baru berlaku mulai {t.valid_from:%d-%m-%Y}",
            f"Agreement {name} is in force only from {t.valid_from:%Y-%m-%d}",
        )
    if status != "active":
        words = {
            "suspended": ("ditangguhkan", "suspended"),
            "revoked": ("dicabut", "revoked"),
            "draft": ("masih draf", "still a draft"),
        }.get(status, (status, status))
        return Reason(status, f"Perjanjian {name} {words[0]}", f"Agreement {name} is {words[1]}")
    if not covers(t.areas, area_code):
        return Reason(
            "area",
            f"Wilayah {area_code} tidak tercakup perjanjian {name}",
            f"Area {area_code} is not covered by agreement {name}",
        )
    if purpose not in t.purposes:
        label = PURPOSES.get(purpose, (purpose, purpose))
        return Reason(
            "purpose",
            f"Tujuan '{label[0]}' tidak diizinkan perjanjian {name}",
            f"Purpose '{label[1]}' is not permitted by agreement {name}",
        )
    if person_level and t.aggregates_only:
        return Reason(
            "aggregates_only",
            f"Perjanjian {name} hanya mengizinkan data agregat",
            f"Agreement {name} permits aggregates only",
        )
    return None


def decide(
    terms: Sequence[Terms],
    *,
    organisation_ids: Iterable[int],
    area_code: str,
    purpose: str,
    field_groups: Iterable[str],
    on: dt.date,
    person_level: bool = True,
) -> Decision:
    """Whether a reader's organisation may read ``field_groups`` of ``area_code`` for ``purpose`` on ``on``.

    Allowed under the first agreement (most fields granted) that names the organisation as user or
    supervisor, is active and in force, covers the area, permits the purpose and holds at least one of
    the requested field groups (the rest are left out). Otherwise every agreement's first failing term.
    """
    if purpose in FORBIDDEN_ALWAYS:
        label = FORBIDDEN_USES.get(purpose, (purpose, purpose))
        return Decision(
            False,
            reasons=(
                Reason(
                    "forbidden",
                    f"Penggunaan '{label[0]}' dilarang oleh setiap perjanjian",
                    f"'{label[1]}' use is forbidden by every agreement",
                ),
            ),
        )
    if purpose not in PURPOSES:
        return Decision(
            False,
            reasons=(
                Reason(
                    "unknown_purpose", f"Tujuan '{purpose}' tidak dikenal", f"Unknown purpose '{purpose}'"
                ),
            ),
        )
    orgs = set(organisation_ids)
    wanted = frozenset(field_groups)
    mine = [t for t in terms if any(o in orgs and r in ("user", "supervisor") for o, r in t.parties)]
    if not mine:
        return Decision(
            False,
            reasons=(
                Reason(
                    "no_agreement",
                    "Tidak ada perjanjian berbagi data yang menyebut organisasi Anda sebagai pengguna",
                    "No data-sharing agreement names your organisation as a user",
                ),
            ),
        )
    reasons: list[Reason] = []
    best: Decision | None = None
    for t in sorted(mine, key=lambda t: (t.agreement_id, -t.version)):
        failure = _failure(t, purpose, area_code, on, person_level)
        granted = wanted & t.field_groups
        if failure is None and wanted and not granted:
            names = ", ".join(sorted(wanted))
            failure = Reason(
                "fields",
                f"Kolom yang diminta ({names}) di luar cakupan perjanjian {t.number} v{t.version}",
                f"The fields asked for ({names}) are outside agreement {t.number} v{t.version}",
            )
        if failure is not None:
            reasons.append(failure)
            continue
        candidate = Decision(True, terms=t, field_groups=granted)
        if best is None or len(granted) > len(best.field_groups):
            best = candidate
    return best if best is not None else Decision(False, reasons=tuple(reasons))
