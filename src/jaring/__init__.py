"""Jaring: jaring pengaman sosial — vulnerable-worker registry to BPJS Ketenagakerjaan coverage."""

__version__ = "0.1.0"
