"""Deduplication: exact NIK conflicts, Splink record linkage, the review queue, merges and undo."""
