"""Models of hall: queue."""
