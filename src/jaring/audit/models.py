"""The audit app has no tables of its own: it reads the change logs of the other apps (services.SOURCES)."""
