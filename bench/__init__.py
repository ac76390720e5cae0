"""`make bench`: search latency, page throughput and memory on PostgreSQL (see bench/README.md)."""
