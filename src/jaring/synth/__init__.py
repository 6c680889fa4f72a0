"""Synthetic village spreadsheets of vulnerable workers (labelled synthetic), for the demo, tests and benchmarks."""

from jaring.synth.generator import COLUMNS, SynthOptions, SynthResult, generate
from jaring.synth.writer import write_rows

__all__ = ["COLUMNS", "SynthOptions", "SynthResult", "generate", "write_rows"]
