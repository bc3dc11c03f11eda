"""the one outbox to outside platforms, inbound records, reconciliation (DOMAIN §14)"""
