"""Models of hall: staffing."""
