"""Where data lives: a local folder or an object-store URL, as one path type.

The storage resource's folders may be local (`data/coded`) or URLs (`s3://bucket/coded`,
`gs://bucket/coded`, `memory://coded` in tests). Local folders stay plain `pathlib.Path`, so
everything local behaves exactly as before (flock, temporary file, rename, fsync); URLs become
`upath.UPath` objects over fsspec, which offer the same path operations (`/`, `glob`,
`read_bytes`, `open`).

Only object stores are accepted as URLs: there, a single PUT of a finished object is atomic
(readers see the old object or the new one, never a part), which is the guarantee the tables
and the parse cache promise. Remote file systems without that property (sftp, smb, hdfs) are
refused; mount them and use the local path instead. The fsspec driver of a store is a separate
package (`s3fs`, `gcsfs`, `adlfs`) and finds credentials in the environment as usual.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TypeAlias

from upath import UPath

StoragePath: TypeAlias = Path | UPath

# fsspec protocols whose writes publish a whole object at once; "memory" is the in-process test store.
ATOMIC_PUT_PROTOCOLS = frozenset({"s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "memory"})
_LOCAL_PROTOCOLS = frozenset({"", "file", "local"})


def as_path(location: str | os.PathLike[str] | StoragePath) -> StoragePath:
    """A `Path` for a local folder (also `file://...`), a `UPath` for an object-store URL."""
    if isinstance(location, UPath):
        upath = location
    elif isinstance(location, Path) or "://" not in os.fspath(location):
        return Path(location)
    else:
        upath = UPath(os.fspath(location))
    if upath.protocol in _LOCAL_PROTOCOLS:
        return Path(upath.path)
    if upath.protocol not in ATOMIC_PUT_PROTOCOLS:
        raise ValueError(
            f"{location}: {upath.protocol}:// storage has no atomic writes; use an object store"
            f" ({', '.join(sorted(ATOMIC_PUT_PROTOCOLS - {'memory'}))}) or a mounted local path"
        )
    return upath


def is_local(path: StoragePath) -> bool:
    """True for a local path, which is written with a lock, a temporary file and a rename."""
    return not isinstance(path, UPath) or path.protocol in _LOCAL_PROTOCOLS


def put_object(path: UPath, data: bytes) -> None:
    """Store `data` as the object at `path` in one request: atomic on the accepted object stores.

    The caller builds the whole content first (in memory), so a failure before this call leaves
    the old object untouched, and nothing half-written is ever visible.
    """
    path.fs.pipe_file(path.path, data)
