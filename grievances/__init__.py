"""Complaints, appeals, their workflow, SLA and audit."""
