"""Stand-ins for outside services, served on loopback: the fake Africa's Talking API."""
