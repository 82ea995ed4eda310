"""Back-office reports under the admin's Reports menu."""
