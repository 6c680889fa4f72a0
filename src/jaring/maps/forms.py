"""The maps app has no forms yet: its filters are query parameters."""
