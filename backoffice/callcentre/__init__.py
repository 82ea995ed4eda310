"""Call-centre mode: find and verify a caller, then act on their behalf, on the record."""
