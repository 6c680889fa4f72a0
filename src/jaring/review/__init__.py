"""BPS verification of village batches: review flow and quality indicators."""
