"""Nothing to administer: the reports app has no models."""
