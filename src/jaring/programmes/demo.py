"""Demo stage of programmes: Gresik's 2025 programme with its three funding sources (DBHCHT, CSR PT
Petrokimia Gresik, APBD) as in the regency's press release. Idempotent: an existing programme or source is
left exactly as it is (an administrator may have edited it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from jaring.core.world import LERAN
from jaring.programmes import services
from jaring.programmes.models import FundingSource, Programme

SLUG = "gresik-2025"
OFFICER = "disnaker.officer"
ADULT_NOT_MEMBER = 'age >= 18 and age <= 65 and bpjs_status != "active"'
TOBACCO = ["tobacco_farmer", "tobacco_farm_labourer", "cigarette_factory_worker"]

PROGRAMME = {
    "name": "Jaminan Sosial Pekerja Rentan Gresik 2025",
    "first_month": dt.date(2025, 7, 1),
    "last_month": dt.date(2025, 12, 1),
    "includes_jht": False,
    # Everyone registered at the lowest bracket: Rp16,800 a month, the press release's figure.
    "declared_income": 1_000_000,
    "notes": (
        "JKK + JKM for the vulnerable workers of Kabupaten Gresik (BPU), July–December 2025, after Desa "
        "Leran's data collection with BPS Kabupaten Gresik. Demo programme: its persons are SINTETIS."
    ),
    "texts": {
        "id": {
            "notes": (
                "JKK + JKM bagi pekerja rentan Kabupaten Gresik (BPU), Juli–Desember 2025, setelah pendataan "
                "Desa Leran bersama BPS Kabupaten Gresik. Program demo: orang-orangnya SINTETIS."
            )
        },
    },
}

SOURCES: list[dict[str, Any]] = [
    {
        "slug": "dbhcht",
        "name": "DBHCHT",
        "kind": "dbhcht",
        "payer": "pemkab-gresik",
        "rule": "occupation in [" + ", ".join(f'"{s}"' for s in TOBACCO) + "] and " + ADULT_NOT_MEMBER,
        "first_month": dt.date(2025, 7, 1),
        "last_month": dt.date(2025, 12, 1),
        "quota_persons": 1808,
        "legal_basis": (
            "Peraturan Bupati Gresik on the use of DBHCHT 2025 (welfare share), under PMK 72/2024 "
            "(number of the regent's regulation not verified)"
        ),
        "notes": (
            "Only the categories the regent's regulation names: tobacco farmers, tobacco farm labourers and "
            "workers of legal cigarette factories; 1,808 workers in 2025. Fishermen, ojek drivers and BPBD "
            "volunteers are not eligible."
        ),
        "texts": {
            "id": {
                "legal_basis": (
                    "Peraturan Bupati Gresik tentang penggunaan DBHCHT 2025 (bidang kesejahteraan), "
                    "berdasarkan PMK 72/2024 (nomor peraturan bupati belum diverifikasi)"
                ),
                "notes": (
                    "Hanya kategori yang disebut peraturan bupati: petani tembakau, buruh tani tembakau dan "
                    "pekerja pabrik rokok legal; 1.808 pekerja pada 2025. Nelayan, pengemudi ojek dan "
                    "relawan BPBD tidak berhak."
                ),
            },
        },
    },
    {
        "slug": "csr-petrokimia",
        "name": "CSR PT Petrokimia Gresik",
        "kind": "csr",
        "payer": "petrokimia-gresik",
        "rule": f'village in ["{LERAN}"] and ' + ADULT_NOT_MEMBER,
        "first_month": dt.date(2025, 7, 1),
        "last_month": dt.date(2025, 9, 1),
        "quota_persons": 50,
        "budget_rupiah": 2_520_000,
        "max_months_per_person": 3,
        "legal_basis": "CSR agreement between PT Petrokimia Gresik and Pemerintah Kabupaten Gresik (2025)",
        "notes": (
            "Rp16,800 per person per month for the first 3 months for 50 Leran workers (Rp2,520,000 in all), "
            "enrolled on 25 July 2025; mostly fishermen."
        ),
        "texts": {
            "id": {
                "legal_basis": (
                    "Perjanjian CSR antara PT Petrokimia Gresik dan Pemerintah Kabupaten Gresik (2025)"
                ),
                "notes": (
                    "Rp16.800 per orang per bulan selama 3 bulan pertama bagi 50 pekerja Leran (seluruhnya "
                    "Rp2.520.000), didaftarkan 25 Juli 2025; sebagian besar nelayan."
                ),
            },
        },
    },
    {
        "slug": "apbd",
        "name": "APBD Kabupaten Gresik",
        "kind": "apbd",
        "payer": "pemkab-gresik",
        "rule": ADULT_NOT_MEMBER,
        "first_month": dt.date(2025, 9, 1),
        "last_month": dt.date(2025, 12, 1),
        "budget_rupiah": 600_000_000,
        "legal_basis": "APBD Kabupaten Gresik 2025, Disnaker programme budget (demo figure, SINTETIS)",
        "notes": "The remaining participants move into the APBD-funded programme from September 2025.",
        "texts": {
            "id": {
                "legal_basis": "APBD Kabupaten Gresik 2025, anggaran program Disnaker (angka demo, SINTETIS)",
                "notes": "Peserta selebihnya pindah ke program yang dibiayai APBD mulai September 2025.",
            },
        },
    },
]


def _with_english(spec: dict[str, Any]) -> dict[str, Any]:
    """A spec's texts in both languages: Indonesian as written, English the stored fields themselves."""
    texts = spec.get("texts", {})
    english = {field: spec[field] for field in texts.get("id", {}) if field in spec}
    return {"id": dict(texts.get("id", {})), "en": english}


def seed_demo(report: Any, say: Callable[[str], None]) -> dict[str, Any]:
    """Create programme ``gresik-2025`` and its sources if missing; count who passes each source's rule."""
    world = report.world
    officer = world.users.get(OFFICER)
    created = 0
    programme = Programme.objects.filter(slug=SLUG).first()
    if programme is None:
        programme = Programme(
            slug=SLUG, area=world.regency, **dict(PROGRAMME, texts=_with_english(PROGRAMME))
        )
        services.save_logged(programme, actor=officer, via="demo")
        created += 1
    for spec in SOURCES:
        if FundingSource.objects.filter(programme=programme, slug=spec["slug"]).exists():
            continue
        data = dict(spec, texts=_with_english(spec))
        payer = world.organisations.get(data.pop("payer"))
        source = FundingSource(programme=programme, payer=payer, **data)
        services.save_logged(source, actor=officer, via="demo")
        created += 1
    frame = services.person_frame(services.programme_persons(programme), programme.first_month)
    eligible: dict[str, int] = {}
    for source in programme.sources.all():
        result = services.evaluate_source(source, frame)
        eligible[source.slug] = int(result["passes"].sum()) if frame.height else 0
    say(
        f"Programme {SLUG}: {'created' if created else 'already in place'}; "
        f"{frame.height} approved persons; eligible: "
        + ", ".join(f"{slug} {n}" for slug, n in eligible.items())
    )
    plan = services.approved_plans(programme).first()
    if plan is None:
        # Plan version 1, approved by the programme officer (once: a later run leaves it as it is).
        view = services.compute_plan(programme, frame=frame)
        plan = services.save_plan_view(view, actor=officer, via="demo", label="Demo plan")
        plan = services.approve_plan(plan, actor=officer, via="demo")
        say(f"Plan of {SLUG} computed in {view.seconds} s and approved as version {plan.version}")
    else:
        say(f"Plan of {SLUG}: version {plan.version} already approved")
    summary = plan.summary
    say(
        "Plan: "
        + "; ".join(
            f"{s['name']} {s['persons']:,} persons Rp{s['cost']:,}" for s in summary.get("sources", [])
        )
        + f"; not covered in some month: {summary.get('uncovered_persons')}"
    )
    return {
        "programme": SLUG,
        "created": created,
        "persons": frame.height,
        "eligible": eligible,
        "plan_version": plan.version,
        "plan": {s["key"]: {"persons": s["persons"], "cost": s["cost"]} for s in summary.get("sources", [])},
    }
