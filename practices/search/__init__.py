"""Finding practices: ``run(params)`` answers the search page; the modules below it parse and
match words (practices.models.matching), filter (filters), name the options (options), count
them (facets, summary, counts), suggest a spelling (suggestions) and mark the words found
(highlighting, cards). docs/architecture.md describes the design."""

from .results import SearchOutcome, matching_ids, run

__all__ = ["SearchOutcome", "matching_ids", "run"]
