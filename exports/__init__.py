"""CSV and Excel files of any search of the published practices (exports/README.md)."""
