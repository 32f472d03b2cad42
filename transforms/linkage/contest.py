"""Between look-alikes (a twin, a namesake, a family member born the same day) the NIK digits do not
decide: which candidate the name, then the family card and the mother point to, or a doubt that
sends the row to review; and why each row's candidate was chosen (``CHOICES``)."""

from __future__ import annotations

import polars as pl

from transforms.callnames import PATTERNS as CALL_NAME_LEVELS

CHOICES = {
    "TANPA_KANDIDAT": "tidak ada kandidat di Dukcapil",
    "SEMUA_DITOLAK": "tidak ada kandidat yang lolos ambang dan syarat nama/tanggal lahir",
    "SATU_DITERIMA": "hanya satu kandidat yang lolos ambang dan syarat",
    "SELISIH_BOBOT": "kandidat terpilih unggul dari kandidat berikutnya lebih dari batas selisih bobot",
    "SELISIH_KURANG": "dua kandidat atau lebih lolos dan selisih bobotnya kurang dari batas: perlu verifikasi",
    "NAMA": "di antara orang yang mirip (kembar/lahir hari yang sama), hanya kandidat ini yang namanya sama",
    "NAMA_MIRIP": "di antara orang yang mirip (kembar/lahir hari yang sama), hanya kandidat ini yang namanya mirip "
    "(salah ketik); nama yang lain berbeda, No KK / nama ibu sesuai",
    "KELUARGA": "di antara orang senama, hanya kandidat ini yang No KK / nama ibunya sesuai",
    "RAGU": "ada orang mirip yang sama dekatnya atau lebih dekat pada nama/keluarga: perlu verifikasi",
    "KLAIM_LAIN": "orang ini juga diusulkan oleh baris lain dengan bukti lebih kuat",
    "KEPUTUSAN_MANUAL": "diputuskan oleh petugas (keputusan padan manual)",
}
"""Why a row's candidate was chosen or none was (``alasan_pilihan``), with the Indonesian text
``padan explain`` shows."""


def lookalike_contest(candidates: pl.DataFrame) -> pl.DataFrame:
    """(``_row``, ``_winner``, ``_why``) for rows whose accepted candidates are look-alikes of one
    another: a twin, a namesake, a family member born the same day.

    Look-alikes share the birth date, and the family card or the NIK's first 12 digits (district,
    birth date and sex): what they share cancels out, and their NIKs differ by a typo's worth, which
    is exactly the mistake in question. So between look-alikes the NIK digits do not decide:

    - ``NAMA``: one candidate carries the proposed name (cmp_nama SAMA) and no other does, nor is it
      a call name of another's: a twin's NIK typed, or the twins' NIKs swapped, for the person the
      name names;
    - ``NAMA_MIRIP``: no candidate carries the proposed name, one comes close (MIRIP_TINGGI / MIRIP:
      the name mistyped as well as the NIK), agrees on the family card or the mother and disagrees
      on neither, and every other look-alike, accepted or not, has a different name (BEDA): the
      twin's NIK typed for a twin whose name was mistyped too;
    - ``KELUARGA``: several are as close as any on the name (namesakes), one agrees on the family
      card or the mother and disagrees on neither, every other disagrees on the ones the row gives and agrees on none: a
      namesake's NIK typed for the person the family names;
    - ``RAGU`` (no winner: review): neither, and a look-alike of the highest-weighted candidate that
      the card and the mother do not set apart (the lead agreeing on them, the look-alike not) is
      closer to the row on the name, or at the same name level short of SAMA (``SITI S`` for twins
      SITI SALWA and SITI SALMA) or closer on the card or the mother; or the row has no usable name.

    Rows not listed are decided by the weights. ``candidates`` holds every candidate (accepted ones
    first, then by weight) of rows with one accepted and another: a winner is chosen among the
    accepted ones, a doubt may come from any look-alike."""
    a = candidates.with_columns(
        _same_name=pl.col("cmp_nama") == "SAMA",
        _fam_ok=((pl.col("cmp_kk") == "SAMA") | (pl.col("cmp_ibu") == "SAMA")).fill_null(False)
        & (pl.col("cmp_kk") != "BEDA").fill_null(True)
        & (pl.col("cmp_ibu") != "BEDA").fill_null(True),
        _fam_bad=((pl.col("cmp_kk") == "BEDA") | (pl.col("cmp_ibu") == "BEDA")).fill_null(False)
        & (pl.col("cmp_kk") != "SAMA").fill_null(True)
        & (pl.col("cmp_ibu") != "SAMA").fill_null(True),
        _p12=pl.col("nik_padan").str.slice(0, 12),
    )

    def against(lead: pl.DataFrame, others: pl.DataFrame) -> pl.DataFrame:
        """Every other candidate beside the lead of its row, with the lead's fields (``_w*``)."""
        w = lead.select(
            "_row",
            *(
                pl.col(c).alias(f"_w{c}")
                for c in (
                    "nik_padan",
                    "_dukcapil_no_kk",
                    "_dukcapil_tgl",
                    "_p12",
                    "bukti_nama",
                    "cmp_nama",
                    "cmp_kk",
                    "cmp_ibu",
                    "_fam_ok",
                )
            ),
            *(c for c in ("_why",) if c in lead.columns),
        )
        o = others.join(w, on="_row", how="inner").filter(pl.col("nik_padan") != pl.col("_wnik_padan"))
        return o.with_columns(
            _lookalike=(
                (pl.col("_dukcapil_tgl") == pl.col("_w_dukcapil_tgl"))
                & ((pl.col("_dukcapil_no_kk") == pl.col("_w_dukcapil_no_kk")) | (pl.col("_p12") == pl.col("_w_p12")))
            ).fill_null(False)
        )

    acc = a.filter(pl.col("keputusan") == "TERIMA").with_columns(
        _n_name=pl.col("_same_name").sum().over("_row"),
        _best_name=pl.col("bukti_nama") == pl.col("bukti_nama").max().over("_row"),
    )
    acc = acc.with_columns(_n_best=pl.col("_best_name").sum().over("_row"))
    by_name = acc.filter(pl.col("_same_name") & (pl.col("_n_name") == 1)).with_columns(_why=pl.lit("NAMA"))
    by_family = (
        acc.filter(pl.col("_best_name") & (pl.col("_n_best") > 1) & pl.col("_fam_ok"))
        .filter(pl.len().over("_row") == 1)
        .with_columns(_why=pl.lit("KELUARGA"))
    )
    near = pl.col("cmp_nama").is_in(["MIRIP_TINGGI", "MIRIP"])
    by_near_name = (
        acc.filter((pl.col("_n_name") == 0) & (pl.len().over("_row") > 1) & near & pl.col("_fam_ok"))
        .filter(pl.len().over("_row") == 1)
        .with_columns(_why=pl.lit("NAMA_MIRIP"))
    )  # one near name among 2+
    lead = pl.concat([by_name, by_family])
    # a look-alike whose name is a call name of the proposed one fits it too (a generic call name such
    # as NENG fits any girl, so it does not): then the name does not separate them
    fits_too = pl.col("cmp_nama").is_in([lv for lv in CALL_NAME_LEVELS if lv != "PANGGILAN_UMUM"])
    separated = pl.when(pl.col("_why") == "NAMA").then(~pl.col("_same_name") & ~fits_too).otherwise(pl.col("_fam_bad"))
    ok = against(lead, acc).group_by("_row").agg(_ok=(pl.col("_lookalike") & separated).all())
    won = lead.join(ok.filter(pl.col("_ok")), on="_row", how="semi").select("_row", _winner="nik_padan", _why="_why")
    # a near name wins only when every other look-alike, accepted or not, is a different name
    beda = (pl.col("cmp_nama") == "BEDA").fill_null(False)
    near_ok = (
        against(by_near_name, a)
        .group_by("_row")
        .agg(
            _ok=pl.when(pl.col("keputusan") == "TERIMA")
            .then(pl.col("_lookalike") & beda)
            .otherwise(~pl.col("_lookalike") | beda)
            .all()
        )
    )
    won = pl.concat(
        [
            won,
            by_near_name.join(near_ok.filter(pl.col("_ok")), on="_row", how="semi")
            .join(won, on="_row", how="anti")
            .select("_row", _winner="nik_padan", _why="_why"),
        ]
    )

    # the rest: is the highest-weighted candidate beaten on a field that separates look-alikes?
    top = acc.join(won, on="_row", how="anti").group_by("_row", maintain_order=True).first()
    closer_kin = lambda c: (pl.col(c) == "SAMA") & (pl.col(f"_w{c}") == "BEDA")  # noqa: E731
    same_level = pl.col("cmp_nama") == pl.col("_wcmp_nama")
    kin_apart = pl.col("_w_fam_ok") & pl.col("_fam_bad")  # the card or mother point to the lead, not to it
    closer = (pl.col("bukti_nama") > pl.col("_wbukti_nama")) | (
        same_level & ((pl.col("cmp_nama") != "SAMA") | closer_kin("cmp_kk") | closer_kin("cmp_ibu"))
    )
    # a row without a usable name (empty, a formula) cannot tell look-alikes apart by the name at all
    nameless = pl.col("_wcmp_nama").is_null()
    doubt = (
        against(top, a)
        .filter(pl.col("_lookalike") & ~kin_apart.fill_null(False) & (closer.fill_null(False) | nameless))
        .select("_row")
        .unique()
    )
    return pl.concat([won, doubt.with_columns(_winner=pl.lit(None, pl.String), _why=pl.lit("RAGU"))]).sort("_row")
