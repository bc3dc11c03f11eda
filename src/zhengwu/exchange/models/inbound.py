"""Models of exchange: inbound."""
