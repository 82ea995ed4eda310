"""The grievance queue and the case page: what grievance officers and supervisors work in."""
