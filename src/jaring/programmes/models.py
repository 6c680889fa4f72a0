"""Models of programmes."""
