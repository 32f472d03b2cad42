"""The civil-registry population (the Dukcapil extract): households, persons, birth dates, NIKs
and family cards, names and mothers' names, birth places, addresses and occupations.

The phenomena of real families (twins, namesakes, common names) come from :mod:`synthetic.twins`
and :mod:`synthetic.naming`; :data:`POPULATION_MIXES` names their rates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import polars as pl

from synthetic import names as N
from synthetic.common import (
    DAYS_PER_YEAR,
    DUKCAPIL_COLUMNS,
    epoch_day,
    gather,
    group_rank,
    periode_start,
    skewed,
    years,
    ymd,
)
from synthetic.cultures import CULTURES, WORD_POOL, culture_mix
from synthetic.naming import clan_of, common_names, compose_names, draw_words, fam_draw
from synthetic.occupations import PEKERJAAN, pekerjaan
from synthetic.regions import household_addresses, regency_names, village_sample
from synthetic.twins import namesake_pairs, twin_lookalike_names, twin_roots
from synthetic.vocabulary import ANAK, CUCU, FAMILI, ISTRI, KK, MERTUA, ORANG_TUA, ROLES, SUAMI
from transforms import wilayah

# Population phenomena (see :func:`population`); a mix is chosen by name with the noise mix.
POPULATION_MIXES: dict[str, dict[str, float]] = {
    # the development population
    "dev": {"twin_rate": 0.015, "twin_lookalike_share": 0.6, "namesake_rate": 0.01, "common_name_share": 0.05},
    # held out: never tune against it (see NOISE_MIXES)
    "held_out": {"twin_rate": 0.02, "twin_lookalike_share": 0.75, "namesake_rate": 0.02, "common_name_share": 0.08},
}
_TWIN_SAME_SEX = 0.65  # monozygotic twins (about a third) plus half of the dizygotic ones
_TWIN_CONSECUTIVE = 0.9  # twins registered together get consecutive serials; the rest were registered apart
_SIBLING_GAP = 300  # days at least between two deliveries of one mother


def population(
    rng: np.random.Generator,
    n_persons: int,
    *,
    periode: str,
    twin_rate: float = POPULATION_MIXES["dev"]["twin_rate"],
    twin_lookalike_share: float = POPULATION_MIXES["dev"]["twin_lookalike_share"],
    namesake_rate: float = POPULATION_MIXES["dev"]["namesake_rate"],
    common_name_share: float = POPULATION_MIXES["dev"]["common_name_share"],
    provinces: Sequence[str] | None = None,
) -> pl.DataFrame:
    """The civil-registry population: ``n_persons`` people in households of 1-8.

    Returns the Dukcapil contract columns (:data:`DUKCAPIL_COLUMNS`) plus helper columns:
    ``hh_id`` (household number, rows are sorted by it and by ``pos``), ``pos`` (0 = head),
    ``kode_wilayah`` (10-digit village), ``culture`` (index into :data:`CULTURES`), ``fam``
    (family-name word index or -1), ``nik_grp_n`` (how many NIKs share this NIK's first 12
    digits; serials run 0001..nik_grp_n, so a higher serial is free) and ``twin_root`` (for a
    twin or triplet born second or third: the row of the first-born of the delivery, else -1).

    Phenomena of real families and villages:

    * **NIK serials** are issued as Dukcapil does: the people registered in one district with one
      birth date and sex (the NIK's first 12 digits) get consecutive serials 0001, 0002 ... . So a
      one-digit typo in a serial often lands on another real person.
    * **Twins**: ``twin_rate`` of the deliveries of a family card's children are twins (a chain of
      two makes a few triplets): same No KK, birth date and mother, the family's surname, the same
      registration district and (mostly) consecutive serials; about two thirds are of one sex.
      ``twin_lookalike_share`` of them get names that look alike (:func:`twin_lookalike_names`).
    * **Common names**: ``common_name_share`` of the people of the Muslim-majority cultures carry
      one of the very common full names, Zipf-distributed (MUHAMMAD RIZKI, SITI AMINAH ...).
    * **Namesakes**: in a district of 100,000 people, two unrelated people with a common full name
      are born on the same day; a sample of a few thousand rarely shows it, so ``namesake_rate``
      of the people are made namesakes in pairs: one common full name, one birth date, one sex and
      one registration district (so the NIKs share their first 12 digits and the serials are
      consecutive), in other households and villages (another No KK, mother and address).

    Examples
    --------
    >>> pop = population(np.random.default_rng(1), 200, periode="2026-01")
    >>> pop.filter(pl.col("STAT_HBKEL") == "KEPALA KELUARGA")["NO_KK"].n_unique() == pop["NO_KK"].n_unique()
    True
    """
    if n_persons < 1:
        raise ValueError("n_persons must be >= 1")
    ref = epoch_day(periode_start(periode))
    u = rng.random

    # ---- households ------------------------------------------------------------------------
    sizes = _household_sizes(rng, n_persons)
    H = sizes.size
    vill = village_sample(rng, n_persons, provinces)
    hv = np.sort(rng.choice(vill.height, size=H, p=vill["weight"].to_numpy()))
    v_code = vill["kode_wilayah"]
    v_kec = vill["kode_kec"].cast(pl.Int64).to_numpy()
    v_kab = vill["kode_kab"].cast(pl.Int64).to_numpy()
    v_prov = vill["kode_prov"].to_numpy().astype(str)

    single = sizes == 1
    head_f = np.where(single, u(H) < 0.35, u(H) < 0.12)
    has_sp = (sizes >= 2) & np.where(head_f, u(H) < 0.08, u(H) < 0.93)
    head_age = np.where(head_f, np.clip(rng.normal(54, 13, H), 21, 90), np.clip(rng.normal(44, 12, H), 20, 82))
    head_age = np.where(single, rng.uniform(19, 88, H), head_age)
    head_bd = ref - years(head_age) - 1
    gap = np.clip(rng.normal(4, 4, H), -6, 16)
    spouse_bd = np.where(head_f, head_bd - years(gap), head_bd + years(gap))
    spouse_bd = np.clip(spouse_bd, ref - years(95), ref - years(18) - 2)
    young_par = np.where(has_sp, np.maximum(head_bd, spouse_bd), head_bd)

    n_other = sizes - 1 - has_sp
    elder = (n_other >= 1) & (head_age < 56) & (u(H) < 0.10)
    n_elder = elder.astype(np.int64) + (elder & (n_other >= 2) & (u(H) < 0.3))
    elder_mertua = has_sp & (u(H) < 0.4)
    rem = n_other - n_elder
    n_cucu = ((rem >= 1) & (head_age >= 46) & (u(H) < 0.3)) * np.minimum(rem, 1 + (u(H) < 0.4))
    rem = rem - n_cucu
    n_fam = ((rem >= 1) & (u(H) < 0.06)).astype(np.int64)
    rem = rem - n_fam
    room = (ref - 1) - (young_par + years(18) + 2)  # days in which a child of the younger parent can be born
    max_anak = np.where(room < 0, 0, 1 + room // years(1.6))
    n_anak = np.minimum(rem, max_anak)
    n_fam = n_fam + rem - n_anak

    # ---- persons ---------------------------------------------------------------------------
    n = int(sizes.sum())
    hh = np.repeat(np.arange(H), sizes)
    start = np.cumsum(sizes) - sizes
    pos = np.arange(n) - start[hh]
    sp_h = has_sp[hh]
    r = pos - 1 - sp_h
    a, c, e = n_anak[hh], n_cucu[hh], n_elder[hh]
    role = np.full(n, FAMILI, dtype=np.int64)
    role[pos == 0] = KK
    is_sp = (pos == 1) & sp_h
    role[is_sp] = np.where(head_f[hh][is_sp], SUAMI, ISTRI)
    role[(r >= 0) & (r < a)] = ANAK
    role[(r >= a) & (r < a + c)] = CUCU
    el = (r >= a + c) & (r < a + c + e)
    role[el] = np.where(elder_mertua[hh][el], MERTUA, ORANG_TUA)
    elder_k = r - a - c  # 0 or 1 among elders

    female = u(n) < 0.5
    female[pos == 0] = head_f[hh][pos == 0]
    female[is_sp] = ~head_f[hh][is_sp]
    female[el] = np.where(e[el] == 2, elder_k[el] == 1, u(int(el.sum())) < 0.7)

    # the window in which each person's birth date may lie given the household (for namesakes)
    bd = np.empty(n, dtype=np.int64)
    bd_lo = np.empty(n, dtype=np.int64)
    bd_hi = np.full(n, ref - 1, dtype=np.int64)
    bd[pos == 0] = head_bd[hh][pos == 0]
    bd[is_sp] = spouse_bd[hh][is_sp]
    hi = ref - 1
    # children: uniform in the window the younger parent allows, but at least _SIBLING_GAP days apart
    m = role == ANAK
    lo = young_par[hh][m] + years(18) + 2
    span = np.minimum(hi - lo, years(30))
    room = np.maximum(span - (n_anak[hh][m] - 1) * _SIBLING_GAP, 0)
    ua = u(int(m.sum()))
    ak_rank, _ = group_rank(hh[m], np.argsort(ua, kind="stable"))
    bd[m] = hi - span + np.floor(ua * room).astype(np.int64) + ak_rank * _SIBLING_GAP
    bd_lo[m] = hi - span
    m = role == CUCU
    lo = head_bd[hh][m] + years(36) + 2
    bd[m] = hi - np.floor(u(int(m.sum())) * np.minimum(hi - lo, years(15))).astype(np.int64)
    bd_lo[m] = np.maximum(lo, hi - years(15))
    m = el
    par = np.where(role[m] == MERTUA, spouse_bd[hh][m], head_bd[hh][m])
    k = int(m.sum())
    bd[m] = np.maximum(
        np.minimum(par - years(18) - 2 - years(u(k) * 14), ref - years(60) - years(u(k) * 6)), ref - years(100)
    )
    m = role == FAMILI
    bd[m] = ref - years(rng.uniform(2, 70, int(m.sum()))) - 1
    bd_lo[m], bd_hi[m] = ref - years(70) - 1, ref - years(2) - 1
    # heads, spouses, elders and children with siblings keep their date
    fixed = ~np.isin(role, (ANAK, CUCU, FAMILI)) | ((role == ANAK) & (a > 1)) | ((role == CUCU) & (c > 1))
    bd_lo[fixed], bd_hi[fixed] = bd[fixed], bd[fixed]
    del sp_h, r, a, c, e, is_sp, el, elder_k, m, lo, par, fixed, ua, ak_rank, span, room

    # ---- twins: one delivery, one birth date, one mother ---------------------------------------
    twin_root = twin_roots(rng, role, hh, twin_rate)
    twin = twin_root != np.arange(n)
    bd[twin] = bd[twin_root[twin]]
    same_sex = u(n) < _TWIN_SAME_SEX
    female[twin] = np.where(same_sex[twin], female[twin_root[twin]], ~female[twin_root[twin]])
    del same_sex

    # ---- culture and family names (by household) ---------------------------------------------
    culture_h = np.zeros(H, dtype=np.int64)
    prov_codes, prov_of_v = np.unique(v_prov, return_inverse=True)
    prov_h = prov_of_v[hv]
    for pi, prov in enumerate(prov_codes):
        rows = np.flatnonzero(prov_h == pi)
        culture_h[rows] = rng.choice(len(CULTURES), size=rows.size, p=culture_mix(str(prov)))
    culture = culture_h[hh]

    # ---- registration district of the NIK; namesakes meet on one day in one district -----------
    kec_h = v_kec[hv]
    all_kec = wilayah.districts()["kode_kec"].cast(pl.Int64).to_numpy()
    if provinces is not None:  # a chunk registers its people in its own provinces only (unique NIKs)
        all_kec = all_kec[np.isin(all_kec // 10_000, np.array(list(provinces), dtype=np.int64))]
    reg_kec = np.where(u(n) < 0.9, kec_h[hh], all_kec[rng.integers(0, all_kec.size, n)])
    reg_kec[twin] = reg_kec[twin_root[twin]]
    in_delivery = twin | np.isin(np.arange(n), twin_root[twin])
    ns_x, ns_y = namesake_pairs(rng, culture, female, bd, bd_lo, bd_hi, hh, hv[hh], ~in_delivery, namesake_rate)
    bd[ns_y] = bd[ns_x]
    reg_kec[ns_y] = reg_kec[ns_x]
    del bd_lo, bd_hi, in_delivery
    age = (ref - bd) / DAYS_PER_YEAR
    y, mo, d = ymd(bd)

    # deaths: ~1% overall, mostly the old
    w = np.select([age < 40, age < 60, age < 75], [0.15, 1.0, 4.0], 12.0)
    dead = u(n) < np.minimum(1.0, w * (0.01 * n / w.sum()))
    died = np.where(dead, ref - 1 - np.floor(u(n) * np.minimum(ref - bd - 1, years(6))).astype(np.int64), 0)
    tgl_mati = pl.Series(died.astype(np.int32)).cast(pl.Date)
    tgl_mati = pl.select(pl.when(pl.lit(pl.Series(dead))).then(pl.lit(tgl_mati))).to_series()
    del w, died

    # ---- NIK: registration district + DDMMYY (+40 for women) + serial ---------------------------
    # Serials count up from 0001 within the first 12 digits, in the order of registration; twins
    # registered together are next to each other in that order.
    prefix = reg_kec * 1_000_000 + (d + 40 * female) * 10_000 + mo * 100 + y % 100
    reg_order = rng.permutation(n).astype(np.int64) * 4
    together = twin & (u(n) < _TWIN_CONSECUTIVE)
    reg_order[together] = reg_order[twin_root[together]] + (np.arange(n) - twin_root)[together]
    rank, grp_n = group_rank(prefix, np.argsort(reg_order, kind="stable"))
    if grp_n.max() > 9999:
        raise ValueError("more than 9999 NIKs share a district and birth date; use more villages")
    nik = prefix * 10_000 + rank + 1
    del reg_kec, prefix, rank, mo, d, reg_order, together

    # ---- No KK: issuing district + card date + serial, unique and never equal to a NIK ------
    kk_kec = np.where(u(H) < 0.95, kec_h, all_kec[rng.integers(0, all_kec.size, H)])
    lo = np.maximum(head_bd + years(17), epoch_day(dt.date(2000, 1, 1)))
    card = lo + np.floor(u(H) * np.maximum(ref - 7 - lo, 1)).astype(np.int64)
    cy, cm, cd = ymd(card)
    kk_prefix = kk_kec * 1_000_000 + cd * 10_000 + cm * 100 + cy % 100
    kk_rank, _ = group_rank(kk_prefix, rng.permutation(H))
    kk = kk_prefix * 10_000 + kk_rank + 1
    nik_set = pl.Series(nik)
    for _ in range(5):
        clash = pl.Series(kk).is_in(nik_set.implode()).to_numpy()
        if not clash.any():
            break
        kk[clash] += 5000
    if pl.Series(kk).is_in(nik_set.implode()).any() or pl.Series(kk).n_unique() != H:
        raise RuntimeError("could not make No KK unique")
    nik_s = nik_set.cast(pl.String)
    del nik, nik_set

    # ---- names -------------------------------------------------------------------------------
    fam_h = fam_draw(rng, culture_h)
    own_fam = fam_draw(rng, culture)
    carries = np.isin(role, (ANAK, CUCU, SUAMI)) | ((role == KK) & ~female) | ((role == ORANG_TUA) & ~female)
    fam = np.where(carries, fam_h[hh], own_fam)
    clan = clan_of(rng, fam, culture)
    order = np.minimum(skewed(rng, 4, n, 1.5), 3)
    anak = np.flatnonzero(role == ANAK)
    if anak.size:
        ak_rank, _ = group_rank(hh[anak], np.argsort(bd[anak], kind="stable"))
        order[anak] = ak_rank % 4
    nama = compose_names(rng, culture, female, y, fam, clan, order, common_name_share)
    nama = twin_lookalike_names(rng, nama, twin_root, female, culture, twin_lookalike_share)
    if ns_x.size:
        common = common_names(rng, female[ns_x], y[ns_x])
        nama = nama.scatter(ns_x, common).scatter(ns_y, common)
    famous = nama.is_in(list(N.NAMA_TERKENAL)).to_numpy()
    if famous.any():
        rows = np.flatnonzero(famous)
        extra = np.where(female[rows], draw_words(rng, "BLK_P", rows.size), draw_words(rng, "BLK_L", rows.size))
        nama = nama.scatter(rows, nama.gather(rows) + " " + gather(WORD_POOL, extra))
    ibu_fam = fam_draw(rng, culture)
    nama_ibu = compose_names(
        rng,
        culture,
        np.ones(n, dtype=bool),
        y - 26,
        ibu_fam,
        clan_of(rng, ibu_fam, culture),
        np.minimum(skewed(rng, 4, n, 1.5), 3),
        common_name_share,
    )
    # children whose mother does not live in the household still share one mother
    first_anak = start + 1 + has_sp
    rows = np.flatnonzero(role == ANAK)
    nama_ibu = nama_ibu.scatter(rows, nama_ibu.gather(first_anak[hh][rows]))
    # mothers who live in the household
    mother_h = np.where(head_f, start, np.where(has_sp, start + 1, -1))
    elder_start = start + 1 + has_sp + n_anak + n_cucu
    elder_f_h = np.where(
        n_elder == 2,
        elder_start + 1,
        np.where((n_elder == 1) & female[np.minimum(elder_start, n - 1)], elder_start, -1),
    )
    src = np.full(n, -1, dtype=np.int64)
    m = (role == ANAK) & (mother_h[hh] >= 0)
    src[m] = mother_h[hh][m]
    m = (role == KK) & (elder_f_h[hh] >= 0) & ~elder_mertua[hh]
    src[m] = elder_f_h[hh][m]
    m = np.isin(role, (ISTRI, SUAMI)) & (elder_f_h[hh] >= 0) & elder_mertua[hh]
    src[m] = elder_f_h[hh][m]
    rows = np.flatnonzero(src >= 0)
    nama_ibu = nama_ibu.scatter(rows, nama.gather(src[rows]))
    del own_fam, carries, clan, order, ibu_fam, src, rows, y, m, famous

    # ---- birth place, address, occupation ---------------------------------------------------
    kab_codes, kab_names = regency_names()
    kab_h = v_kab[hv]
    born_here = u(n) < 0.85
    kab_i = np.where(born_here, np.searchsorted(kab_codes, kab_h[hh]), rng.integers(0, kab_codes.size, n))
    kab_i[twin] = kab_i[twin_root[twin]]
    tmpt = gather(kab_names, kab_i)
    alamat_h = household_addresses(rng, H)
    pk = pekerjaan(rng, age, female, role)

    frame = pl.DataFrame(
        {
            "NIK": nik_s,
            "NO_KK": pl.Series(kk[hh]).cast(pl.String),
            "NAMA_LGKP": nama,
            "TMPT_LHR": tmpt,
            "TGL_LHR": pl.Series(bd.astype(np.int32)).cast(pl.Date),
            "JENIS_KLMIN": gather(("LAKI-LAKI", "PEREMPUAN"), female.astype(np.int64)),
            "NAMA_LGKP_IBU": nama_ibu,
            "ALAMAT": alamat_h.gather(pl.Series(hh)),
            "kode_wilayah": v_code.gather(pl.Series(hv[hh])),
            "JENIS_PKRJN": gather(PEKERJAAN, pk),
            "STAT_HBKEL": gather(ROLES, role),
            "TGL_MATI": tgl_mati,
            "hh_id": pl.Series(hh.astype(np.int32)),
            "pos": pl.Series(pos.astype(np.int8)),
            "culture": pl.Series(culture.astype(np.int8)),
            "fam": pl.Series(fam.astype(np.int32)),
            "nik_grp_n": pl.Series(grp_n.astype(np.int16)),
            "twin_root": pl.Series(np.where(twin, twin_root, -1).astype(np.int32)),
        }
    )
    return frame.with_columns(
        NO_PROP=pl.col("kode_wilayah").str.slice(0, 2),
        NO_KAB=pl.col("kode_wilayah").str.slice(2, 2),
        NO_KEC=pl.col("kode_wilayah").str.slice(4, 2),
        NO_KEL=pl.col("kode_wilayah").str.slice(6, 4),
    ).select(*DUKCAPIL_COLUMNS, "hh_id", "pos", "kode_wilayah", "culture", "fam", "nik_grp_n", "twin_root")


def _household_sizes(rng: np.random.Generator, n_persons: int) -> np.ndarray:
    p = np.array([0.10, 0.17, 0.22, 0.22, 0.14, 0.08, 0.045, 0.025])
    sizes = rng.choice(8, size=int(n_persons / 3.5 * 1.15) + 16, p=p / p.sum()) + 1
    while sizes.sum() < n_persons:
        sizes = np.r_[sizes, rng.choice(8, size=sizes.size // 4 + 16, p=p / p.sum()) + 1]
    cs = np.cumsum(sizes)
    h = int(np.searchsorted(cs, n_persons)) + 1
    sizes = sizes[:h].copy()
    sizes[-1] -= int(cs[h - 1] - n_persons)
    return sizes
