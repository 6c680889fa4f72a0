"""Eligibility rules: a small, safe expression language over person fields, compiled to polars.

Hand-written tokenizer and recursive-descent parser; nothing is ever handed to Python's ``eval``.
Grammar (keywords case-insensitive)::

    rule       := [or_expr]
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | atom
    atom       := "(" or_expr ")" | comparison
    comparison := FIELD [ ("==" | "!=" | "<" | "<=" | ">" | ">=") literal
                        | ["not"] "in" "[" literal ("," literal)* [","] "]" ]
    literal    := STRING | NUMBER | "true" | "false"

A bare FIELD is allowed for Boolean fields. A comparison whose person value is unknown (null) is false,
except ``!=`` and ``not in``, which hold for an unknown value. See docs/programmes.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl

FieldType = Literal["str", "int", "bool"]


@dataclass(frozen=True)
class FieldSpec:
    """A field a rule may use: its type, its labels and (for enumerations) its allowed values."""

    name: str
    type: FieldType
    label_id: str
    label_en: str
    values: tuple[str, ...] | None = None  # fixed enumeration; occupation's comes from the database
    pattern: str | None = None  # regular expression a string literal must match


FIELDS: dict[str, FieldSpec] = {
    f.name: f
    for f in [
        FieldSpec("occupation", "str", "pekerjaan", "occupation"),
        FieldSpec("age", "int", "usia", "age"),
        FieldSpec("sex", "str", "jenis kelamin", "sex", values=("L", "P")),
        FieldSpec("village", "str", "desa", "village", pattern=r"\d{2}\.\d{2}\.\d{2}\.\d{4}"),
        FieldSpec("district", "str", "kecamatan", "district", pattern=r"\d{2}\.\d{2}\.\d{2}"),
        FieldSpec("monthly_income", "int", "penghasilan bulanan", "monthly income"),
        FieldSpec("dependants", "int", "jumlah tanggungan", "dependants"),
        FieldSpec("has_disability", "bool", "penyandang disabilitas", "has a disability"),
        FieldSpec("is_household_head", "bool", "kepala keluarga", "head of household"),
        FieldSpec(
            "employment_status",
            "str",
            "status pekerjaan",
            "employment status",
            values=(
                "own_account",
                "employer_temporary",
                "employer_permanent",
                "employee",
                "casual_agriculture",
                "casual_non_agriculture",
                "unpaid_family",
            ),
        ),
        FieldSpec("is_informal", "bool", "pekerja informal", "informal worker"),
        FieldSpec("bpjs_status", "str", "status BPJS", "BPJS status", values=("none", "active", "lapsed")),
        FieldSpec("kbji_code", "str", "kode KBJI", "KBJI code", pattern=r"\d{1,5}"),
    ]
}
# The polars type of each field's column in a person frame.
FRAME_TYPES: dict[str, Any] = {"str": pl.String, "int": pl.Int64, "bool": pl.Boolean}

COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")


class RuleError(Exception):
    """A rule that cannot be used: what is wrong, where (1-based column), in Indonesian and English."""

    def __init__(self, code: str, column: int, message_id: str, message_en: str, length: int = 1) -> None:
        self.code = code
        self.column = column
        self.length = max(length, 1)
        self.message_id = message_id
        self.message_en = message_en
        super().__init__(f"{message_en} (column {column})")

    def as_dict(self) -> dict[str, Any]:
        """The error as the API returns it."""
        return {
            "code": self.code,
            "column": self.column,
            "length": self.length,
            "message_id": f"{self.message_id} (kolom {self.column})",
            "message_en": f"{self.message_en} (column {self.column})",
        }


# --- tokens ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # name, string, number, op, lbrack, rbrack, lparen, rparen, comma, end
    text: str
    value: Any
    column: int  # 1-based


_KEYWORDS = {"and", "or", "not", "in", "true", "false"}
_NUMBER = re.compile(r"\d[\d_]*(\.\d+)?")
# Rupiah written the Indonesian way (1.000.000): refused with a hint rather than read as 1.0 and ".000".
_DOTTED_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3}){2,}(?![\d.])")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MAX_RULE_LENGTH = 4000


def tokenize(text: str) -> list[Token]:
    """Split a rule into tokens, or raise RuleError at the first character that fits no token."""
    if len(text) > MAX_RULE_LENGTH:
        raise RuleError(
            "too_long",
            MAX_RULE_LENGTH + 1,
            f"aturan terlalu panjang (paling banyak {MAX_RULE_LENGTH} karakter)",
            f"the rule is too long (at most {MAX_RULE_LENGTH} characters)",
        )
    tokens: list[Token] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        col = i + 1
        if ch.isspace():
            i += 1
            continue
        if ch in "\"'":
            j = i + 1
            buf: list[str] = []
            while j < n and text[j] != ch:
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                buf.append(text[j])
                j += 1
            if j >= n:
                raise RuleError(
                    "unterminated_string",
                    col,
                    "teks tanpa tanda kutip penutup",
                    "a text value without its closing quote",
                    n - i,
                )
            tokens.append(Token("string", text[i : j + 1], "".join(buf), col))
            i = j + 1
            continue
        dotted = _DOTTED_THOUSANDS.match(text, i) if ch.isdigit() else None
        if dotted:
            raw = dotted.group(0)
            plain = raw.replace(".", "")
            raise RuleError(
                "dotted_number",
                col,
                f"tulis angka tanpa titik: {plain} atau {int(plain):_}, bukan {raw}",
                f"write numbers without dots: {plain} or {int(plain):_}, not {raw}",
                len(raw),
            )
        if ch.isdigit() or (ch == "-" and i + 1 < n and text[i + 1].isdigit() and _expects_operand(tokens)):
            m = _NUMBER.match(text, i + 1 if ch == "-" else i)
            assert m is not None
            raw = text[i : m.end()]
            num = raw.replace("_", "")
            value: int | float = float(num) if "." in num else int(num)
            tokens.append(Token("number", raw, value, col))
            i = m.end()
            continue
        m = _NAME.match(text, i)
        if m:
            word = m.group(0)
            kind = "keyword" if word.lower() in _KEYWORDS else "name"
            tokens.append(Token(kind, word, word.lower() if kind == "keyword" else word, col))
            i = m.end()
            continue
        two = text[i : i + 2]
        if two in ("==", "!=", "<=", ">="):
            tokens.append(Token("op", two, two, col))
            i += 2
            continue
        if ch in "<>":
            tokens.append(Token("op", ch, ch, col))
            i += 1
            continue
        if ch == "=":
            raise RuleError(
                "single_equals",
                col,
                "pakai '==' untuk membandingkan, bukan '='",
                "use '==' to compare, not '='",
            )
        simple = {"[": "lbrack", "]": "rbrack", "(": "lparen", ")": "rparen", ",": "comma"}
        if ch in simple:
            tokens.append(Token(simple[ch], ch, ch, col))
            i += 1
            continue
        raise RuleError(
            "bad_character", col, f"karakter {ch!r} tidak dikenal", f"unexpected character {ch!r}"
        )
    tokens.append(Token("end", "", None, n + 1))
    return tokens


def _expects_operand(tokens: list[Token]) -> bool:
    """Whether a '-' here starts a negative number (after an operator, a bracket or a comma)."""
    return not tokens or tokens[-1].kind in ("op", "lbrack", "comma", "lparen", "keyword")


# --- syntax tree -------------------------------------------------------------------------------------


@dataclass
class Node:
    start: int  # 1-based column of the first character
    end: int  # 1-based column just after the last character


@dataclass
class Compare(Node):
    field: str
    op: str  # == != < <= > >= in notin truthy
    value: Any  # a literal, a list of literals, or None for truthy


@dataclass
class Not(Node):
    operand: Node


@dataclass
class BoolOp(Node):
    op: Literal["and", "or"]
    operands: list[Node]


@dataclass
class Always(Node):
    """The empty rule: everyone passes."""


_LITERAL_KINDS = ("string", "number")


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def is_keyword(self, word: str) -> bool:
        return self.tok.kind == "keyword" and self.tok.value == word

    def fail(self, expected_id: str, expected_en: str, tok: Token | None = None) -> RuleError:
        t = tok or self.tok
        if t.kind == "end":
            return RuleError(
                "unexpected_end",
                t.column,
                f"aturan berakhir terlalu cepat: diharapkan {expected_id}",
                f"the rule ends too early: expected {expected_en}",
            )
        return RuleError(
            "syntax",
            t.column,
            f"diharapkan {expected_id}, tertulis {t.text!r}",
            f"expected {expected_en}, found {t.text!r}",
            len(t.text),
        )

    def parse(self) -> Node:
        if self.tok.kind == "end":
            return Always(1, 1)
        node = self.or_expr()
        if self.tok.kind != "end":
            raise self.fail("'and', 'or' atau akhir aturan", "'and', 'or' or the end of the rule")
        return node

    def or_expr(self) -> Node:
        parts = [self.and_expr()]
        while self.is_keyword("or"):
            self.advance()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else BoolOp(parts[0].start, parts[-1].end, "or", parts)

    def and_expr(self) -> Node:
        parts = [self.not_expr()]
        while self.is_keyword("and"):
            self.advance()
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else BoolOp(parts[0].start, parts[-1].end, "and", parts)

    def not_expr(self) -> Node:
        if self.is_keyword("not"):
            t = self.advance()
            inner = self.not_expr()
            return Not(t.column, inner.end, inner)
        return self.atom()

    def atom(self) -> Node:
        if self.tok.kind == "lparen":
            open_tok = self.advance()
            inner = self.or_expr()
            if self.tok.kind != "rparen":
                raise self.fail("')' penutup", "a closing ')'")
            close = self.advance()
            inner.start, inner.end = open_tok.column, close.column + 1
            return inner
        return self.comparison()

    def comparison(self) -> Node:
        t = self.tok
        if t.kind != "name":
            raise self.fail("nama kolom (mis. occupation, age)", "a field name (e.g. occupation, age)")
        self.advance()
        spec = FIELDS.get(t.text.lower())  # field names, like keywords, ignore case
        if spec is None:
            known = ", ".join(FIELDS)
            raise RuleError(
                "unknown_field",
                t.column,
                f"kolom {t.text!r} tidak dikenal; yang dikenal: {known}",
                f"unknown field {t.text!r}; known fields: {known}",
                len(t.text),
            )
        if self.tok.kind == "op":
            op = self.advance()
            lit = self.literal()
            node = Compare(t.column, lit.column + len(lit.text), spec.name, op.value, lit.value)
            _check_compare(spec, op, lit)
            return node
        negate = False
        if (
            self.is_keyword("not")
            and self.tokens[self.i + 1].kind == "keyword"
            and self.tokens[self.i + 1].value == "in"
        ):
            self.advance()
            negate = True
        if self.is_keyword("in"):
            self.advance()
            items, end = self.literal_list(spec)
            return Compare(t.column, end, spec.name, "notin" if negate else "in", items)
        if spec.type == "bool":
            return Compare(t.column, t.column + len(t.text), spec.name, "truthy", None)
        raise self.fail(
            "perbandingan (==, !=, <, <=, >, >=, in, not in)",
            "a comparison (==, !=, <, <=, >, >=, in, not in)",
        )

    def literal(self) -> Token:
        t = self.tok
        if t.kind in _LITERAL_KINDS or (t.kind == "keyword" and t.value in ("true", "false")):
            self.advance()
            if t.kind == "keyword":
                return Token("bool", t.text, t.value == "true", t.column)
            return t
        raise self.fail("sebuah nilai (teks, angka, true/false)", "a value (text, number, true/false)")

    def literal_list(self, spec: FieldSpec) -> tuple[list[Any], int]:
        if self.tok.kind != "lbrack":
            raise self.fail("daftar nilai dalam '[ ]'", "a list of values in '[ ]'")
        self.advance()
        items: list[Any] = []
        while True:
            if self.tok.kind == "rbrack" and items:
                break
            lit = self.literal()
            _check_literal(spec, lit)
            items.append(lit.value)
            if self.tok.kind == "comma":
                self.advance()
                continue
            if self.tok.kind != "rbrack":
                raise self.fail("',' atau ']'", "',' or ']'")
        end = self.advance()
        return items, end.column + 1


def _type_name(tok: Token) -> tuple[str, str]:
    return {
        "string": ("teks", "text"),
        "number": ("angka", "a number"),
        "bool": ("true/false", "true/false"),
    }.get(tok.kind, (tok.kind, tok.kind))


_TYPE_WORDS = {"str": ("teks", "text"), "int": ("angka", "a number"), "bool": ("true/false", "true/false")}


def _check_literal(spec: FieldSpec, lit: Token) -> None:
    """Raise RuleError unless ``lit`` has the field's type (and, for enumerations, an allowed value)."""
    want = {"str": "string", "int": "number", "bool": "bool"}[spec.type]
    if lit.kind != want:
        got_id, got_en = _type_name(lit)
        need_id, need_en = _TYPE_WORDS[spec.type]
        raise RuleError(
            "wrong_type",
            lit.column,
            f"{spec.name} berisi {need_id}, bukan {got_id} ({lit.text})",
            f"{spec.name} holds {need_en}, not {got_en} ({lit.text})",
            len(lit.text),
        )
    if spec.values is not None and lit.value not in spec.values:
        allowed = ", ".join(spec.values)
        raise RuleError(
            "unknown_value",
            lit.column,
            f"nilai {lit.value!r} tidak dikenal untuk {spec.name}; yang dikenal: {allowed}",
            f"unknown value {lit.value!r} for {spec.name}; known values: {allowed}",
            len(lit.text),
        )
    if spec.pattern is not None and not re.fullmatch(spec.pattern, str(lit.value)):
        raise RuleError(
            "bad_format",
            lit.column,
            f"{lit.text} bukan bentuk yang benar untuk {spec.name}",
            f"{lit.text} is not a well-formed {spec.name}",
            len(lit.text),
        )


def _check_compare(spec: FieldSpec, op: Token, lit: Token) -> None:
    if op.value in ("<", "<=", ">", ">=") and spec.type != "int":
        raise RuleError(
            "wrong_type",
            op.column,
            f"{op.text} hanya untuk kolom angka; {spec.name} bukan angka",
            f"{op.text} compares numbers only; {spec.name} is not a number",
            len(op.text),
        )
    _check_literal(spec, lit)


# --- the rule ----------------------------------------------------------------------------------------


@dataclass
class Clause:
    """A top-level clause of a rule (one operand of its outermost ``and``)."""

    index: int
    text: str
    node: Node


@dataclass
class Rule:
    """A parsed eligibility rule."""

    text: str
    tree: Node
    clauses: list[Clause] = field(default_factory=list)

    def fields(self) -> set[str]:
        """The person fields the rule reads."""
        return {n.field for n in _walk(self.tree) if isinstance(n, Compare)}

    def occupations(self) -> list[tuple[str, int]]:
        """Every occupation slug the rule names, with the column of its list or comparison."""
        out: list[tuple[str, int]] = []
        for n in _walk(self.tree):
            if isinstance(n, Compare) and n.field == "occupation":
                values = n.value if isinstance(n.value, list) else [n.value]
                out += [(v, n.start) for v in values]
        return out

    def check(self, occupations: Iterable[str] | None = None) -> None:
        """Raise RuleError if the rule names an occupation slug that is not in ``occupations``."""
        if occupations is None:
            return
        known = set(occupations)
        for slug, column in self.occupations():
            if slug not in known:
                pos = self.text.find(f'"{slug}"', column - 1)
                if pos < 0:
                    pos = self.text.find(f"'{slug}'", column - 1)
                col = pos + 1 if pos >= 0 else column
                raise RuleError(
                    "unknown_occupation",
                    col,
                    f"kategori pekerjaan {slug!r} tidak dikenal",
                    f"unknown occupation category {slug!r}",
                    len(slug) + 2,
                )

    def expression(self) -> pl.Expr:
        """The whole rule as one Boolean polars expression (never null)."""
        return _compile(self.tree)

    def evaluate(self, frame: pl.DataFrame, source_name: str = "") -> pl.DataFrame:
        """Per person: ``passes``, and for a fail the first failing top-level clause and why (id/en)."""
        name = source_name or "sumber ini"
        name_en = source_name or "this source"
        if not self.clauses:
            # with_columns, not select: literals alone would make a one-row frame.
            return frame.with_columns(
                pl.lit(True).alias("passes"),
                pl.lit(None, pl.Int32).alias("failed_clause"),
                pl.lit(None, pl.String).alias("failed_text"),
                pl.lit(None, pl.String).alias("reason_id"),
                pl.lit(None, pl.String).alias("reason_en"),
            ).select(["passes", "failed_clause", "failed_text", "reason_id", "reason_en"])
        clause_cols = [f"_c{c.index}" for c in self.clauses]
        checks = frame.lazy().select([_compile(c.node).alias(f"_c{c.index}") for c in self.clauses]).collect()
        first_fail: pl.Expr = pl.lit(None, pl.Int32)
        key: pl.Expr = pl.lit(None, pl.String)
        for c in reversed(self.clauses):
            failed = ~pl.col(f"_c{c.index}")
            first_fail = pl.when(failed).then(pl.lit(c.index, pl.Int32)).otherwise(first_fail)
            # A reason depends only on the clause and the value of the field it tests, so reasons are
            # built once per distinct (clause, value) and joined back: a million persons share a few dozen.
            value = (
                pl.col(c.node.field).cast(pl.String).fill_null("\x00")
                if isinstance(c.node, Compare)
                else pl.lit("")
            )
            key = pl.when(failed).then(value).otherwise(key)
        # Lazily, with only the fields the rule reads, so polars fuses the steps into one pass.
        needed = sorted(self.fields())
        base = (
            pl.concat([frame.select(needed), checks], how="horizontal")
            .lazy()
            .with_columns(pl.all_horizontal(clause_cols).alias("passes"), first_fail.alias("failed_clause"))
            .with_columns(key.alias("_key"))
            .select([*needed, "passes", "failed_clause", "_key"])
            .collect()
        )
        combos = base.filter(pl.col("failed_clause").is_not_null()).unique(
            subset=["failed_clause", "_key"], keep="any"
        )
        text: pl.Expr = pl.lit(None, pl.String)
        reason_id: pl.Expr = pl.lit(None, pl.String)
        reason_en: pl.Expr = pl.lit(None, pl.String)
        for c in reversed(self.clauses):
            here = pl.col("failed_clause") == c.index
            rid, ren = _reason(c.node, c.text, name, name_en)
            text = pl.when(here).then(pl.lit(c.text)).otherwise(text)
            reason_id = pl.when(here).then(rid).otherwise(reason_id)
            reason_en = pl.when(here).then(ren).otherwise(reason_en)
        reasons = combos.select(
            "failed_clause",
            "_key",
            text.alias("failed_text"),
            reason_id.alias("reason_id"),
            reason_en.alias("reason_en"),
        )
        return (
            base.select("passes", "failed_clause", "_key")
            .join(reasons, on=["failed_clause", "_key"], how="left", maintain_order="left")
            .drop("_key")
        )


def parse(text: str) -> Rule:
    """Parse a rule (raises RuleError with the column of the problem)."""
    tree = _Parser(text).parse()
    if isinstance(tree, Always):
        return Rule(text, tree, [])
    parts = tree.operands if isinstance(tree, BoolOp) and tree.op == "and" else [tree]
    clauses = [Clause(i, text[p.start - 1 : p.end - 1].strip(), p) for i, p in enumerate(parts)]
    return Rule(text, tree, clauses)


def _walk(node: Node) -> Iterable[Node]:
    yield node
    if isinstance(node, Not):
        yield from _walk(node.operand)
    elif isinstance(node, BoolOp):
        for o in node.operands:
            yield from _walk(o)


# --- compilation to polars --------------------------------------------------------------------------


def _compile(node: Node) -> pl.Expr:
    """A Boolean polars expression over a person frame; unknown values make a comparison false."""
    if isinstance(node, Always):
        return pl.lit(True)
    if isinstance(node, Not):
        return ~_compile(node.operand)
    if isinstance(node, BoolOp):
        exprs = [_compile(o) for o in node.operands]
        return pl.all_horizontal(exprs) if node.op == "and" else pl.any_horizontal(exprs)
    assert isinstance(node, Compare)
    col = pl.col(node.field)
    op, v = node.op, node.value
    if op == "truthy":
        return col.fill_null(False)
    if op == "==":
        return col.eq_missing(pl.lit(v)).fill_null(False)
    if op == "!=":
        return col.ne_missing(pl.lit(v)).fill_null(True)
    if op == "in":
        return col.is_in(v).fill_null(False)
    if op == "notin":
        return (~col.is_in(v)).fill_null(True)
    cmp = {"<": col < v, "<=": col <= v, ">": col > v, ">=": col >= v}[op]
    return cmp.fill_null(False)


_OP_WORDS = {
    # op: (Indonesian, English) — how the person's value fails the comparison
    ">=": ("kurang dari", "is below"),
    ">": ("tidak lebih dari", "is not above"),
    "<=": ("lebih dari", "is above"),
    "<": ("tidak kurang dari", "is not below"),
    "==": ("bukan", "is not"),
}


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'"
    return f"{value:,}" if isinstance(value, int) and abs(value) >= 10_000 else str(value)


def _value_text(spec: FieldSpec) -> pl.Expr:
    """The person's value as text for a reason: quoted for text fields."""
    col = pl.col(spec.name)
    if spec.type == "str":
        return pl.concat_str([pl.lit("'"), col, pl.lit("'")])
    if spec.type == "bool":
        return pl.when(col).then(pl.lit("true")).otherwise(pl.lit("false"))
    return col.cast(pl.String)


def _reason(node: Node, text: str, name_id: str, name_en: str) -> tuple[pl.Expr, pl.Expr]:
    """Why a person fails ``node`` in plain words (Indonesian, English), as string expressions."""
    if isinstance(node, BoolOp) and node.op == "or":
        return (
            pl.lit(f"tidak satu pun pilihan {name_id} terpenuhi: {text}"),
            pl.lit(f"none of {name_en}'s alternatives holds: {text}"),
        )
    if isinstance(node, BoolOp | Not | Always):
        return (
            pl.lit(f"syarat {name_id} tidak terpenuhi: {text}"),
            pl.lit(f"{name_en}'s condition does not hold: {text}"),
        )
    assert isinstance(node, Compare)
    spec = FIELDS[node.field]
    value = _value_text(spec)
    unknown_id = pl.lit(f"{spec.label_id} tidak diketahui (syarat {name_id}: {text})")
    unknown_en = pl.lit(f"{spec.label_en} unknown ({name_en} requires {text})")
    op = node.op
    if op == "truthy":
        rid = pl.lit(f"bukan {spec.label_id} (syarat {name_id})")
        ren = pl.lit(f"not {spec.label_en} (required by {name_en})")
    elif op == "in" and spec.name == "occupation":
        rid = pl.concat_str(
            [pl.lit(f"{spec.label_id} "), value, pl.lit(f" tidak termasuk kategori {name_id}")]
        )
        ren = pl.concat_str(
            [pl.lit(f"{spec.label_en} "), value, pl.lit(f" is not among {name_en}'s categories")]
        )
    elif op == "in":
        listed = ", ".join(_show(v) for v in node.value)
        rid = pl.concat_str(
            [pl.lit(f"{spec.label_id} "), value, pl.lit(f" tidak termasuk {listed} ({name_id})")]
        )
        ren = pl.concat_str(
            [pl.lit(f"{spec.label_en} "), value, pl.lit(f" is not one of {listed} ({name_en})")]
        )
    elif op in ("notin", "!="):
        rid = pl.concat_str([pl.lit(f"{spec.label_id} "), value, pl.lit(f" dikecualikan oleh {name_id}")])
        ren = pl.concat_str([pl.lit(f"{spec.label_en} "), value, pl.lit(f" is excluded by {name_en}")])
    else:
        wid, wen = _OP_WORDS[op]
        lit = _show(node.value)
        rid = pl.concat_str([pl.lit(f"{spec.label_id} "), value, pl.lit(f" {wid} {lit} (syarat {name_id})")])
        ren = pl.concat_str([pl.lit(f"{spec.label_en} "), value, pl.lit(f" {wen} {lit} ({name_en})")])
    known = pl.col(spec.name).is_not_null()
    if op in ("notin", "!="):  # these fail only on a known value
        return rid, ren
    return (
        pl.when(known).then(rid).otherwise(unknown_id),
        pl.when(known).then(ren).otherwise(unknown_en),
    )


# --- person frames ----------------------------------------------------------------------------------

# Columns of a person frame: id, then every rule field.
FRAME_SCHEMA: dict[str, Any] = {"id": pl.Int64, **{n: FRAME_TYPES[f.type] for n, f in FIELDS.items()}}


def empty_frame() -> pl.DataFrame:
    """A person frame with no rows."""
    return pl.DataFrame(schema=FRAME_SCHEMA)


def frame_from_rows(rows: list[tuple[Any, ...]], on: dt.date) -> pl.DataFrame:
    """A person frame from rows of (id, occupation slug, birth_date, sex, village code, monthly_income,
    dependants, has_disability, is_household_head, employment_status, bpjs_status, kbji_code)."""
    raw = pl.DataFrame(
        rows,
        schema={
            "id": pl.Int64,
            "occupation": pl.String,
            "birth_date": pl.Date,
            "sex": pl.String,
            "village": pl.String,
            "monthly_income": pl.Int64,
            "dependants": pl.Int64,
            "has_disability": pl.Boolean,
            "is_household_head": pl.Boolean,
            "employment_status": pl.String,
            "bpjs_status": pl.String,
            "kbji_code": pl.String,
        },
        orient="row",
    )
    return with_derived(raw, on)


def with_derived(raw: pl.DataFrame, on: dt.date) -> pl.DataFrame:
    """Add age (on ``on``), district and is_informal to a raw person frame and order its columns."""
    b = pl.col("birth_date")
    before_birthday = (pl.lit(on.month) < b.dt.month()) | (
        (pl.lit(on.month) == b.dt.month()) & (pl.lit(on.day) < b.dt.day())
    )
    status = pl.col("employment_status").replace("", None)
    return raw.with_columns(
        (pl.lit(on.year) - b.dt.year() - before_birthday.cast(pl.Int32)).cast(pl.Int64).alias("age"),
        pl.col("village").str.slice(0, 8).alias("district"),
        status.alias("employment_status"),
        pl.when(status.is_null())
        .then(pl.lit(None, pl.Boolean))
        .otherwise(~status.is_in(["employer_permanent", "employee"]))
        .alias("is_informal"),
        pl.col("kbji_code").replace("", None),
    ).select(list(FRAME_SCHEMA))
