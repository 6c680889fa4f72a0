"""Nothing to administer: the maps app has no models."""
