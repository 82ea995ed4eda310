"""People, households, programmes, eligibility rules, applications and decisions."""
