def stored_files(root):
    """Return the names of the files stored under a media folder, sorted."""
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())
