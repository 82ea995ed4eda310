"""The partner channel: DCI social-registry and enrolment endpoints, payments in, partner credentials."""
