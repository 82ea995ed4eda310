"""SMS: the outbox and gateways (out), keyword commands and delivery reports (in)."""
