"""Small geography helpers (no Django models here)."""
