"""The reference extracts and the feedback of a data root, in their contract columns: DTSEN
deciles, SDM Kesos staff, GIS house checks, Burekol account openings and Salur disbursements."""

from __future__ import annotations

import numpy as np
import polars as pl

from synthetic.common import DAYS_PER_YEAR, choice, dotted_code, epoch_day, gather, periode_start

# Coarse island bounding boxes (lat_min, lat_max, lon_min, lon_max) by the first digit of the
# province code (1 Sumatra, 2 Riau Islands, 3 Java, 5 Bali/Nusa Tenggara, 6 Kalimantan,
# 7 Sulawesi, 8 Maluku, 9 Papua). Only used to make GIS coordinates plausible.
_PULAU_BBOX = {
    "1": (-5.9, 5.6, 95.2, 106.0),
    "2": (-1.0, 4.5, 103.3, 108.8),
    "3": (-8.6, -6.0, 105.2, 114.5),
    "5": (-10.8, -8.1, 114.5, 125.0),
    "6": (-4.0, 4.3, 108.9, 118.9),
    "7": (-5.9, 1.9, 119.0, 125.3),
    "8": (-8.3, 2.6, 124.3, 134.9),
    "9": (-9.0, -0.3, 130.9, 141.0),
}


def _households(population: pl.DataFrame) -> pl.DataFrame:
    return population.filter(pl.col("pos") == 0)


def dtsen(rng: np.random.Generator, population: pl.DataFrame, *, periode: str) -> pl.DataFrame:
    """DTSEN deciles: ``no_kk``, ``desil`` (1-10, about half in 1-4), ``tgl_update``; ~2% of households missing."""
    ref = epoch_day(periode_start(periode))
    kk = _households(population)["NO_KK"]
    h = kk.len()
    keep = rng.random(h) >= 0.02
    p = (0.16, 0.14, 0.11, 0.09, 0.09, 0.09, 0.09, 0.08, 0.08, 0.07)
    desil = choice(rng, p, h) + 1
    upd = ref - rng.integers(1, 731, h)
    return pl.DataFrame(
        {
            "no_kk": kk,
            "desil": pl.Series(desil.astype(np.int32)),
            "tgl_update": pl.Series(upd.astype(np.int32)).cast(pl.Date),
        }
    ).filter(pl.Series(keep))


def sdm_kesos(rng: np.random.Generator, population: pl.DataFrame) -> pl.DataFrame:
    """Social-welfare staff: ~0.5% of adults (heads and spouses alive), mostly ``aktif = Y``."""
    adults = population.filter(
        pl.col("STAT_HBKEL").is_in(["KEPALA KELUARGA", "ISTRI", "SUAMI"]) & pl.col("TGL_MATI").is_null()
    )
    n = max(1, round(0.005 * adults.height))
    idx = np.sort(rng.choice(adults.height, size=min(n, adults.height), replace=False))
    rows = adults[pl.Series(idx)]
    k = rows.height
    jenis = ("PENDAMPING PKH", "TKSK", "PSM", "TAGANA", "PENDAMPING REHSOS", "SAKTI PEKSOS", "KARANG TARUNA")
    dotted = rng.random(k) < 0.25
    return pl.DataFrame(
        {
            "nik": rows["NIK"],
            "nama": rows["NAMA_LGKP"],
            "jenis_sdm": gather(jenis, choice(rng, (0.4, 0.15, 0.2, 0.08, 0.07, 0.05, 0.05), k)),
            "kode_wilayah": dotted_code(rows["kode_wilayah"], dotted),
            "aktif": gather(("Y", "N"), (rng.random(k) >= 0.85).astype(np.int64)),
        }
    )


def gis(rng: np.random.Generator, population: pl.DataFrame, *, periode: str) -> pl.DataFrame:
    """Geotag house checks for ~10% of households, ~15% of them TIDAK LAYAK, near the village."""
    ref = epoch_day(periode_start(periode))
    hh = _households(population).select("NO_KK", "kode_wilayah")
    h = hh.height
    take = np.sort(rng.choice(h, size=max(1, round(0.10 * h)), replace=False))
    rows = hh[pl.Series(take)]
    k = rows.height
    # one random centre per village inside its island's box, houses scattered ~1 km around it
    codes = rows["kode_wilayah"].unique().sort()
    prov = codes.str.slice(0, 1).to_numpy().astype(str)
    box = np.array([_PULAU_BBOX.get(p, _PULAU_BBOX["3"]) for p in np.unique(prov)])
    bi = np.searchsorted(np.unique(prov), prov)
    clat = box[bi, 0] + rng.random(codes.len()) * (box[bi, 1] - box[bi, 0])
    clon = box[bi, 2] + rng.random(codes.len()) * (box[bi, 3] - box[bi, 2])
    vi = np.searchsorted(codes.to_numpy().astype(str), rows["kode_wilayah"].to_numpy().astype(str))
    lat = np.round(clat[vi] + rng.normal(0, 0.01, k), 6)
    lon = np.round(clon[vi] + rng.normal(0, 0.01, k), 6)
    tgl = ref - rng.integers(1, 366, k)
    return pl.DataFrame(
        {
            "no_kk": rows["NO_KK"],
            "hasil": gather(("LAYAK", "TIDAK LAYAK"), (rng.random(k) < 0.15).astype(np.int64)),
            "tgl_verifikasi": pl.Series(tgl.astype(np.int32)).cast(pl.Date).dt.strftime("%Y-%m-%d"),
            "lat": pl.Series(lat),
            "lon": pl.Series(lon),
        }
    )


def _pick_households(
    rng: np.random.Generator, population: pl.DataFrame, share: float, dtsen_frame: pl.DataFrame | None
) -> pl.DataFrame:
    """~``share`` of households; with DTSEN, mostly (~90%) from deciles 1-4 (the paid ones)."""
    hh = _households(population).select("NO_KK", "hh_id")
    h = hh.height
    n = max(1, round(share * h))
    if dtsen_frame is not None:
        poor = hh["NO_KK"].is_in(dtsen_frame.filter(pl.col("desil") <= 4)["no_kk"].implode()).to_numpy()
        w = np.where(poor, 9.0, 1.0)  # with about half the households in 1-4: ~90% of picks are poor
    else:
        w = np.ones(h)
    idx = np.sort(rng.choice(h, size=min(n, h), replace=False, p=w / w.sum()))
    return hh[pl.Series(idx)]


def _pengurus(population: pl.DataFrame, hh_ids: pl.Series) -> pl.Series:
    """The NIK that manages the household's aid: the wife if there is one, else the head."""
    fam = population.filter(pl.col("hh_id").is_in(hh_ids.implode()) & (pl.col("pos") <= 1))
    chosen = (
        fam.with_columns(
            pri=pl.when(pl.col("STAT_HBKEL") == "ISTRI").then(0).when(pl.col("pos") == 0).then(1).otherwise(2)
        )
        .sort("hh_id", "pri")
        .group_by("hh_id", maintain_order=True)
        .first()
    )
    return pl.DataFrame({"hh_id": hh_ids}).join(
        chosen.select("hh_id", "NIK"), on="hh_id", how="left", maintain_order="left"
    )["NIK"]


def burekol(rng: np.random.Generator, population: pl.DataFrame, *, dtsen: pl.DataFrame | None = None) -> pl.DataFrame:
    """Collective bank-account opening results for a few % of households."""
    rows = _pick_households(rng, population, 0.03, dtsen)
    k = rows.height
    bank_i = choice(rng, (0.40, 0.20, 0.05, 0.15, 0.20), k)
    status_i = choice(rng, (0.80, 0.12, 0.08), k)
    lengths = np.array([15, 10, 16, 13, 12])[bank_i]
    digits = rng.integers(0, 10, size=(k, 16))
    digits[:, 0] = rng.integers(1, 10, size=k)
    full = pl.Series(
        np.frombuffer((digits + ord("0")).astype(np.uint8).tobytes(), dtype="S16").astype(str), dtype=pl.String
    )
    rek = full.str.slice(0, pl.Series(lengths))
    rek = pl.select(pl.when(pl.lit(pl.Series(status_i == 0))).then(rek).otherwise(pl.lit(""))).to_series()
    return pl.DataFrame(
        {
            "no_kk": rows["NO_KK"],
            "nik_pengurus": _pengurus(population, rows["hh_id"]),
            "bank": gather(("BRI", "BNI", "BTN", "MANDIRI", "POS"), bank_i),
            "status_rekening": gather(("AKTIF", "PROSES", "GAGAL"), status_i),
            "no_rekening": rek,
        }
    )


def salur(
    rng: np.random.Generator, population: pl.DataFrame, *, periode: str, dtsen: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Disbursement results for a few % of households (PKH and/or BPNT), quarterly amounts in rupiah."""
    ref = epoch_day(periode_start(periode))
    rows = _pick_households(rng, population, 0.04, dtsen)
    k = rows.height
    members = population.filter(pl.col("hh_id").is_in(rows["hh_id"].implode()) & pl.col("TGL_MATI").is_null())
    age = (ref - members["TGL_LHR"].cast(pl.Int32).to_numpy()) / DAYS_PER_YEAR
    comp = (
        pl.DataFrame(
            {
                "hh_id": members["hh_id"],
                "c06": age < 7,
                "sd": (age >= 7) & (age < 13),
                "smp": (age >= 13) & (age < 16),
                "sma": (age >= 16) & (age < 19),
                "lansia": age >= 60,
            }
        )
        .group_by("hh_id")
        .agg(pl.all().sum())
    )
    comp = pl.DataFrame({"hh_id": rows["hh_id"]}).join(comp, on="hh_id", how="left", maintain_order="left").fill_null(0)
    # at most 4 components, the dearest first; quarterly tranche = yearly / 4
    left = np.full(k, 4)
    total = np.zeros(k, dtype=np.int64)
    for col, amount in (
        ("c06", 3_000_000),
        ("lansia", 2_400_000),
        ("sma", 2_000_000),
        ("smp", 1_500_000),
        ("sd", 900_000),
    ):
        take = np.minimum(comp[col].to_numpy(), left)
        total += take * amount
        left -= take
    pkh_amt = total // 4
    prog = choice(rng, (0.4, 0.4, 0.2), k)  # PKH only, BPNT only, both
    prog = np.where((pkh_amt == 0) & (prog != 1), 1, prog)
    pengurus = _pengurus(population, rows["hh_id"])
    base = pl.DataFrame({"no_kk": rows["NO_KK"], "nik": pengurus, "prog": prog, "pkh": pkh_amt})
    pkh = base.filter(pl.col("prog") != 1).with_columns(program=pl.lit("PKH"), nominal=pl.col("pkh"))
    bpnt = base.filter(pl.col("prog") != 0).with_columns(program=pl.lit("BPNT"), nominal=pl.lit(600_000, pl.Int64))
    out = pl.concat([pkh, bpnt]).sort("no_kk", "program")
    m = out.height
    return out.select(
        periode=pl.lit(periode),
        program="program",
        no_kk="no_kk",
        nik="nik",
        status=gather(("SUKSES SPM", "PROSES SPM", "GAGAL OMSPAN", "SI"), choice(rng, (0.82, 0.08, 0.06, 0.04), m)),
        nominal=pl.col("nominal").cast(pl.Int64),
    )
