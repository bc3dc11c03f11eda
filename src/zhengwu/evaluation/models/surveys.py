"""Models of evaluation: surveys."""
