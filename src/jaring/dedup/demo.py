"""Demo stage of dedup: record the demo imports' NIK conflicts, register a few synthetic persons a second
time under a mistyped NIK (as a second office would), and run deduplication once over Gresik."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jaring.dedup.models import CandidatePair, DedupRun, NikConflict, PairStatus, RunStatus
from jaring.dedup.services import collect_conflicts, create_run, run_dedup

DEMO_THRESHOLD = 0.9
DEMO_USER = "bps.reviewer"
# The generated duplicates all keep their NIK, so the import refuses them (they become NIK conflicts).
# Real registers also hold people twice under a mistyped NIK: one in SECOND_REGISTRATION_EVERY persons
# is registered again, spelt differently, so the review queue has pairs to show.
SECOND_REGISTRATION_EVERY = 500
DEMO_REQUEST = "demo-dedup-second-registration"
COPIED = [
    "kk",
    "sex",
    "birth_date",
    "village",
    "dusun",
    "rt",
    "rw",
    "address",
    "occupation",
    "occupation_text",
    "employment_status",
    "monthly_income",
]
_SPELLINGS = [("u", "oe"), ("j", "dj"), ("y", "j"), ("i", "ie"), ("a", "ah")]


def _respelt(name: str, k: int) -> str:
    """The name as another office writes it (old spelling, or one letter more)."""
    rules = _SPELLINGS[k % len(_SPELLINGS) :] + _SPELLINGS[: k % len(_SPELLINGS)]
    for new, old in rules:
        if new in name.lower():
            i = name.lower().index(new)
            return name[:i] + (old if name[i].islower() else old.capitalize()) + name[i + len(new) :]
    return name + "h"


def _mistyped(nik: str, taken: set[str]) -> str | None:
    """A NIK one serial digit off (region, birth date and sex stay as they are), not already taken."""
    for delta in (1, 2, 3, 7):
        candidate = nik[:-1] + str((int(nik[-1]) + delta) % 10)
        if candidate not in taken and candidate[-4:] != "0000":
            return candidate
    return None


def add_second_registrations(regency: Any) -> int:
    """Register every SECOND_REGISTRATION_EVERY-th synthetic person again (once: a later demo adds none)."""
    from jaring.registry.models import ChangeVia, Person, PersonChange
    from jaring.registry.services import PersonInvalid, create_person

    if PersonChange.objects.filter(request_id=DEMO_REQUEST).exists():
        return 0
    ids = list(
        Person.objects.current()
        .filter(is_synthetic=True, village__code__startswith=regency.code + ".")
        .exclude(phone="")
        .order_by("id")
        .values_list("id", flat=True)
    )
    step = SECOND_REGISTRATION_EVERY
    chosen = ids[step - 1 :: step]
    sources = Person.objects.filter(pk__in=chosen).select_related("village", "occupation").order_by("id")
    taken = set(Person.objects.values_list("nik", flat=True))
    added = 0
    for k, source in enumerate(sources):
        nik = _mistyped(source.nik, taken)
        if nik is None:
            continue
        data = {f: getattr(source, f) for f in COPIED}
        data.update(
            nik=nik,
            full_name=_respelt(source.full_name, k),
            phone=source.phone if k % 3 else "",
            is_synthetic=True,
        )
        try:
            create_person(data, actor=None, via=ChangeVia.SYSTEM, request_id=DEMO_REQUEST)
        except PersonInvalid:
            continue  # a copy that breaks a registry rule is left out
        taken.add(nik)
        added += 1
    return added


def seed_demo(report: Any, say: Callable[[str], None]) -> dict[str, Any]:
    """Record the demo imports' NIK conflicts and run dedup once over the regency (idempotent)."""
    world = report.world
    regency = world.regency
    added = collect_conflicts(area=regency)
    conflicts = NikConflict.objects.filter(batch__village__code__startswith=regency.code).count()
    say(f"NIK conflicts: {added} recorded by this run, {conflicts} in all")
    run = DedupRun.objects.filter(area=regency, status=RunStatus.DONE).order_by("-pk").first()
    if run is None:
        copies = add_second_registrations(regency)
        say(f"{copies} synthetic persons registered a second time under a mistyped NIK (SINTETIS)")
        run = create_run(area=regency, threshold=DEMO_THRESHOLD, user=world.users.get(DEMO_USER))
        try:
            run_dedup(run)
        except Exception as exc:  # noqa: BLE001 — run_dedup recorded the fault on the run; the demo goes on
            say(f"Deduplication failed ({type(exc).__name__}: {exc}); see run #{run.pk}")
            return {"conflicts": conflicts, "conflicts_added": added, "run": run.pk, "failed": True}
        say(
            f"Deduplication over {run.records} persons: {run.pairs_found} candidate pairs in "
            f"{run.clusters_found} clusters ({run.seconds:.1f} s); review them at /dedup/"
        )
    else:
        say(f"Deduplication already ran (run #{run.pk}): {run.pairs_found} candidate pairs")
    return {
        "conflicts": conflicts,
        "conflicts_added": added,
        "run": run.pk,
        "records": run.records,
        "pairs": run.pairs_found,
        "open_pairs": CandidatePair.objects.filter(status=PairStatus.OPEN).count(),
        "seconds": run.seconds,
    }
