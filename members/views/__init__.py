"""The member area's pages, by what the officer is doing."""
