"""Write the report's files into its output folder safely (private to :mod:`jobhandicap.report`).

:func:`write_report_files` is the one entry point. The report's files are made in memory first;
this module

- takes a lock beside the output folder, so two reports written to one folder at the same time
  (from threads or processes) never mix: the second waits, for a bounded time;
- writes every file into a new temporary folder next to the output folder (same file system)
  and moves it into place: the whole folder at once when the output folder is new or empty,
  file by file (each an atomic rename) otherwise;
- keeps a manifest, :data:`MANIFEST`, listing the files the report wrote: a later report into the
  same folder replaces or removes only the files listed there, never other files;
- refuses a folder that is not empty and has no manifest, unless ``force`` (then files of the
  report's names are replaced and nothing else is touched);
- never follows a symbolic link inside the output folder: a file that is a link is replaced
  (the link itself, never its target), and a link where the report needs a folder
  (``tables``) is refused.

The output folder itself may be a symbolic link: the path the user gives is resolved once, and
the folder it names is written.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import shutil
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Final

from jobhandicap._advice import option
from jobhandicap.errors import JobhandicapError

__all__ = ["MANIFEST", "check_folder", "write_report_files"]

#: The manifest of a report folder: the files the report wrote, and a format version.
MANIFEST: Final = ".jobhandicap-report.json"
_FORMAT: Final = "jobhandicap report"
_VERSION: Final = 1
#: The names a report writes, so a manifest can never make a report delete anything else.
_OWN_NAME: Final = re.compile(r"index\.html|tables\.xlsx|tables/[a-z0-9_]{1,100}\.csv")
#: How long a report waits for another one writing to the same folder (seconds).
LOCK_TIMEOUT: float = 120.0
_POLL: Final = 0.05
_NOFOLLOW: Final = getattr(os, "O_NOFOLLOW", 0)
_BINARY: Final = getattr(os, "O_BINARY", 0)


class OutputFolderError(JobhandicapError):
    """The report cannot be written into its output folder (the message says what to do)."""


def _target(folder: Path) -> Path:
    """The output folder as an absolute path, the user's own path resolved once."""
    return Path(os.path.realpath(os.path.abspath(folder)))


def _own(name: str) -> bool:
    return _OWN_NAME.fullmatch(name) is not None


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _read_manifest(target: Path) -> tuple[str, ...] | None:
    """The files listed in the folder's manifest, or None when it has no valid manifest of ours.

    The manifest is read without following a link; entries that are not names the report
    writes are ignored.
    """
    path = target / MANIFEST
    info = _lstat(path)
    if info is None or not stat.S_ISREG(info.st_mode):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _BINARY)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        raw = handle.read(1_000_000)
    try:
        content = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(content, dict) or content.get("format") != _FORMAT:
        return None
    files = content.get("files")
    if not isinstance(content.get("version"), int) or not isinstance(files, list):
        return None
    return tuple(f for f in files if isinstance(f, str) and _own(f))


def _manifest_bytes(names: list[str]) -> bytes:
    content = {"format": _FORMAT, "version": _VERSION, "files": sorted(set(names))}
    return (json.dumps(content, indent=2) + "\n").encode("utf-8")


def _not_empty_error(shown: Path) -> OutputFolderError:
    force = option("force", True, python="force=True (on the command line: --force)")
    return OutputFolderError(
        f"the output folder {str(shown)!r} is not empty and holds no report of jobhandicap "
        f"(no {MANIFEST}): choose a new or empty folder, or pass {force} to "
        "write into it anyway (files named like the report's are then "
        "replaced; other files are left alone)"
    )


def _state(target: Path, shown: Path, force: bool) -> tuple[bool, tuple[str, ...]]:
    """Whether the folder is new (absent or empty), and the files its manifest lists.

    Raises
    ------
    OutputFolderError
        When the path is not a folder, or is a folder with other files and no manifest while
        ``force`` is off.
    """
    info = _lstat(target)
    if info is None:
        return True, ()
    if not stat.S_ISDIR(info.st_mode):
        raise OutputFolderError(
            f"the output folder {str(shown)!r} exists and is not a folder: choose another --out "
            "(out_dir) or remove it"
        )
    listed = _read_manifest(target)
    if listed is not None:
        return False, listed
    with os.scandir(target) as entries:
        empty = next(entries, None) is None
    if empty:
        return True, ()
    if not force:
        raise _not_empty_error(shown)
    return False, ()


def check_folder(folder: Path, *, force: bool) -> None:
    """Refuse, before any work is done, a folder the report could not be written into.

    :func:`write_report_files` checks again, under the lock, when it writes.
    """
    _state(_target(folder), folder, force)


@contextlib.contextmanager
def _locked(target: Path, shown: Path, say: Callable[[str], None]) -> Iterator[None]:
    """Hold the lock of an output folder: a lock file beside it, locked with ``flock``.

    The lock file is removed on release; a waiter that locked a file already removed tries
    again, so one lock file is held at a time. Without ``fcntl`` (Windows) the lock file is
    created exclusively (``O_EXCL``) and removed on release.
    """
    path = target.parent / f".{target.name}.jobhandicap-lock"
    deadline = time.monotonic() + LOCK_TIMEOUT
    waited = False
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        fcntl = None  # type: ignore[assignment]
    while True:
        fd = _try_lock(path, fcntl)
        if fd is not None:
            break
        if time.monotonic() > deadline:
            raise OutputFolderError(
                f"another report is being written to {str(shown)!r} and did not finish within "
                f"{LOCK_TIMEOUT:.0f} seconds: wait for it and try again, or choose another "
                f"folder (if no report is running, remove the lock file {str(path)!r})"
            )
        if not waited:
            say(f"waiting for another report being written to {shown}")
            waited = True
        time.sleep(_POLL)
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        os.close(fd)


def _try_lock(path: Path, fcntl: object) -> int | None:
    """Open and lock the lock file; None when another holder has it."""
    if fcntl is None:  # pragma: no cover - Windows
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | _BINARY, 0o644)
        except FileExistsError:
            return None
    import fcntl as posix

    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o644)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise OutputFolderError(
                f"the lock file {str(path)!r} is a symbolic link: remove it and try again"
            ) from None
        raise
    try:
        posix.flock(fd, posix.LOCK_EX | posix.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    held = os.fstat(fd)
    now = _lstat(path)
    if now is None or (now.st_dev, now.st_ino) != (held.st_dev, held.st_ino):
        os.close(fd)  # the previous holder removed the file after we opened it: try again
        return None
    return fd


def _write_new(path: Path, data: bytes) -> None:
    """Create a file that must not exist yet (never through a link)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY, 0o666)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _staging(target: Path) -> Path:
    """A new, empty folder beside the output folder (created with the user's umask)."""
    for _ in range(100):
        path = target.parent / f".{target.name}.tmp-{secrets.token_hex(6)}"
        try:
            os.mkdir(path, 0o777)
        except FileExistsError:
            continue
        return path
    raise OutputFolderError(f"cannot create a temporary folder in {str(target.parent)!r}")


def _real_folder(target: Path, relative: str, shown: Path, create: bool) -> Path | None:
    """The folder ``target / relative`` (a real folder, never a link), made when ``create``."""
    here = target
    for part in [p for p in relative.split("/") if p]:
        here = here / part
        info = _lstat(here)
        if info is None:
            if not create:
                return None
            os.mkdir(here, 0o777)
        elif stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
            what = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a folder"
            raise OutputFolderError(
                f"{str(shown / relative)!r} in the output folder is {what}, where the report "
                "writes a folder of its own: remove or rename it, or choose another folder"
            )
    return here


def _parent(name: str) -> str:
    return name.rpartition("/")[0]


def _place(
    staged: Path, target: Path, shown: Path, names: list[str], old: tuple[str, ...]
) -> None:
    """Move the staged files into an existing folder, then remove the old report's leftovers."""
    for folder in sorted({_parent(n) for n in names} - {""}):
        _real_folder(target, folder, shown, create=True)
    for name in names:
        info = _lstat(target / name)
        if info is not None and stat.S_ISDIR(info.st_mode):
            raise OutputFolderError(
                f"{str(shown / name)!r} in the output folder is a folder, where the report "
                "writes a file: remove or rename it, or choose another folder"
            )
    # First list every file that may be ours, so that an interrupted run is cleaned next time.
    interim = staged / (MANIFEST + ".interim")
    _write_new(interim, _manifest_bytes([*old, *names]))
    os.replace(interim, target / MANIFEST)
    for name in names:
        os.replace(staged / name, target / name)  # replaces a link itself, never its target
    for name in sorted(set(old) - set(names)):
        holder = _real_folder(target, _parent(name), shown, create=False)
        if holder is None:
            continue
        path = holder / name.rpartition("/")[2]
        info = _lstat(path)
        if info is not None and not stat.S_ISDIR(info.st_mode):
            os.unlink(path)
    for folder in sorted({_parent(n) for n in old} - {_parent(n) for n in names} - {""}):
        with contextlib.suppress(OSError):
            os.rmdir(target / folder)  # only when empty
    os.replace(staged / MANIFEST, target / MANIFEST)


def write_report_files(
    folder: Path,
    files: Mapping[str, bytes],
    *,
    force: bool,
    progress: Callable[[str], None],
) -> tuple[Path, ...]:
    """Write a report's files into ``folder``; return their paths (under ``folder`` as given).

    Parameters
    ----------
    folder
        The output folder (created with its parents when absent).
    files
        Relative POSIX path (``"index.html"``, ``"tables/grant_rate.csv"``, ``"tables.xlsx"``)
        to content, in the order to report them.
    force
        Write into a non-empty folder that holds no report of jobhandicap: files named like
        the report's are replaced, nothing else is touched.
    progress
        Called with a line when the report must wait for another one.

    Raises
    ------
    OutputFolderError
        When the folder is not empty and has no manifest (without ``force``), when a path the
        report needs is a symbolic link or not a folder, or when another report holds the
        folder longer than :data:`LOCK_TIMEOUT`.
    """
    names = list(files)
    bad = [n for n in names if not _own(n)]
    if bad:
        raise JobhandicapError(f"not a file name of a report: {', '.join(map(repr, bad))}")
    target = _target(folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target, folder, progress):
        new, old = _state(target, folder, force)
        staged = _staging(target)
        try:
            for name in names:
                _real_folder(staged, _parent(name), staged, create=True)
                _write_new(staged / name, files[name])
            _write_new(staged / MANIFEST, _manifest_bytes(names))
            if new:
                _move_folder(staged, target)
            else:
                _place(staged, target, folder, names, old)
        finally:
            if _lstat(staged) is not None:
                shutil.rmtree(staged, ignore_errors=True)
    return tuple(folder / name for name in names)


def _move_folder(staged: Path, target: Path) -> None:
    """Move the staged folder to the absent or empty output folder in one rename."""
    try:
        os.replace(staged, target)  # POSIX: replaces an empty folder atomically
    except OSError:
        if _lstat(target) is None:
            raise
        os.rmdir(target)  # empty (checked under the lock); Windows cannot replace it
        os.replace(staged, target)
