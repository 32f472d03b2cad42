"""Publishing a period: the snapshot, receipts, bank lists, analysts' zone and report of a run
become visible together, or not at all.

Readers use the paths of contracts.md (``snapshots/``, ``receipts/``, ``disbursement/``,
``analytics/``, ``reports/``). Each of these five is a symbolic link into one *generation*::

    <root>/snapshots    -> .padan/published/snapshots      (likewise the other four; made once)
    <root>/.padan/published -> generations/<id>            (the one switch)
    <root>/.padan/generations/<id>/{snapshots,receipts,disbursement,analytics,reports}/...

A generation is a complete published tree: every file of the previous generation, hard-linked
(files are immutable, so a link costs no copy), except those of the period being published, plus
that period's new files. Publishing writes a new generation beside the current one, fsyncs it,
and then replaces the ``published`` link with one ``rename``: a reader sees the old generation
or the new one, never a mixture, and a kill at any moment leaves the last complete generation in
place. Inside a generation everything is a real folder, so ``**`` globs (DuckDB's do not follow
symbolic links) find every period.

A data root laid out the old way (real folders at the five paths, or a copy that dereferenced the
links) is taken over on its next publication: its folders become the first generation, then each
is replaced by its link (the only moment, once, when a reader can find a folder missing).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from flows import settings
from flows.io import published_periods, sha256_file

TOPS = ("snapshots", "receipts", "disbursement", "analytics", "reports")
KEEP_GENERATIONS = 2  # the current one and the one it replaced (readers may still be in it)


def fault(step: str) -> None:
    """Kill this process outright when ``PADAN_FAULT_AT`` names ``step`` (or wait there for two
    minutes when ``PADAN_PAUSE_AT`` does): how the kill test reaches every window of a publication
    deterministically. A no-op otherwise."""
    if settings.fault_at() == step:
        os.kill(os.getpid(), signal.SIGKILL)
    if settings.pause_at() == step:
        time.sleep(120)


def generations(root: Path) -> Path:
    return root / ".padan" / "generations"


def published_link(root: Path) -> Path:
    return root / ".padan" / "published"


def current_generation(root: Path) -> Path | None:
    """The generation readers see now, or None (nothing published, or an old-style root)."""
    link = published_link(root)
    if link.is_symlink() and link.resolve().is_dir():
        return link.resolve()
    return None


def belongs_to(rel: str, periode: str) -> bool:
    """Whether a root-relative path (POSIX) is an output of ``periode``."""
    parts = rel.split("/")
    tag = f"periode={periode}"
    if parts[0] in ("snapshots", "receipts", "disbursement"):
        return len(parts) > 1 and parts[1] == tag
    if parts[0] == "analytics":
        return len(parts) > 2 and parts[2] == tag
    if parts[0] == "reports":
        return len(parts) > 1 and parts[1] == f"{tag}.html"
    return False


def files_below(base: Path) -> Iterator[tuple[str, Path]]:
    """(relative POSIX path, path) of every regular file below ``base``, sorted; symbolic links are
    neither followed nor listed."""
    if not base.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            p = Path(dirpath) / name
            if p.is_file() and not p.is_symlink():
                yield p.relative_to(base).as_posix(), p


def _published_tops(root: Path) -> dict[str, Path]:
    """Where each of the five trees is now: inside the current generation, or an old-style folder."""
    gen = current_generation(root)
    out = {}
    for top in TOPS:
        entry = root / top
        if entry.is_symlink():
            if gen is not None and (gen / top).is_dir():
                out[top] = gen / top
        elif entry.is_dir():
            out[top] = entry
    return out


def digest(staged: Path, *, exclude: tuple[str, ...] = ()) -> dict[str, str]:
    """sha256 of every file of a staged (or published) tree by root-relative path."""
    return {rel: sha256_file(p) for rel, p in files_below(staged) if rel not in exclude}


def problems(root: Path, files: dict[str, str]) -> list[str]:
    """The root-relative paths of ``files`` that are missing or differ from their sha256 as
    readers see them now."""
    bad = []
    for rel, sha in sorted(files.items()):
        p = root / rel
        if not p.is_file() or sha256_file(p) != sha:
            bad.append(rel)
    return bad


def _link_or_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:  # another file system (a copied root), or links not allowed
        shutil.copy2(src, dst)


def _fsync_dirs(base: Path) -> None:
    for dirpath, _, _ in os.walk(base):
        fd = os.open(dirpath, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def current_pointer(gen: Path) -> dict | None:
    """``snapshots/_current.json`` of a generation: the latest period with a manifest."""
    periods = published_periods(gen / "snapshots")
    if not periods:
        return None
    return {"periode": periods[-1], "path": f"periode={periods[-1]}"}


def publish_period(root: Path, periode: str, staged: Path, *, archive_as: str | None = None) -> Path:
    """Make ``staged`` (a tree of the five tops holding only ``periode``'s outputs, fsynced) what
    readers see for that period, together with every other period as published now. Returns the
    new generation. ``archive_as``: when the period replaces a published one, the old files are
    kept (hard links) under ``.padan/replaced/periode=<P>/<archive_as>/``."""
    gens = generations(root)
    gens.mkdir(parents=True, exist_ok=True)
    previous = current_generation(root)
    gen_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    tmp = gens / f"{gen_id}.tmp"
    archive = root / ".padan" / "replaced" / f"periode={periode}" / archive_as if archive_as else None
    for top, base in _published_tops(root).items():
        for rel, src in files_below(base):
            full = f"{top}/{rel}"
            if full == "snapshots/_current.json":
                continue
            if belongs_to(full, periode):
                if archive is not None and not (archive / full).exists():
                    _link_or_copy(src, archive / full)
                continue
            _link_or_copy(src, tmp / full)
    for rel, src in files_below(staged):
        _fsync_file(src)
        dst = tmp / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.rename(src, dst)
    pointer = current_pointer(tmp)
    if pointer:
        (tmp / "snapshots" / "_current.json").write_text(json.dumps(pointer) + "\n", encoding="utf-8")
    for top in TOPS:
        (tmp / top).mkdir(parents=True, exist_ok=True)
    _fsync_dirs(tmp)
    final = gens / gen_id
    os.rename(tmp, final)
    _fsync_dir(gens)
    fault("publish:before-switch")
    _ensure_top_links(root, legacy_too=False)
    _switch(root, final)
    fault("publish:after-switch")
    _ensure_top_links(root, legacy_too=True)
    _fsync_dir(root)
    collect_garbage(root, keep=[final] + ([previous] if previous else []))
    return final


def _switch(root: Path, gen: Path) -> None:
    link = published_link(root)
    tmp = link.with_name(f".published-{uuid.uuid4().hex[:8]}.tmp")
    os.symlink(os.path.relpath(gen, link.parent), tmp)
    if link.exists() and not link.is_symlink():  # a copied root where the link became a folder
        os.rename(link, link.with_name(f".published-old-{uuid.uuid4().hex[:8]}"))
    os.replace(tmp, link)
    _fsync_dir(link.parent)


def _ensure_top_links(root: Path, *, legacy_too: bool) -> None:
    """Each of the five paths a link into ``.padan/published``. An old-style real folder there is
    replaced only when ``legacy_too`` (after the switch, when its content is in the generation)."""
    for top in TOPS:
        entry = root / top
        target = os.path.join(".padan", "published", top)
        if entry.is_symlink() and os.readlink(entry) == target:
            continue
        if entry.is_dir() and not entry.is_symlink():
            if not legacy_too:
                continue
            os.rename(entry, root / ".padan" / f"legacy-{top}-{uuid.uuid4().hex[:8]}")
        tmp = root / f".{top}-{uuid.uuid4().hex[:8]}.tmp"
        os.symlink(target, tmp)
        os.replace(tmp, entry)  # over a stale link (or nothing) in one step


def collect_garbage(root: Path, *, keep: list[Path]) -> None:
    """Remove generations other than ``keep``, unfinished ones, and folders an old-style root or a
    crashed run left behind. Only ever called by the writer that holds the lock."""
    keep_names = {k.name for k in keep}
    gens = generations(root)
    if gens.is_dir():
        for g in sorted(gens.iterdir()):
            if g.name not in keep_names:
                shutil.rmtree(g, ignore_errors=True)
    padan = root / ".padan"
    for stray in list(padan.glob("legacy-*")) + list(padan.glob(".published-*")):
        if stray.is_symlink() or stray.is_file():
            stray.unlink(missing_ok=True)
        else:
            shutil.rmtree(stray, ignore_errors=True)
    for stray in root.glob(".*-*.tmp"):
        if stray.is_symlink():
            stray.unlink(missing_ok=True)


def recover(root: Path) -> None:
    """What a writer does first: finish what a killed publication left half-done (links of the
    five paths, unfinished generations). Never changes what readers see of a complete generation."""
    gen = current_generation(root)
    if gen is None:
        return
    _ensure_top_links(root, legacy_too=True)
    keep = [gen]
    others = sorted(g for g in generations(root).iterdir() if g != gen and not g.name.endswith(".tmp"))
    if others:
        keep.append(others[-1])
    collect_garbage(root, keep=keep)
