"""Synthetic village spreadsheets of vulnerable workers (labelled synthetic): demo, tests, benchmarks."""

from jaring.synth.generator import COLUMNS, SynthOptions, SynthResult, generate
from jaring.synth.writer import write_rows

__all__ = ["COLUMNS", "SynthOptions", "SynthResult", "generate", "write_rows"]
