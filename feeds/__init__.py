"""Atom feeds of new practices — all, per theme, city, coalition and for any search — and the
pages' schema.org descriptions (templatetags/structured_data.py); feeds/README.md."""
