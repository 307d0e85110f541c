"""De-identification of interview transcripts (placeholder while the package moves here)."""
