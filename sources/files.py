"""Files given by path, for sources read from an export rather than an API."""
from pathlib import Path


def path_entries(path):
    """``(name, bytes)`` of a file, or of the files of a folder (names relative to it,
    in name order)."""
    path = Path(path)
    if not path.is_dir():
        return [(path.name, path.read_bytes())]
    return [(file.relative_to(path).as_posix(), file.read_bytes())
            for file in sorted(path.rglob("*")) if file.is_file()]
