"""Is this a person the registry already has? Name similarity for the single-person entry form.

Small and scalar on purpose: the form checks a handful of candidates (same birth date, or a NIK one digit
away), so plain Python is enough. Bulk deduplication across the registry lives in the dedup app.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from jaring.core.lib import text as indonesian
from jaring.registry.lib.names import search_key

if TYPE_CHECKING:
    from jaring.accounts.scope import Scope

THRESHOLD = 0.85


def normalise_name(name: str) -> str:
    """Lower case, no punctuation, no titles or bin/binti, new spelling ("H. Soekarno" → "sukarno").

    The dedup engine's normaliser, so the entry form and the duplicate search read names alike; a name
    that is nothing but titles keeps its words (a search key) rather than vanish.
    """
    return indonesian.normalise_name(name or "") or search_key(name or "")


def jaro_winkler(a: str, b: str, prefix_weight: float = 0.1) -> float:
    """Jaro-Winkler similarity of two strings (1.0 = equal)."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    window = max(0, max(len(a), len(b)) // 2 - 1)
    a_hit = [False] * len(a)
    b_hit = [False] * len(b)
    matches = 0
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not b_hit[j] and b[j] == ch:
                a_hit[i] = b_hit[j] = True
                matches += 1
                break
    if matches == 0:
        return 0.0
    a_seq = [ch for ch, hit in zip(a, a_hit, strict=True) if hit]
    b_seq = [ch for ch, hit in zip(b, b_hit, strict=True) if hit]
    transpositions = sum(x != y for x, y in zip(a_seq, b_seq, strict=True)) / 2
    jaro = (matches / len(a) + matches / len(b) + (matches - transpositions) / matches) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * prefix_weight * (1 - jaro)


def name_similarity(a: str, b: str) -> float:
    """How alike two names are after normalisation: the best of whole-name and sorted-words Jaro-Winkler;
    a name whose words are all in the other (a single name, a dropped second name) counts 0.9."""
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return 0.0
    whole = jaro_winkler(na, nb)
    sorted_words = jaro_winkler(" ".join(sorted(na.split())), " ".join(sorted(nb.split())))
    wa, wb = set(na.split()), set(nb.split())
    subset = 0.9 if (wa <= wb or wb <= wa) else 0.0
    return max(whole, sorted_words, subset)


def is_similar_name(a: str, b: str, threshold: float = THRESHOLD) -> bool:
    """Whether two names are similar enough to warn about (Jaro-Winkler ≥ ``threshold``)."""
    return name_similarity(a, b) >= threshold


def nik_neighbours(nik: str) -> list[str]:
    """Every NIK that differs from ``nik`` (16 digits) in exactly one digit: 16 × 9 = 144 of them."""
    if not re.fullmatch(r"\d{16}", nik or ""):
        return []
    return [nik[:i] + d + nik[i + 1 :] for i in range(16) for d in "0123456789" if d != nik[i]]


def _place(village: Any) -> tuple[str, str]:
    """ "Desa Leran" / "Kelurahan Sidomoro": village (2xxx) or urban kelurahan (1xxx) by its code."""
    urban = village.code.rsplit(".", 1)[-1].startswith("1")
    return ("Kelurahan" if urban else "Desa"), village.name


def find_similar(
    scope: Scope,
    *,
    name: str = "",
    birth_date: dt.date | None = None,
    nik: str = "",
    exclude_id: int | None = None,
    limit: int = 10,
) -> list[dict[str, Any]]:
    """Registered persons that may be the one being entered, best first, shaped for ``scope``.

    Similar means the same birth date and a similar name, or the same NIK, or a NIK one digit away.
    The whole registry is searched, because a person registered in another village is exactly what the
    form must warn about; but outside the caller's scope only the village is told, never the NIK,
    the name or the record.
    """
    from jaring.registry.models import Person

    base = Person.objects.current().select_related("village")
    if exclude_id is not None:
        base = base.exclude(pk=exclude_id)
    found: dict[int, dict[str, Any]] = {}
    digits = re.sub(r"\D", "", nik or "")
    if len(digits) == 16:
        for person in base.filter(nik=digits):
            found[person.pk] = {"person": person, "reason": "nik_same", "score": 1.0}
        for person in base.filter(nik__in=nik_neighbours(digits)):
            found.setdefault(person.pk, {"person": person, "reason": "nik_one_digit", "score": 0.95})
    if birth_date is not None and normalise_name(name):
        for person in base.filter(birth_date=birth_date)[:2000]:
            score = name_similarity(name, person.full_name)
            if score >= THRESHOLD and person.pk not in found:
                found[person.pk] = {"person": person, "reason": "name_birth_date", "score": round(score, 3)}
    visible = set(scope.persons().filter(pk__in=list(found)).values_list("pk", flat=True)) if found else set()
    out = []
    for pk, hit in sorted(found.items(), key=lambda kv: -kv[1]["score"]):
        person = hit["person"]
        kind, village_name = _place(person.village)
        msg_id, msg_en = MESSAGES[hit["reason"]]
        place = f"{kind} {village_name}"
        mine = pk in visible
        out.append(
            {
                "reason": hit["reason"],
                "score": hit["score"],
                "village_code": person.village.code,
                "village_name": village_name,
                "in_scope": mine,
                "person_id": pk if mine else None,
                "nik": person.nik if mine else None,
                "full_name": person.full_name if mine else None,
                "birth_date": person.birth_date if mine else None,
                "message_id": msg_id.format(place=place),
                "message_en": msg_en.format(place=place),
            }
        )
    return out[:limit]


MESSAGES = {
    "name_birth_date": (
        "Orang dengan nama mirip dan tanggal lahir sama sudah terdaftar di {place}.",
        "A person with a similar name and the same birth date is registered in {place}.",
    ),
    "nik_same": (
        "NIK ini sudah terdaftar di {place}.",
        "This NIK is already registered in {place}.",
    ),
    "nik_one_digit": (
        "Orang dengan NIK yang berbeda satu angka sudah terdaftar di {place}. Periksa NIK.",
        "A person whose NIK differs in one digit is registered in {place}. Check the NIK.",
    ),
}
