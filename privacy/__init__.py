"""Personal data lifecycle (DESIGN §11): retention, "my data", erasure and its log."""
