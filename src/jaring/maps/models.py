"""The maps app stores nothing: it publishes aggregates of the registry (see services.py)."""
