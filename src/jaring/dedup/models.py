"""Models of dedup."""
