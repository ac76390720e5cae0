"""Synthetic published practices, and the cities they belong to, for load tests.

Everything generated is marked: practices' and cities' slugs start with "synthetic-"
(``store.PREFIX``), and ``store.clear_synthetic`` deletes exactly those rows. The words come
from ``demo/data/synthetic_*.json`` (``words``), cities from ``places``, practices from
``generator``; ``demo.writers`` writes them in bulk.
"""
