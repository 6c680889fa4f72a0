"""Models of review."""
