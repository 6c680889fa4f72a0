"""Indonesian text: name normalisation (old spelling, titles, particles, Muhammad's many spellings).

Two forms are made from a name:

- :func:`normalise_name` / :func:`normalise_names`: lower case, new (EYD) spelling, no titles or
  particles, Muhammad's variants written one way ("H. Moch. Djoko Soesilo, S.Pd." → "muhammad joko susilo");
  readable, and what the linkage compares by default;
- :func:`name_key` / :func:`name_keys`: a coarser phonetic key on top of it for exact comparisons and
  blocking (old "j" = new "y", doubled letters single, "kh" = "h", "dh"/"th" = "d"/"t"), because the
  old "j" cannot be told from a new "j" once "dj" became "j".

Everything is a polars string expression (no Python loop per row); the scalar functions run the same
expressions on a one-row series, so both always agree.
"""

from __future__ import annotations

import polars as pl


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Old (Van Ophuijsen / Soewandi) spelling → EYD, in the order they must be applied ("dj" before "j").
OLD_SPELLING: list[tuple[str, str]] = [
    ("oe", "u"),
    ("dj", "j"),
    ("tj", "c"),
    ("sj", "sy"),
    ("nj", "ny"),
    ("ch", "kh"),
]

# Titles and honorifics, written without dots (the dots are removed first): religious (H., Hj., K.H.,
# Ust.), academic (S.Pd., Drs., Ir., M.Si., A.Md.), nobility (R., Rr., R.A.) and forms of address.
TITLES: frozenset[str] = _words(
    """
    h hj hji haji hajah hajjah kh kyai kiai ust ustad ustadz ustaz ustadzah ustazah habib
    dr drs dra drg ir prof
    spd spdi spdsd sag sai se sh shi skom ssos st ssi skep sked spsi sip shum skes sfarm sth ssy
    sgz sp spt sthi sei sksm ssn sds sikom sak stp spi
    mpd mpdi msi mm mkes mag mh mt mkom msc mba mhum mse mth mei ma ampd
    amd ama amkeb amkep amk amdkeb amdkep amdkom amdkes bsc ba phd lc
    r rr ra rm raden mas
    ny tn sdr sdri bpk bapak ibu almh alm
    """
)

# Father's-name particles ("Ahmad bin Umar"): dropped, the father's name is kept.
PARTICLES: frozenset[str] = frozenset({"bin", "binti", "bt", "bte", "bnt"})

# Muhammad as offices write it (after the old-spelling rules, so "moch" is already "mokh").
MUHAMMAD: frozenset[str] = _words(
    """
    muhammad muhamad muhammat muhamat muhamed muhammed mohammad mohamad mohammed mohamed mohamat
    mokhammad mokhamad mokhamat mukhammad mukhamad mochammad mochamad mukhamat mohd moh mokh
    muh mukh mhd mhmd md mhammad mamad
    """
)

_TITLE_RE = "|".join(sorted(TITLES, key=len, reverse=True))
_PARTICLE_RE = "|".join(sorted(PARTICLES, key=len, reverse=True))
_MUHAMMAD_RE = "|".join(sorted(MUHAMMAD, key=len, reverse=True))


def _strip_titles(s: pl.Expr) -> pl.Expr:
    """Remove title tokens everywhere (a title is never a name), repeatedly because they come in runs."""
    pattern = rf"(^| )({_TITLE_RE})( |$)"
    for _ in range(3):  # "H. Drs. Ir." : each pass removes every other adjacent title
        s = s.str.replace_all(pattern, " ").str.replace_all(r" +", " ")
    return s.str.strip_chars()


def normalise_name_expr(col: pl.Expr) -> pl.Expr:
    """Polars expression: the normalised form of a name column (see the module docstring)."""
    s = col.str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()
    # Academic titles usually follow a comma ("Budi Santoso, S.Pd., M.Pd."): drop the whole tail.
    s = s.str.replace(r",.*$", "")
    # Per token: a dotted title goes ("S.Pd." → "spd" → title); an initial glued to a name is split
    # ("M.Yusuf" → "m yusuf"); other dots and apostrophes just go ("Nur'aini" → "nuraini").
    e = pl.element()
    bare = e.str.replace_all(r"[.'`’‘]", "")
    s = (
        s.str.split(" ")
        .list.eval(
            pl.when(bare.is_in(list(TITLES)))
            .then(pl.lit(""))
            .when(e.str.contains(r"^[a-z]\.[a-z]{2,}"))
            .then(e.str.replace(r"\.", " ", literal=False).str.replace_all(r"[.'`’‘]", ""))
            .otherwise(bare)
        )
        .list.join(" ")
    )
    s = s.str.replace_all(r"[^a-z ]+", " ").str.replace_all(r" +", " ").str.strip_chars()
    for old, new in OLD_SPELLING:
        s = s.str.replace_all(old, new, literal=True)
    s = _strip_titles(s)
    s = s.str.replace_all(rf"(^| )({_PARTICLE_RE})( |$)", " ").str.replace_all(r" +", " ")
    # Muhammad's spellings, and a leading lone "m" (M. Yusuf), are one name.
    s = s.str.replace_all(rf"(^| )({_MUHAMMAD_RE})( |$)", "${1}muhammad${3}")
    s = s.str.replace_all(rf"(^| )({_MUHAMMAD_RE})( |$)", "${1}muhammad${3}")
    s = s.str.replace(r"^m ([a-z]{2,})", "muhammad $1")
    s = s.str.strip_chars()
    return pl.when(s.str.len_chars() > 0).then(s).otherwise(None)


def name_key_expr(col: pl.Expr) -> pl.Expr:
    """Polars expression: the phonetic key of an already *normalised* name column."""
    s = col.str.replace_all("j", "y", literal=True)
    s = s.str.replace_all("kh", "h", literal=True).str.replace_all("dh", "d", literal=True)
    s = s.str.replace_all("th", "t", literal=True)
    for letter in "abcdefghijklmnopqrstuvwxyz":  # mm → m, lll → l (no back-references in polars' regex)
        s = s.str.replace_all(f"{letter}{letter}+", letter)
    return s


def normalise_names(s: pl.Series) -> pl.Series:
    """Normalised form of every name in a string series (null stays null; an empty result is null)."""
    return pl.select(normalise_name_expr(pl.lit(s.cast(pl.String)))).to_series().alias(s.name)


def normalise_name(name: str) -> str:
    """Normalised form of one name ("" when nothing is left, e.g. a title only)."""
    out = normalise_names(pl.Series("n", [name], dtype=pl.String))[0]
    return out or ""


def name_keys(s: pl.Series) -> pl.Series:
    """Phonetic key of every name in a raw string series (normalised first)."""
    return pl.select(name_key_expr(normalise_name_expr(pl.lit(s.cast(pl.String))))).to_series().alias(s.name)


def name_key(name: str) -> str:
    """Phonetic key of one raw name."""
    out = name_keys(pl.Series("n", [name], dtype=pl.String))[0]
    return out or ""
