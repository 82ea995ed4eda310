"""Demo data for a new machine: areas, programmes, pages in every language and one staff user per role."""
