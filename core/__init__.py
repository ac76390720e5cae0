"""Shared pieces with no models: the page cache, the Redis cache client, who counts as an
editor, and the admin's safety mixins. Nothing here imports an app of the project."""
