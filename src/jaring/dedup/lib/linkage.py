"""Probabilistic record linkage of persons with Splink 5 (DuckDB): duplicates in the registry, outside lists.

Pure library code (no Django models): the dedup app feeds it polars frames of :data:`RECORD_SCHEMA`
and stores what comes back. See ``docs/dedup-engine.md`` for the model (comparisons, blocking, EM).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from jaring.core.lib.text import name_key_expr, normalise_name_expr

Progress = Callable[[float, str], None]

RECORD_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "nik": pl.String(),
    "kk": pl.String(),
    "full_name": pl.String(),
    "sex": pl.String(),
    "birth_date": pl.Date(),
    "village_code": pl.String(),
    "phone": pl.String(),
}

SEED = 20251201  # random sampling of u (and everything else) is seeded: same input, same answer
U_MAX_PAIRS = 2e6
U_MIN_PAIRS = 2e5
# Match probability of two random records is tiny; Splink needs a start value before it is estimated.
START_LAMBDA = 1e-6
DUCKDB_THREADS = 2
M_FLOOR = 1e-3

logger = logging.getLogger(__name__)
SPLINK_LOG_LEVEL = logging.ERROR  # Splink's INFO/WARNING chatter would drown a CLI's progress bar


@dataclass
class LinkageResult:
    """Pairs of likely duplicates (at or above the threshold) and their connected clusters."""

    records: int
    pairs: pl.DataFrame  # id_l Int64, id_r Int64 (id_l < id_r), probability Float64
    clusters: list[list[int]]
    seconds: float


@dataclass
class LinkResult:
    """One line per row of an outside list: matched / unmatched / ambiguous against the registry."""

    rows: pl.DataFrame  # row, status, person_id, probability, candidates
    seconds: float


PAIRS_SCHEMA: dict[str, pl.DataType] = {"id_l": pl.Int64(), "id_r": pl.Int64(), "probability": pl.Float64()}


# --- preparation -------------------------------------------------------------------------------------


def prepare_records(records: pl.DataFrame) -> pl.DataFrame:
    """The RECORD_SCHEMA frame with the derived columns the comparisons and blocking rules use."""
    missing = [c for c in RECORD_SCHEMA if c not in records.columns]
    df = records.with_columns([pl.lit(None, dtype=RECORD_SCHEMA[c]).alias(c) for c in missing]).select(
        [pl.col(c).cast(t) for c, t in RECORD_SCHEMA.items()]
    )
    nik = pl.col("nik").str.replace_all(r"\D", "")
    nik = pl.when(nik.str.len_chars() == 16).then(nik).otherwise(None)
    # Birth date and sex are written in the NIK (ddmmyy, day + 40 for women): fill gaps from it.
    nik_day = nik.str.slice(6, 2).cast(pl.Int32, strict=False)
    nik_sex = (
        pl.when(nik_day.is_between(41, 71))
        .then(pl.lit("P"))
        .when(nik_day.is_between(1, 31))
        .then(pl.lit("L"))
    )
    yy = nik.str.slice(10, 2).cast(pl.Int32, strict=False)
    this_year = dt.date.today().year
    day = pl.when(nik_day > 40).then(nik_day - 40).otherwise(nik_day)
    # Text then a lenient parse: an impossible date in a NIK (31 February) gives null, not an error.
    nik_birth = pl.concat_str(
        [
            pl.when(yy + 2000 > this_year).then(yy + 1900).otherwise(yy + 2000).cast(pl.String),
            nik.str.slice(8, 2),
            day.cast(pl.String).str.zfill(2),
        ],
        separator="-",
    ).str.to_date("%Y-%m-%d", strict=False)
    name = normalise_name_expr(pl.col("full_name"))
    df = df.with_columns(
        nik.alias("nik"),
        pl.when(pl.col("kk").str.replace_all(r"\D", "").str.len_chars() > 0)
        .then(pl.col("kk").str.replace_all(r"\D", ""))
        .alias("kk"),
        pl.when(pl.col("phone").str.len_chars() > 0).then(pl.col("phone")).alias("phone"),
        pl.when(pl.col("village_code").str.len_chars() > 0)
        .then(pl.col("village_code"))
        .alias("village_code"),
        pl.when(pl.col("sex").is_in(["L", "P"])).then(pl.col("sex")).otherwise(nik_sex).alias("sex"),
        pl.coalesce(pl.col("birth_date"), nik_birth).alias("birth_date"),
        name.alias("name_n"),
    )
    df = df.with_columns(name_key_expr(pl.col("name_n")).alias("name_key"))
    tokens = pl.col("name_key").str.split(" ")
    df = df.with_columns(
        pl.col("birth_date").dt.strftime("%Y%m%d").alias("dob"),
        pl.col("birth_date").dt.year().alias("dob_year"),
        pl.col("village_code").str.slice(0, 8).alias("district"),
        tokens.alias("name_tokens"),
        tokens.list.sort().list.join(" ").alias("name_sorted"),
        tokens.list.first().alias("name_first"),
        # Initials of every token but the last, which stays whole: "m yusuf", "m a santoso".
        pl.concat_str(
            [
                tokens.list.slice(0, tokens.list.len() - 1)
                .list.eval(pl.element().str.slice(0, 1))
                .list.join(" "),
                tokens.list.last(),
            ],
            separator=" ",
        )
        .str.strip_chars()
        .alias("name_abbrev"),
        # Does the name carry a lone initial (then the initials level is meaningful)?
        tokens.list.eval(pl.element().str.len_chars() == 1).list.any().alias("name_has_initial"),
    )
    return df


# --- the model -------------------------------------------------------------------------------------------


def _level(sql: str, label: str, m: float, *, null: bool = False, u: float | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if null:
        out["is_null_level"] = True
    else:
        out["m_probability"] = m  # a start value (EM moves it); also what is used when EM cannot run
    if u is not None:
        out["u_probability"] = u
        out["fix_u_probability"] = True
    return out


def _pairs_sharing(df: pl.DataFrame, cols: list[str]) -> int:
    counts = df.drop_nulls(cols).group_by(cols).len()["len"].cast(pl.Int64)
    return int((counts * (counts - 1) // 2).sum())


def exact_u(prepared: pl.DataFrame) -> dict[str, float]:
    """u of the identifier-equality levels, counted exactly on the records (pairs sharing the value / all
    pairs). Random sampling almost never draws two records sharing a NIK in a big registry, and Splink's
    fallback for an unobserved level is far too high; the count includes true duplicates, so it errs
    towards caution."""
    n = prepared.height
    total = max(n * (n - 1) / 2, 1.0)
    kk = _pairs_sharing(prepared, ["kk"])
    kk_village = _pairs_sharing(prepared, ["kk", "village_code"])
    return {
        key: max(count, 1) / total
        for key, count in {
            "nik": _pairs_sharing(prepared, ["nik"]),
            "kk_village": kk_village,
            "kk_other_village": kk - kk_village,
            "phone": _pairs_sharing(prepared, ["phone"]),
        }.items()
    }


# Two substitutions (or a transposition) leave at least one of three NIK segments intact: that cheap
# test first, so the edit distance runs on few of the (mostly random) pairs.
_SEGMENTS = " OR ".join(
    f"substr(nik_l, {a}, {n}) = substr(nik_r, {a}, {n})" for a, n in ((1, 6), (7, 5), (12, 5))
)
NIK_NEAR = f"(({_SEGMENTS}) AND damerau_levenshtein(nik_l, nik_r) <= 2)"
NAME_WITHIN = (
    "list_has_all(name_tokens_l, name_tokens_r) OR list_has_all(name_tokens_r, name_tokens_l) "
    "OR ((name_has_initial_l OR name_has_initial_r) AND name_abbrev_l = name_abbrev_r)"
)
# Plausibly one name: the name levels above "Jaro-Winkler >= 0.75", or a typo or two (Jaro-Winkler
# punishes one near the start: "Kawaca" / "Kwaca" is 0.84): one edit, two in a name of 8+ letters.
NAME_SIMILAR = (
    "name_key_l = name_key_r OR name_sorted_l = name_sorted_r "
    f"OR jaro_winkler_similarity(name_key_l, name_key_r) >= 0.88 OR {NAME_WITHIN} "
    # On the normalised name, not the key: the key folds doubled letters, so "Mman" would be "man".
    "OR damerau_levenshtein(name_n_l, name_n_r) "
    "<= CASE WHEN least(length(name_n_l), length(name_n_r)) >= 8 THEN 2 ELSE 1 END"
)


def _else(m: float) -> dict[str, Any]:
    return {"sql_condition": "ELSE", "label_for_charts": "All other comparisons", "m_probability": m}


def _jw(a: str, threshold: float) -> str:
    return f"jaro_winkler_similarity({a}_l, {a}_r) >= {threshold}"


def comparisons(u: dict[str, float] | None = None) -> list[Any]:
    """The Indonesian-aware comparisons (custom SQL levels, most specific first); ``u``: see exact_u."""
    u = u or {}
    import splink.comparison_library as cl

    name = cl.CustomComparison(
        output_column_name="name",
        comparison_description="Indonesian name: spelling, titles, order, initials, single names",
        comparison_levels=[
            _level("name_key_l IS NULL OR name_key_r IS NULL", "null", 0, null=True),
            {
                **_level("name_key_l = name_key_r", "same name (spelling and titles normalised)", 0.85),
                # A shared "Agus" is weak evidence, a shared "Abdul Prabu Ardianto" strong.
                "tf_adjustment_column": "name_key",
                "tf_adjustment_weight": 1.0,
            },
            _level("name_sorted_l = name_sorted_r", "same words, other order", 0.01),
            _level(_jw("name_key", 0.95), "Jaro-Winkler >= 0.95", 0.07),
            _level(_jw("name_key", 0.88), "Jaro-Winkler >= 0.88", 0.03),
            _level(NAME_WITHIN, "one name within the other, or initials", 0.02),
            _level(_jw("name_key", 0.75), "Jaro-Winkler >= 0.75", 0.01),
            _else(0.01),
        ],
    )
    near = NIK_NEAR
    nik_missing = "(nik_l IS NULL OR nik_r IS NULL)"
    swapped = (
        "(month(birth_date_l) = day(birth_date_r) AND day(birth_date_l) = month(birth_date_r) "
        "AND year(birth_date_l) = year(birth_date_r))"
    )
    # NIK and birth date in one comparison: the NIK carries the birth date, so counting "NIK one digit
    # apart" and "same birth date" as independent evidence would merge people born the same day in the
    # same district (their NIKs differ only in the serial).
    identity = cl.CustomComparison(
        output_column_name="nik_dob",
        comparison_description="NIK (typos) and birth date (swapped day/month, typos)",
        comparison_levels=[
            _level(f"{nik_missing} AND (dob_l IS NULL OR dob_r IS NULL)", "null", 0, null=True),
            _level("nik_l = nik_r", "same NIK", 0.9, u=u.get("nik")),
            _level(f"{near} AND dob_l = dob_r", "NIK <= 2 digits apart, same birth date", 0.02),
            # NIK close but birth dates apart: mostly relatives or neighbours born close together.
            _level(near, "NIK <= 2 digits apart", 0.001),
            # Two different NIKs are rarely one person; these levels are seldom seen in training, so
            # their start values stand: small enough that a shared birth date does not outweigh the NIKs.
            _level(f"NOT {nik_missing} AND dob_l = dob_r", "other NIK, same birth date", 5e-5),
            _level(f"NOT {nik_missing}", "other NIK", 0.005),
            _level("dob_l = dob_r", "a NIK missing; same birth date", 0.04),
            _level(swapped, "a NIK missing; day and month swapped", 0.005),
            _level(
                "damerau_levenshtein(dob_l, dob_r) <= 1", "a NIK missing; birth date one digit off", 0.005
            ),
            _level("dob_year_l = dob_year_r", "a NIK missing; same birth year", 0.005),
            _else(0.001),
        ],
    )
    # KK and village in one comparison: a household shares both, so counted apart they would add up
    # to "same family" and merge relatives.
    household = cl.CustomComparison(
        output_column_name="kk_village",
        comparison_description="Same family card (KK); same or neighbouring village (same district)",
        comparison_levels=[
            _level(
                "(kk_l IS NULL OR kk_r IS NULL) AND (village_code_l IS NULL OR village_code_r IS NULL)",
                "null",
                0,
                null=True,
            ),
            _level(
                "kk_l = kk_r AND village_code_l = village_code_r",
                "same KK, same village",
                0.65,
                u=u.get("kk_village"),
            ),
            _level("kk_l = kk_r", "same KK, another village", 0.3, u=u.get("kk_other_village")),
            _level(
                "substr(kk_l, 1, 6) = substr(kk_r, 1, 6) AND damerau_levenshtein(kk_l, kk_r) <= 1",
                "KK one digit apart",
                0.01,
            ),
            _level("village_code_l = village_code_r", "other KK, same village", 0.02),
            _level("district_l = district_r", "other KK, same district", 0.01),
            _else(0.01),
        ],
    )
    phone = cl.CustomComparison(
        output_column_name="phone",
        comparison_description="Same mobile number",
        comparison_levels=[
            _level("phone_l IS NULL OR phone_r IS NULL", "null", 0, null=True),
            _level("phone_l = phone_r", "same phone", 0.9, u=u.get("phone")),
            _else(0.1),
        ],
    )
    sex = cl.CustomComparison(
        output_column_name="sex",
        comparison_description="Same sex",
        comparison_levels=[
            _level("sex_l IS NULL OR sex_r IS NULL", "null", 0, null=True),
            _level("sex_l = sex_r", "same sex", 0.98),
            _else(0.02),
        ],
    )
    return [name, identity, household, phone, sex]


def blocking_rules() -> list[Any]:
    """Candidate pairs: each rule is an equi-join, so a regency (1M records) stays a few million pairs."""
    from splink import block_on

    return [
        block_on("nik"),
        block_on("kk"),
        block_on("phone"),
        block_on("name_key", "dob"),
        block_on("dob", "village_code"),
        block_on("name_sorted", "dob_year", "district"),
    ]


def _settings(prepared: pl.DataFrame) -> Any:
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="id",
        comparisons=comparisons(exact_u(prepared)),
        blocking_rules_to_generate_predictions=blocking_rules(),
        probability_two_random_records_match=START_LAMBDA,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def _silent(progress: Progress | None) -> Progress:
    return progress or (lambda _f, _m: None)


def _db() -> Any:
    from splink.backends.duckdb import DuckDBAPI

    db = DuckDBAPI()
    db.duckdb_con.execute(f"SET threads = {DUCKDB_THREADS}")
    return db


def _to_arrow(df: pl.DataFrame) -> Any:
    return df.to_arrow()


# EM sessions: (blocking rule's columns, the comparisons whose m this session sets, message). Each block is
# strongly identifying, so its pairs are mostly the same person even when duplicates are rare, and each
# session keeps only what the other's block leaves free. Never the KK alone, nor the phone: a household
# shares both, and EM in such a block learns "same family" instead of "same person".
EM_SESSIONS: list[tuple[list[str], set[str], str]] = [
    (["nik"], {"name", "kk_village", "phone", "sex"}, "Estimasi EM (blok NIK) / EM estimation (NIK block)"),
    (
        ["name_key", "kk"],
        {"nik_dob"},
        "Estimasi EM (blok nama + KK) / EM estimation (name + KK block)",
    ),
]
# Fewer pairs than this in a session's block and EM learns noise (a registry whose NIKs were made unique
# at import has no pair sharing a NIK at all): the comparisons keep their start values instead.
EM_MIN_PAIRS = 200


def _train(linker: Any, prepared: pl.DataFrame, say: Progress, start: float, span: float) -> None:
    """Estimate the model from the records themselves: lambda (deterministic rules), u (sampling), m (EM)."""
    from splink import block_on
    from splink.internals.exceptions import EMTrainingException

    records = prepared.height
    training = linker.training
    settings = linker._settings_obj
    initial = settings.core_model_settings.copy()  # the start values (m priors) of comparisons()
    say(start, "Memperkirakan parameter / estimating parameters")
    if records > 1:
        try:
            # Same NIK, or same name and birth date: both nearly always the same person.
            training.estimate_probability_two_random_records_match(
                [block_on("nik"), block_on("name_key", "dob")], recall=0.95
            )
        except ValueError as exc:
            # Splink refuses when the rules find more pairs than recall allows (a tiny registry where
            # every pair shares a NIK); no pair at all only warns. Anything else is a fault: the run fails.
            logger.warning("lambda not estimated, start value kept: %s", exc)
        say(start + span * 0.15, "Sampel acak (u) / random sampling (u)")
        # Fewer sampled pairs for a small registry: u barely moves, and a village's run stays quick.
        max_pairs = min(U_MAX_PAIRS, max(U_MIN_PAIRS, records * 20.0))
        training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=SEED, num_chunks=1)
    lam = settings._probability_two_random_records_match
    trained: dict[tuple[str, int], float] = {}
    for i, (columns, keep, message) in enumerate(EM_SESSIONS):
        say(start + span * (0.5 + 0.25 * i), message)
        if _pairs_sharing(prepared, columns) < EM_MIN_PAIRS:
            logger.info("EM on %s skipped: too few pairs", columns)
            continue
        # Splink filters the settings' comparisons and changes lambda in place before a session runs, and
        # leaves them so when it fails: without this copy a failed session drops the NIK comparison.
        before = settings.core_model_settings.copy()
        try:
            training.estimate_parameters_using_expectation_maximisation(
                block_on(*columns), estimate_without_term_frequencies=True
            )
        except EMTrainingException as exc:
            # The block made no comparable pair after all (e.g. all its NIKs blank): keep the start values.
            # Anything else is a fault and fails the run, which records it (never a quiet half-trained model).
            logger.warning("EM on %s not run, start values kept: %s", columns, exc)
            settings.core_model_settings = before
            continue
        # Splink takes the median over sessions of every level it saw; keep only this session's own.
        for comparison in settings.comparisons:
            if comparison.output_column_name in keep:
                for j, level in enumerate(comparison.comparison_levels):
                    if not level.is_null_level and level.m_probability is not None:
                        trained[(comparison.output_column_name, j)] = level.m_probability
    _set_m(linker, initial, trained)
    _floor_m(linker, initial)
    # No pair found by the deterministic rules (a small, clean registry) estimates lambda as 0, which
    # Splink cannot turn into a weight: at least one match among all pairs, at most an even chance.
    total = max(records * (records - 1) / 2, 1.0)
    settings._probability_two_random_records_match = min(max(lam, 1.0 / total), 0.5)


def _set_m(linker: Any, initial: Any, trained: dict[tuple[str, int], float]) -> None:
    """m of each comparison as its own session estimated it; the start values where none did."""
    for comparison in linker._settings_obj.comparisons:
        start = initial.get_comparison_by_output_column_name(comparison.output_column_name)
        for j, level in enumerate(comparison.comparison_levels):
            if level.is_null_level:
                continue
            level.m_probability = trained.get(
                (comparison.output_column_name, j), start.comparison_levels[j].m_probability
            )


def _floor_m(linker: Any, initial: Any, floor: float = M_FLOOR) -> None:
    """No level is impossible among matches: EM on clean data can drive an m to ~0 (e.g. "other KK" when
    every duplicate in training shared its KK), which would veto real duplicates that differ there. A
    level whose start value is set below the floor on purpose ("other NIK, same birth date") keeps it."""
    for comparison in linker._settings_obj.comparisons:
        start = initial.get_comparison_by_output_column_name(comparison.output_column_name)
        for j, level in enumerate(comparison.comparison_levels):
            if level.is_null_level:
                continue
            least = min(floor, start.comparison_levels[j].m_probability or floor)
            if (level.m_probability or 0.0) < least:
                level.m_probability = least


# --- duplicates ------------------------------------------------------------------------------------------


def _components(pairs: pl.DataFrame) -> list[list[int]]:
    """Connected components of the pair graph (each of 2+ ids, sorted; clusters sorted by first id)."""
    if pairs.height == 0:
        return []
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    ids = pl.concat([pairs["id_l"], pairs["id_r"]]).unique().sort()
    index = {"id": ids, "ix": pl.int_range(0, ids.len(), eager=True)}
    lookup = pl.DataFrame(index)
    ix = pairs.join(lookup.rename({"id": "id_l", "ix": "a"}), on="id_l").join(
        lookup.rename({"id": "id_r", "ix": "b"}), on="id_r"
    )
    n = ids.len()
    graph = coo_matrix(
        (np.ones(ix.height, dtype=np.int8), (ix["a"].to_numpy(), ix["b"].to_numpy())), shape=(n, n)
    )
    _count, labels = connected_components(graph, directed=False)
    grouped = (
        pl.DataFrame({"id": ids, "label": labels})
        .group_by("label")
        .agg(pl.col("id").sort())
        .filter(pl.col("id").list.len() >= 2)
        .with_columns(pl.col("id").list.first().alias("first"))
        .sort("first")
    )
    return [list(c) for c in grouped["id"].to_list()]


def find_duplicates(
    records: pl.DataFrame,
    *,
    threshold: float = 0.9,
    exclude_pairs: pl.DataFrame | None = None,
    progress: Progress | None = None,
) -> LinkageResult:
    """Likely duplicate persons in ``records`` (RECORD_SCHEMA), as scored pairs and connected clusters."""
    say = _silent(progress)
    started = time.perf_counter()
    say(0.0, "Menyiapkan data / preparing records")
    prepared = prepare_records(records)
    if prepared["id"].null_count() or prepared["id"].n_unique() != prepared.height:
        raise ValueError("records need a unique, non-null id / setiap rekaman perlu id yang unik")
    if prepared.height < 2:
        say(1.0, "Selesai / done")
        return LinkageResult(
            prepared.height, pl.DataFrame(schema=PAIRS_SCHEMA), [], time.perf_counter() - started
        )
    from splink import Linker

    db = _db()
    linker = Linker(db.register(_to_arrow(prepared)), _settings(prepared), log_level=SPLINK_LOG_LEVEL)
    _train(linker, prepared, say, 0.05, 0.35)
    say(0.4, "Membandingkan pasangan / scoring candidate pairs")
    predictions = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
    pairs = _pairs_frame(_vetoed(pl.from_arrow(predictions.as_pyarrow_table()), prepared), threshold)
    predictions.drop_table_from_database_and_remove_from_cache()
    if exclude_pairs is not None and exclude_pairs.height:
        ex = exclude_pairs.select(
            pl.min_horizontal("id_l", "id_r").cast(pl.Int64).alias("id_l"),
            pl.max_horizontal("id_l", "id_r").cast(pl.Int64).alias("id_r"),
        ).unique()
        pairs = pairs.join(ex, on=["id_l", "id_r"], how="anti")
    say(0.9, "Mengelompokkan / clustering")
    clusters = _components(pairs)
    say(1.0, "Selesai / done")
    return LinkageResult(
        records=prepared.height, pairs=pairs, clusters=clusters, seconds=time.perf_counter() - started
    )


# Vetoes: pairs that are never the same person, whatever the other evidence adds up to. Fellegi–Sunter
# adds the weights of a shared KK, village and phone as if independent, and a household shares all
# three: in a regency of a million, twins or a father and his namesake son on one phone would score 1.0.
# (SQL over the pair's two records, as in the comparisons; evaluated on the pairs above the threshold only.)
VETOES = (
    # The names clearly differ (none of the name comparison's similar levels holds) and the NIK is not
    # the same: siblings, twins, a parent and child.
    f"name_key_l IS NOT NULL AND name_key_r IS NOT NULL AND NOT ({NAME_SIMILAR}) "
    "AND NOT coalesce(nik_l = nik_r, false)",
    # Both NIKs present, more than two digits apart, and other birth dates: a namesake relative.
    f"nik_l IS NOT NULL AND nik_r IS NOT NULL AND NOT {NIK_NEAR} AND dob_l <> dob_r",
)
VETO_COLUMNS = [
    "name_n",
    "name_key",
    "name_sorted",
    "name_tokens",
    "name_has_initial",
    "name_abbrev",
    "nik",
    "dob",
]


def _vetoed(raw: Any, prepared: pl.DataFrame) -> pl.DataFrame:
    """Scored pairs (``id_l``, ``id_r`` of ``prepared``) without those a veto (VETOES) rules out."""
    import duckdb

    assert isinstance(raw, pl.DataFrame)
    if raw.height == 0:
        return raw
    side = prepared.select("id", *VETO_COLUMNS)
    both = raw.join(side.rename(lambda c: f"{c}_l"), on="id_l", how="left").join(
        side.rename(lambda c: f"{c}_r"), on="id_r", how="left"
    )
    con = duckdb.connect()
    try:
        con.execute(f"SET threads = {DUCKDB_THREADS}")
        con.register("pairs", both.to_arrow())
        keep = " AND ".join(f"NOT coalesce({v}, false)" for v in VETOES)
        kept = pl.from_arrow(con.sql(f"SELECT id_l, id_r FROM pairs WHERE {keep}").to_arrow_table())
    finally:
        con.close()
    assert isinstance(kept, pl.DataFrame)
    return raw.join(kept.unique(), on=["id_l", "id_r"], how="semi")


def _pairs_frame(table: Any, threshold: float) -> pl.DataFrame:
    """Splink's predictions → id_l < id_r, probability; sorted, at or above the threshold."""
    raw = table if isinstance(table, pl.DataFrame) else pl.from_arrow(table)
    assert isinstance(raw, pl.DataFrame)
    if raw.height == 0:
        return pl.DataFrame(schema=PAIRS_SCHEMA)
    return (
        raw.select(
            pl.min_horizontal("id_l", "id_r").cast(pl.Int64).alias("id_l"),
            pl.max_horizontal("id_l", "id_r").cast(pl.Int64).alias("id_r"),
            pl.col("match_probability").cast(pl.Float64).alias("probability"),
        )
        .filter(pl.col("probability") >= threshold)
        .group_by("id_l", "id_r")
        .agg(pl.col("probability").max())
        .sort("id_l", "id_r")
    )


# --- linking an outside list -------------------------------------------------------------------------------


def link_records(
    registry: pl.DataFrame,
    outside: pl.DataFrame,
    *,
    threshold: float = 0.9,
    ambiguity_margin: float = 0.05,
    progress: Progress | None = None,
) -> LinkResult:
    """Match each row of ``outside`` ("row" + any RECORD_SCHEMA columns) to at most one registry record."""
    say = _silent(progress)
    started = time.perf_counter()
    if "row" not in outside.columns:
        raise ValueError('the outside list needs a "row" column / daftar luar perlu kolom "row"')
    say(0.0, "Menyiapkan data / preparing records")
    reg = prepare_records(registry)
    floor = max(threshold - ambiguity_margin, 0.0)
    rows = outside.select(pl.col("row").cast(pl.Int64))
    # Outside rows get ids above the registry's, so the two sides never share an id.
    top = reg["id"].max() if reg.height else 0
    offset = int(top) + 1 if isinstance(top, int) else 1
    out = prepare_records(outside.drop("id", strict=False).with_columns((pl.col("row") + offset).alias("id")))
    empty = LinkResult(
        rows=rows.with_columns(
            pl.lit("unmatched").alias("status"),
            pl.lit(None, pl.Int64).alias("person_id"),
            pl.lit(None, pl.Float64).alias("probability"),
            pl.lit(0, pl.Int64).alias("candidates"),
        ),
        seconds=0.0,
    )
    if reg.height == 0 or out.height == 0:
        empty.seconds = time.perf_counter() - started
        return empty
    from splink import Linker

    db = _db()
    reg_sdf = db.register(_to_arrow(reg))
    out_sdf = db.register(_to_arrow(out))
    linker = Linker(reg_sdf, _settings(reg), log_level=SPLINK_LOG_LEVEL)
    _train(linker, reg, say, 0.05, 0.45)
    # Name frequencies from the registry (predict_between does not derive them from the inputs).
    linker.table_management.compute_tf_table("name_key")
    # The prior of a link is not the registry's duplicate rate: an outside list (BPJS members, say) is
    # expected to name registry people, so each row has about one counterpart among the registry's records.
    linker._settings_obj._probability_two_random_records_match = 1.0 / max(reg.height, 2)
    say(0.5, "Mencocokkan daftar / matching the list")
    predictions = linker.inference.predict_between(
        reg_sdf, out_sdf, threshold_match_probability=floor, warning_mode="never"
    )
    raw = _vetoed(pl.from_arrow(predictions.as_pyarrow_table()), pl.concat([reg, out]))
    if raw.height == 0:
        empty.seconds = time.perf_counter() - started
        say(1.0, "Selesai / done")
        return empty
    result = _decide_links(rows, raw, reg, out, offset, threshold=threshold, margin=ambiguity_margin)
    say(1.0, "Selesai / done")
    return LinkResult(rows=result, seconds=time.perf_counter() - started)


def _decide_links(
    rows: pl.DataFrame,
    raw: pl.DataFrame,
    reg: pl.DataFrame,
    out: pl.DataFrame,
    offset: int,
    *,
    threshold: float,
    margin: float,
) -> pl.DataFrame:
    """Per outside row: matched (one clear best, or the one holding the row's NIK), ambiguous or unmatched."""
    floor = max(threshold - margin, 0.0)
    # Each pair has one registry id (< offset) and one outside id (>= offset), whichever side it landed on.
    scored = raw.select(
        pl.min_horizontal("id_l", "id_r").cast(pl.Int64).alias("person_id"),
        (pl.max_horizontal("id_l", "id_r").cast(pl.Int64) - offset).alias("row"),
        pl.col("match_probability").cast(pl.Float64).alias("probability"),
    ).filter(pl.col("probability") >= floor)
    # The list's NIK is the national identity number: a candidate holding exactly that NIK is the one,
    # however close another scores (a namesake born the same day, NIK two digits off).
    scored = (
        scored.join(
            reg.select(pl.col("id").alias("person_id"), pl.col("nik").alias("nik_reg")), on="person_id"
        )
        .join(out.select((pl.col("id") - offset).alias("row"), pl.col("nik").alias("nik_out")), on="row")
        .with_columns(
            (
                (pl.col("nik_reg") == pl.col("nik_out")).fill_null(False)
                & (pl.col("probability") >= threshold)
            ).alias("same_nik")
        )
    )
    best = (
        scored.sort(["row", "same_nik", "probability", "person_id"], descending=[False, True, True, False])
        .group_by("row", maintain_order=True)
        .agg(
            pl.col("person_id").first().alias("best_id"),
            pl.col("probability").first().alias("best"),
            pl.col("same_nik").sum().alias("nik_hits"),
            # Candidates: registry records within the margin of the best-scored one.
            (pl.col("probability") >= pl.col("probability").max() - margin).sum().alias("near"),
        )
    )
    return (
        rows.join(best, on="row", how="left")
        .with_columns(
            pl.when(pl.col("nik_hits") == 1)
            .then(pl.lit("matched"))
            .when(pl.col("best").is_null() | (pl.col("best") < threshold))
            .then(pl.lit("unmatched"))
            .when(pl.col("near") > 1)
            .then(pl.lit("ambiguous"))
            .otherwise(pl.lit("matched"))
            .alias("status")
        )
        .select(
            "row",
            "status",
            pl.when(pl.col("status") == "matched").then(pl.col("best_id")).alias("person_id"),
            pl.col("best").alias("probability"),
            pl.col("near").fill_null(0).cast(pl.Int64).alias("candidates"),
        )
    )
