"""Small helpers of the import pipeline: reading files, mapping headers, normalising values."""
