"""Models of exchange: outbound."""
