"""What each task of the monthly run returns: small typed records of paths under the data root's
work folder and a few counts, never frames. The flow (``flows/monthly.py``) reads them by name."""

from __future__ import annotations

from dataclasses import dataclass, field


def header_rows(entry: dict) -> list[tuple[str, str, int, str | None]]:
    """(kode_prov, sumber_file, baris_judul, lembar) of each file, or each sheet of a workbook (its
    rows' sumber_file is ``<file>#<sheet>``), whose rows a manifest ``inputs.usulan`` entry records."""
    if "baris_judul" not in entry:
        return []
    if "lembar" not in entry:
        return [(entry["kode_prov"], entry["file"], entry["baris_judul"], None)]
    return [
        (entry["kode_prov"], f"{entry['file']}#{s['nama']}", s["baris_judul"], s["nama"])
        for s in entry["lembar"]
        if "rows" in s
    ]


@dataclass(frozen=True)
class Batch:
    """One inbox entry's outcome (``ingest_batch``): exactly one of ``staged`` (a Parquet of its rows),
    ``karantina`` (quarantined, with the reason code) or ``diabaikan`` (not read) is set.

    ``file`` is the path inside the province folder (the rows' ``sumber_file``), ``path`` the path
    inside the data root, ``action`` what the run did (``inbox.READ`` ... ``inbox.NEXT_RUN``),
    ``sha256`` of the bytes parsed (None for a file not read)."""

    kode_prov: str
    file: str
    path: str
    action: str
    sha256: str | None = None
    rows: int = 0
    staged: str | None = None
    karantina: str | None = None
    diabaikan: str | None = None
    keterangan: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    kolom_diabaikan: list[str] = field(default_factory=list)
    baris_judul: int = 1  # the spreadsheet row of the header (data row n is Excel row n + baris_judul)
    # a workbook's sheets (``transforms.workbook.SheetOutcome.entry``): nama with baris_judul and rows
    # (read), karantina or alasan with keterangan (not read); [] for a CSV file
    lembar: list[dict] = field(default_factory=list)

    def manifest_entry(self) -> dict:
        """The file as the manifest's ``inputs.usulan`` records it (a file read: also its name inside
        the province folder and the row of its header, for the receipts' Excel row numbers; a
        workbook: each sheet)."""
        entry = {"kode_prov": self.kode_prov, "path": self.path, "sha256": self.sha256, "rows": self.rows}
        if self.staged:
            entry |= {"file": self.file, "baris_judul": self.baris_judul}
        if self.lembar:
            entry |= {"lembar": self.lembar}
        return entry | {k: v for k, v in (("karantina", self.karantina), ("diabaikan", self.diabaikan)) if v}

    def _entries(self, key: str, own: str | None) -> list[dict]:
        """The file under ``key`` when ``own`` (its own reason) is set, else each sheet of it that has
        one (an empty sheet is not named)."""
        where = [(self.file, own, self.keterangan)] if own else []
        if not own:
            sheets = (s for s in self.lembar if s.get(key) not in (None, "LEMBAR_KOSONG"))
            where = [(f"{self.file}#{s['nama']}", s[key], s["keterangan"]) for s in sheets]
        return [{"kode_prov": self.kode_prov, "file": f, key: code, "keterangan": k} for f, code, k in where]

    def quarantine_entries(self) -> list[dict]:
        """The file quarantined, or the sheets of it that were (their rows lost to an error of the sheet)."""
        return self._entries("karantina", self.karantina)

    def ignored_entries(self) -> list[dict]:
        """The file not read, or the sheets of it that hold no usulan."""
        return self._entries("alasan", self.diabaikan)


@dataclass(frozen=True)
class References:
    """``read_references``: the manifest entries of every reference, feedback and override file, and
    the rows of them that break a value rule (counts and row numbers)."""

    reference: list[dict]
    warnings: list[dict]


@dataclass(frozen=True)
class Matched:
    """``match_usulan``: every row with its decision (and the queued rows a review decision now
    decides), the candidates that competed, the Dukcapil NIKs found twice among the candidates, the
    month's own m/u estimates (recorded, never applied), the review queue after the period, and the
    human decisions in force that matched no row (for the manifest and the operators)."""

    matched: str
    kandidat_padan: str
    dukcapil_nik_ganda: int
    estimates: dict | None
    antrean_tinjau: str | None = None
    tidak_cocok: list[dict] = field(default_factory=list)
    keputusan: dict = field(default_factory=dict)  # the human decisions in force this period, per jenis


@dataclass(frozen=True)
class Split:
    """A split stage (``split_register``, ``split_rules``): the partitions grouped into tasks."""

    groups: list[list[str]]
    previous_periode: str | None = None
    dukcapil_nik_ganda: int = 0


@dataclass(frozen=True)
class RegisterPart:
    """``reconcile_partition``: some partitions' register after, history events and (when they had
    rows) the rows' outcomes."""

    individu: str
    riwayat: str
    hasil_usulan: str | None = None


@dataclass(frozen=True)
class Register:
    """``combine_register``: the period's three register tables, in their published order."""

    hasil_usulan: str
    individu: str
    riwayat: str
    previous_periode: str | None


@dataclass(frozen=True)
class PaymentsReady:
    """``prepare_payments``: the ledger after this period's feedback, and the feedback that answers
    nothing known (the account registry and the tranches are left in the run's common inputs)."""

    ledger: str
    umpan_balik_tidak_dikenal: str


@dataclass(frozen=True)
class Payments:
    """``settle_payments``: the banks' lists and stop lists, the ledger, the accounts and the
    reconciliation of the entitlement."""

    lists: str
    stops: str
    pembayaran: str
    rekening: str
    rekonsiliasi: str


@dataclass(frozen=True)
class Published:
    """``publish_release``: where the snapshot is, whether a rerun found it already published with
    the same content, and the files a rerun restored."""

    snapshot: str
    unchanged: bool
    repaired: list[str] = field(default_factory=list)
