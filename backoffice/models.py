"""The back-office owns no models.

This module exists so that Django sends the back-office its ``post_migrate`` signal (it is sent
only to apps with a models module): after every ``migrate`` the staff role groups are brought in
line with ``backoffice.roles``.
"""
