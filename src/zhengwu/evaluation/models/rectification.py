"""Models of evaluation: rectification."""
