"""The inbox of a period: every entry accounted for (read, quarantined, or named as not read), and
each upload read once, its bytes hashed and parsed from that one read."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from flows.io import Root
from rules import reason_codes
from transforms import wilayah
from transforms.ingest import FileQuarantined

READ, QUARANTINE, IGNORE, NEXT_RUN = "read", "quarantine", "ignore", "next_run"
PARTIAL_SUFFIXES = (".part", ".crdownload", ".partial", ".filepart", ".tmp")


@dataclass(frozen=True)
class InboxEntry:
    """One thing found under ``inbox/<periode>/`` and what the run does with it.

    ``action`` is ``read`` (parsed), ``quarantine`` (read and hashed, not parsed: not in a
    province folder), ``ignore`` (never opened: a link, a hidden file or folder, an Office lock
    file) or ``next_run`` (never opened: an upload still in progress). Every action but ``read``
    carries a reason code and its Indonesian explanation from the catalogue, which is what a
    province receipt needs.
    """

    kode_prov: str  # the province folder's name; "" for what lies directly in inbox/<periode>/
    path: str  # POSIX path relative to the data root (as recorded in the manifest)
    file: str  # POSIX path relative to the province folder: the rows' ``sumber_file``
    action: str
    code: str | None = None
    keterangan: str = ""  # the catalogue's Indonesian explanation of ``code``
    detail: str = ""  # what exactly, in Indonesian (no personal data)
    os_path: str = ""  # ``path`` as the file system spells it, to open it (differs for non-UTF-8 names)

    @property
    def receipt_row(self) -> dict:
        """kode_prov, file, alasan, keterangan: a line of a province's list of files not read."""
        text = self.keterangan + (f" ({self.detail})" if self.detail else "")
        return {"kode_prov": self.kode_prov, "file": self.file, "alasan": self.code, "keterangan": text}

    def with_reason(self, action: str, code: str, detail: str = "") -> InboxEntry:
        """The same entry with another outcome, e.g. left for the next run after a read saw it grow."""
        return replace(self, action=action, code=code, keterangan=reason_codes()[code].id, detail=detail)


def _shown(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 are written as ``\\xNN`` (unique, printable)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _entry(
    root: Root, full: Path, base: Path, action: str, code: str | None = None, detail: str = "", *, folder: bool = False
) -> InboxEntry:
    rel = [_shown(p) for p in full.relative_to(base).parts]
    kode_prov, inside = (rel[0], rel[1:]) if len(rel) > 1 else ("", rel)
    slash = "/" if folder else ""
    in_root = full.relative_to(root.path).as_posix()
    return InboxEntry(
        kode_prov=kode_prov,
        path=_shown(in_root) + slash,
        file="/".join(inside) + slash,
        action=action,
        code=code,
        keterangan=reason_codes()[code].id if code else "",
        detail=detail,
        os_path=in_root,
    )


def inbox_entries(root: Root, periode: str, *, provinces: set[str] | None = None) -> list[InboxEntry]:
    """Everything under ``inbox/<periode>/``, sorted by path, each with what the run does with it.

    The walk never follows a symbolic link (``scandir``, ``follow_symlinks=False``) and never
    descends into a hidden folder: such a link or folder is one entry, named with its reason (a
    link whose target resolves outside the data root ``FILE_TAUTAN_LUAR_ROOT``, any other link
    ``FILE_TAUTAN``). Files of a province folder (``provinces``: the known codes, by default the
    Kemendagri reference) are read at any depth; files directly in ``inbox/<periode>/`` or under
    another folder are quarantined as ``FILE_SALAH_PROVINSI``.
    """
    if provinces is None:
        provinces = set(wilayah.provinces()["kode_prov"])
    base = root.inbox(periode)
    real_root = Path(os.path.realpath(root.path))

    def link_code(link: Path) -> str:
        return "FILE_TAUTAN" if Path(os.path.realpath(link)).is_relative_to(real_root) else "FILE_TAUTAN_LUAR_ROOT"

    if base.is_symlink():
        return [_entry(root, base, base.parent, IGNORE, link_code(base), "folder periode adalah tautan", folder=True)]
    out: list[InboxEntry] = []
    folders = [base] if base.is_dir() else []
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as it:
                items = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            out.append(
                _entry(
                    root,
                    folder,
                    base,
                    QUARANTINE,
                    "FILE_TIDAK_TERBACA",
                    f"folder tidak dapat dibuka ({type(exc).__name__})",
                    folder=True,
                )
            )
            continue
        for item in items:
            full = Path(item.path)
            is_dir = item.is_dir(follow_symlinks=False)
            if item.is_symlink():
                out.append(_entry(root, full, base, IGNORE, link_code(full)))
            elif item.name.startswith("."):
                out.append(_entry(root, full, base, IGNORE, "FILE_TERSEMBUNYI", folder=is_dir))
            elif is_dir:
                folders.append(full)
            elif item.name.startswith("~$"):
                out.append(_entry(root, full, base, IGNORE, "FILE_KUNCI_OFFICE"))
            elif item.name.lower().endswith(PARTIAL_SUFFIXES):
                out.append(
                    _entry(
                        root, full, base, NEXT_RUN, "FILE_BELUM_LENGKAP", "akhiran " + Path(item.name.lower()).suffix
                    )
                )
            else:
                entry = _entry(root, full, base, READ)
                if entry.kode_prov not in provinces:
                    entry = _entry(
                        root,
                        full,
                        base,
                        QUARANTINE,
                        "FILE_SALAH_PROVINSI",
                        f"folder '{entry.kode_prov or '(tanpa folder)'}' bukan kode provinsi",
                    )
                out.append(entry)
    return sorted(out, key=lambda e: e.path)


class UploadInProgress(Exception):
    """The file changed while it was read: an upload still being written."""


@dataclass(frozen=True)
class Upload:
    """The bytes of one upload as read once, and their sha256."""

    data: bytes
    sha256: str


def _identity(st: os.stat_result) -> tuple:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _read_fd(fd: int, limit: int) -> bytes:
    chunks, left = [], limit
    while left > 0:
        chunk = os.read(fd, min(left, 64 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_upload(path: Path, *, max_bytes: int) -> Upload:
    """Read an uploaded file once and hash exactly the bytes read.

    The file is stat'ed before and after the read (without following a link) and opened with
    ``O_NOFOLLOW | O_NONBLOCK`` (a link swapped in later is refused, a FIFO cannot block the run).
    Raises ``UploadInProgress`` when size, mtime or inode changed while reading, or more bytes came
    than the first stat said; ``FileQuarantined`` for something that is not a regular file
    (``FILE_TIDAK_TERBACA``) or is larger than ``max_bytes`` (``FILE_TERLALU_BESAR``, not read).
    """
    before = os.lstat(path)
    if not stat.S_ISREG(before.st_mode):
        raise FileQuarantined("FILE_TIDAK_TERBACA", "bukan berkas biasa")
    if before.st_size > max_bytes:
        raise FileQuarantined("FILE_TERLALU_BESAR", f"{before.st_size:,} byte; batas {max_bytes:,} byte")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # became a link after the walk
            raise UploadInProgress("berkas berganti menjadi tautan saat dibaca") from exc
        raise
    try:
        opened = os.fstat(fd)
        data = _read_fd(fd, before.st_size + 1)  # one byte more than expected shows a growing file
    finally:
        os.close(fd)
    after = os.lstat(path)
    if not (_identity(before) == _identity(opened) == _identity(after)) or len(data) != before.st_size:
        raise UploadInProgress("berkas berubah saat dibaca")
    return Upload(data=data, sha256=hashlib.sha256(data).hexdigest())
