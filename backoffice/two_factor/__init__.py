"""Staff two-factor sign-in: TOTP enrolment and verification, backup codes, idle sign-out."""
