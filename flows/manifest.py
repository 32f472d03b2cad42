"""The manifest of a period (``snapshots/periode=<P>/_manifest.json``): what a run records about its
inputs, rules, code and results, and the checks that compare it with what is published. Written
by ``flows.release`` with the release; read by publish, ``padan explain``, the report and reruns."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os

import schemas
from flows import io, settings

# outputs that carry the run's clock (start time): left out when two runs' results are compared
TIMED = ("reports/",)


def opening(
    periode: str,
    *,
    started: dt.datetime,
    rules,
    match_model,
    batches: list,
    references,
    quarantined: list[dict],
    ignored: list[dict],
) -> dict:
    """The manifest as the run knows it before any matching: the period, the run, the contracts,
    the rule set (with its programmes, which the outputs are checked against), the matching model,
    the code, every input file and what happened to it, and ``input_fingerprint``."""
    stamp = started.isoformat(timespec="seconds")
    manifest = {
        "periode": periode,
        "run_id": f"{stamp.replace(':', '').replace('-', '')[:15]}-{os.getpid()}",
        "contract_version": schemas.CONTRACT_VERSION,
        "rule_set": {
            "version": rules.version,
            "sha256": rules.sha256,
            "source": rules.source,
            "programmes": rules.programme_vocabulary.manifest(),
        },
        "matching_model": {
            "version": match_model.model.version,
            "sha256": match_model.sha256,
            "source": match_model.source,
            "ambiguity_margin_bits": match_model.model.guards.ambiguity_margin_bits,
        },
        "code_version": io.code_version(),
        "started_at": stamp,
        "analytics_key": key_fingerprint(),
        "inputs": {"usulan": [b.manifest_entry() for b in batches], "reference": references.reference},
        "peringatan_input": references.warnings,
        "karantina": quarantined,
        "diabaikan": ignored,
    }
    manifest["input_fingerprint"] = input_fingerprint(manifest)
    return manifest


def feedback_received(entries: list[dict], root: io.Root, periode: str) -> dict:
    """Which bank and treasury feedback files arrived for the periode, and which expected kinds did
    not (each of burekol and salur is expected every month: a month without it cannot update the
    accounts or the payments, which the manifest, the summary and the report then say)."""
    out = {}
    for kind in ("burekol", "salur"):
        files = [e for e in entries if e.get("kind") == kind]
        out[kind] = {
            "berkas": [e["path"] for e in files],
            "baris": sum(e["rows"] for e in files),
            "folder": str(root.feedback(periode, kind).relative_to(root.path)),
        }
    out["tidak_ada"] = [k for k in ("burekol", "salur") if not out[k]["berkas"]]
    return out


def key_fingerprint(key: bytes | None = None) -> str | None:
    """A short digest that tells whether two runs used the same pseudonym key (default: the run's),
    from which the key cannot be recovered (an HMAC of a constant under the key)."""
    key = settings.pseudonym_key() if key is None else key
    return hmac.new(key, b"padan-key-fingerprint", hashlib.sha256).hexdigest()[:16] if key else None


def key_changed(previous: dict | None, fingerprint: str | None) -> bool:
    """Whether this run's pseudonym key differs from the one the previous period's manifest was
    published with (both set): every pseudonym changes, so the analysts' joins across the two
    periods break."""
    before = (previous or {}).get("analytics_key")
    return bool(fingerprint) and before is not None and before != fingerprint


def input_fingerprint(manifest: dict) -> str:
    """One digest of everything a run's result depends on besides the code: every input file's
    sha256, the rule set and the matching model."""
    inputs = manifest["inputs"]
    files = sorted(
        (e.get("kind", "usulan"), e["path"], e["sha256"] or "")
        for group in ("usulan", "reference")
        for e in inputs.get(group, [])
    )
    body = {
        "files": files,
        "rule_set": manifest["rule_set"]["sha256"],
        "matching": manifest["matching_model"]["sha256"],
        "analytics": manifest.get("analytics_key"),
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()


def content(files: dict[str, str]) -> dict[str, str]:
    """The files of a release whose bytes depend only on the inputs (not on the clock)."""
    return {k: v for k, v in files.items() if not k.startswith(TIMED)}


class SnapshotExists(RuntimeError):
    """The period is already published from other inputs or with other content, and --replace was
    not given."""


def published_manifest(root: io.Root, periode: str) -> dict | None:
    """The manifest of the period as readers see it now, or None."""
    path = root.snapshot(periode) / "_manifest.json"
    if not io.is_file(path):
        return None
    return io.read_json(path)


def later_periods(root: io.Root, periode: str) -> list[str]:
    """The published periods after ``periode``, in order: each was built on the register of the one
    before, so replacing ``periode`` leaves them built on replaced data."""
    return [p for p in io.published_periods(root.snapshots) if p > periode]


def refuse_replacing_under_later(root: io.Root, periode: str, *, replace: bool, cascade: bool) -> list[str]:
    """A period replaced while later periods are published is refused unless ``cascade`` (the later
    ones are then run again, in order, on the replaced one). Returns the later periods to rerun."""
    later = later_periods(root, periode) if replace else []
    if later and not cascade:
        raise SnapshotExists(
            f"periode {periode} has later published periods ({', '.join(later)}) built on its register; "
            "rerun with --replace --cascade to replace it and run those again in order"
        )
    return later


def refuse_changed_inputs(root: io.Root, periode: str, fingerprint: str, *, replace: bool) -> None:
    """Before the expensive work: a published period whose inputs (files, rule set, matching model)
    differ from this run's is replaced only with ``--replace``."""
    old = published_manifest(root, periode)
    if old and not replace and old.get("input_fingerprint") not in (None, fingerprint):
        raise SnapshotExists(
            f"periode {periode} is already published from different input files or rules "
            f"(sha256); rerun with --replace to replace it"
        )
