"""The data contracts of ``../shared/spec/contracts.md`` (v1) in code: one pandera model per table, one module per
table (``schemas.usulan``, ``references``, ``hasil_usulan``, ``individu``, ``penerima``, ``riwayat``, ``payments``,
``matching``), all re-exported here.

Every other module takes column names from here and vocabularies from ``schemas.vocabulary``
(re-exported here). Input models describe the data *as it must be after parsing* (the raw usulan
CSV is all strings); output models are checked on every frame before it is published.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas.vocabulary import (  # noqa: F401  (re-exported: schemas.STATUSES, schemas.BANKS, ...)
    AKTIF_TIDAK,
    AKTIF_YA,
    BANKS,
    BLOCKING_STATUSES,
    GIS_HASIL,
    HASIL,
    HUBUNGAN_KELUARGA,
    JENIS_USULAN,
    JENJANG_SEKOLAH,
    PADAN_ACCEPTED,
    PROGRAM_NAME,
    STATUS_PADAN,
    STATUS_REKENING,
    STATUS_SALUR,
    STATUSES,
)

CONTRACT_VERSION = 1

# the modules of the contracts, re-exported (schemas.Dukcapil, schemas.USULAN_COLUMNS, ...)
from schemas.hasil_usulan import HasilUsulan, ReasonList  # noqa: E402, F401
from schemas.individu import Individu  # noqa: E402
from schemas.matching import KandidatPadan  # noqa: E402
from schemas.payments import BankList, Pembayaran, Rekening, Rekonsiliasi, StopList, UmpanBalikTidakDikenal  # noqa: E402, F401
from schemas.penerima import Penerima  # noqa: E402
from schemas.programmes import Programmes, bound  # noqa: E402, F401
from schemas.references import (  # noqa: E402, F401
    DUKCAPIL_COLUMNS,
    Burekol,
    Dtsen,
    Dukcapil,
    Gis,
    Salur,
    SdmKesos,
    feedback_value_expr,
    id16_expr,
)
from schemas.riwayat import Riwayat  # noqa: E402
from schemas.usulan import (  # noqa: E402, F401
    USULAN_COLUMNS,
    USULAN_REQUIRED,
    USULAN_ROW_INPUTS,
    USULAN_ROW_RULES,
    UsulanRaw,
    UsulanRow,
    usulan_row_codes,
)


def dtypes(model: type[pa.DataFrameModel]) -> dict[str, pl.DataType]:
    """The columns of ``model``'s table and their polars dtypes, in its order: what a transform
    casts its output to and builds its empty frame from, so that they are never typed twice.

    >>> dtypes(Rekonsiliasi)["unit_berhak"]
    Int64
    """
    return {name: column.dtype.type for name, column in model.to_schema().columns.items()}


OUTPUT_MODELS = {
    "hasil_usulan": HasilUsulan,
    "individu": Individu,
    "penerima": Penerima,
    "riwayat": Riwayat,
    "pembayaran": Pembayaran,
    "rekening": Rekening,
    "rekonsiliasi": Rekonsiliasi,
    "kandidat_padan": KandidatPadan,
}
