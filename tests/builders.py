"""A tiny hand-written data root, independent of the synthetic generator, for end-to-end tests.

Each person is written out by hand so that the expected outcome of every row can be read off.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

D = dt.date

# (NIK, NO_KK, NAMA_LGKP, TGL_LHR, JENIS_KLMIN, STAT_HBKEL, JENIS_PKRJN, TGL_MATI, village)
PEOPLE = [
    # household A (Bogor, decile 2): head, wife, two school children -> PKH, BPNT, PBI eligible
    (
        "3201011505800001",
        "3201010101150001",
        "BUDI SANTOSO",
        D(1980, 5, 15),
        "LAKI-LAKI",
        "KEPALA KELUARGA",
        "PETANI/PEKEBUN",
        None,
        "3201011001",
    ),
    (
        "3201014708850002",
        "3201010101150001",
        "SITI AMINAH",
        D(1985, 8, 7),
        "PEREMPUAN",
        "ISTRI",
        "MENGURUS RUMAH TANGGA",
        None,
        "3201011001",
    ),
    (
        "3201010203150003",
        "3201010101150001",
        "AHMAD FAUZI",
        D(2015, 3, 2),
        "LAKI-LAKI",
        "ANAK",
        "PELAJAR/MAHASISWA",
        None,
        "3201011001",
    ),
    (
        "3201015012120004",
        "3201010101150001",
        "NUR HALIMAH",
        D(2012, 12, 10),
        "PEREMPUAN",
        "ANAK",
        "PELAJAR/MAHASISWA",
        None,
        "3201011001",
    ),
    # household B (Bogor, decile 7): not eligible by decile
    (
        "3201012010700005",
        "3201010202160002",
        "JOKO WIDODO SUSILO",
        D(1970, 10, 20),
        "LAKI-LAKI",
        "KEPALA KELUARGA",
        "WIRASWASTA",
        None,
        "3201011002",
    ),
    # household C (Papua NIK > 2^53, decile 1): head is a civil servant -> EXCLUDE
    (
        "9101011101750006",
        "9101010303170003",
        "YOHANES WENDA",
        D(1975, 1, 11),
        "LAKI-LAKI",
        "KEPALA KELUARGA",
        "PEGAWAI NEGERI SIPIL",
        None,
        None,
    ),
    (
        "9101015204800007",
        "9101010303170003",
        "MARIA KOGOYA",
        D(1980, 4, 12),
        "PEREMPUAN",
        "ISTRI",
        "MENGURUS RUMAH TANGGA",
        None,
        None,
    ),
    # household D (decile 3): single elderly member who died
    (
        "3201010101400008",
        "3201010404180004",
        "SOEKARNO HADI",
        D(1940, 1, 1),
        "LAKI-LAKI",
        "KEPALA KELUARGA",
        "PETANI/PEKEBUN",
        D(2026, 2, 1),
        "3201011003",
    ),
    # a stranger in Dukcapil never proposed
    (
        "3201015111900009",
        "3201010505190005",
        "RINA MARLINA",
        D(1990, 11, 11),
        "PEREMPUAN",
        "KEPALA KELUARGA",
        "PEDAGANG",
        None,
        "3201011001",
    ),
]

# the usulan header as contracts.md writes it, typed here by hand (not taken from schemas)
HEADER = (
    "jenis_usulan nik no_kk nama tempat_lahir tanggal_lahir jenis_kelamin hubungan_keluarga nama_ibu_kandung alamat kode_wilayah hamil disabilitas_berat jenjang_sekolah alasan"
).split()


def papua_village() -> str:
    from transforms.wilayah import villages

    return (
        villages().filter(pl.col("kode_kec") == "910101")["kode_wilayah"][0]
        if villages().filter(pl.col("kode_kec") == "910101").height
        else villages().filter(pl.col("kode_prov") == "91")["kode_wilayah"][0]
    )


def dukcapil_frame() -> pl.DataFrame:
    pv = papua_village()
    rows = []
    for nik, kk, nama, tgl, jk, hub, job, mati, desa in PEOPLE:
        desa = desa or pv
        rows.append(
            {
                "NIK": nik,
                "NO_KK": kk,
                "NAMA_LGKP": nama,
                "TMPT_LHR": "BOGOR",
                "TGL_LHR": tgl,
                "JENIS_KLMIN": jk,
                "NAMA_LGKP_IBU": "IBU KANDUNG",
                "ALAMAT": "JL. MAWAR NO. 1",
                "NO_PROP": desa[:2],
                "NO_KAB": desa[2:4],
                "NO_KEC": desa[4:6],
                "NO_KEL": desa[6:10],
                "JENIS_PKRJN": job,
                "STAT_HBKEL": hub,
                "TGL_MATI": mati,
            }
        )
    return pl.DataFrame(rows, schema_overrides={"TGL_MATI": pl.Date})


def write_root(root: Path, periode: str = "2026-11") -> Path:
    """Write the tiny root: reference data, one clean comma file and one messy semicolon cp1252 file
    for province 32, one file for province 91, and one unreadable file."""
    (root / "reference" / "dukcapil").mkdir(parents=True)
    dukcapil_frame().write_parquet(root / "reference" / "dukcapil" / "dukcapil.parquet")
    (root / "reference" / "dtsen").mkdir(parents=True)
    pl.DataFrame(
        {
            "no_kk": ["3201010101150001", "3201010202160002", "9101010303170003", "3201010404180004"],
            "desil": [2, 7, 1, 3],
            "tgl_update": [D(2026, 1, 5)] * 4,
        }
    ).write_parquet(root / "reference" / "dtsen" / "dtsen.parquet")
    for sub, text in {
        "sdm_kesos/sdm.csv": "nik,nama,jenis_sdm,kode_wilayah,aktif\n3201015111900009,RINA MARLINA,TKSK,3201011001,Y\n",
        "gis/gis.csv": "no_kk,hasil,tgl_verifikasi,lat,lon\n3201010202160002,TIDAK LAYAK,2026-06-01,-6.5,106.8\n",
    }.items():
        p = root / "reference" / sub
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    fb = root / "feedback" / periode
    (fb / "burekol").mkdir(parents=True)
    (fb / "burekol" / "burekol.csv").write_text(
        "no_kk,nik_pengurus,bank,status_rekening,no_rekening\n3201010101150001,3201014708850002,BRI,AKTIF,001\n"
    )
    (fb / "salur").mkdir(parents=True)
    (fb / "salur" / "salur.csv").write_text(
        f"periode,program,no_kk,nik,status,nominal\n{periode},BPNT,3201010101150001,3201014708850002,SUKSES SPM,600000\n"
    )

    inbox = root / "inbox" / periode
    (inbox / "32").mkdir(parents=True)
    (inbox / "91").mkdir(parents=True)
    clean = [
        [
            "BARU",
            "3201011505800001",
            "3201010101150001",
            "Budi Santoso",
            "BOGOR",
            "15-05-1980",
            "L",
            "KEPALA KELUARGA",
            "",
            "Jl. Mawar, RT 01",
            "32.01.01.1001",
            "N",
            "N",
            "TIDAK",
            "",
        ],
        [
            "BARU",
            "3201014708850002",
            "3201010101150001",
            "Siti Aminah",
            "BOGOR",
            "07/08/1985",
            "P",
            "ISTRI",
            "",
            "",
            "3201011001",
            "",
            "",
            "",
            "",
        ],
        [
            "BARU",
            "3201010203150003",
            "3201010101150001",
            "Achmad Fauzi",
            "BOGOR",
            "2015-03-02",
            "L",
            "ANAK",
            "",
            "",
            "3201011001",
            "",
            "",
            "SD",
            "",
        ],
        [
            "BARU",
            "3201015012120004",
            "3201010101150001",
            "NUR HALIMAH",
            "BOGOR",
            "10-12-2012",
            "PEREMPUAN",
            "ANAK",
            "",
            "",
            "3201011001",
            "",
            "",
            "SMP",
            "",
        ],
        [
            "BARU",
            "3201012010700005",
            "3201010202160002",
            "Djoko Widodo Susilo",
            "BOGOR",
            "20-10-1970",
            "LAKI-LAKI",
            "KEPALA KELUARGA",
            "",
            "",
            "3201011002",
            "",
            "",
            "",
            "",
        ],
    ]
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    w.writerows(clean)
    (inbox / "32" / "usulan_bogor.csv").write_text(buf.getvalue(), encoding="utf-8")

    messy_header = [
        " Jenis_Usulan ",
        "NIK",
        "NO_KK",
        "Nama",
        "Tanggal_Lahir",
        "Jenis_Kelamin",
        "Hubungan_Keluarga",
        "Kode_Wilayah",
        "Alamat",
        "Alasan",
        "Keterangan RT",
    ]
    messy = [
        # Excel-mangled but recoverable: apostrophe NIK, .0 KK, serial date (14611 = 1940-01-01)
        [
            "BARU",
            "'3201010101400008",
            "3201010404180004.0",
            "Soekarno Hadi",
            "14611",
            "L",
            "Kepala Keluarga",
            "3201011003",
            'Jl. Melati; gg. 2 "Ujung"',
            "",
            "x",
        ],
        # NIK that belongs to nobody
        [
            "BARU",
            "3201011505809999",
            "3201010101150001",
            "Bambang Pamungkas",
            "15-05-1980",
            "L",
            "ANAK",
            "3201011001",
            "",
            "",
            "",
        ],
        # unknown jenis_usulan + formula
        [
            "TAMBAH",
            "3201015111900009",
            "3201010505190005",
            '=HYPERLINK("x")',
            "11-11-1990",
            "P",
            "KEPALA KELUARGA",
            "3201011001",
            "",
            "",
            "",
        ],
        # region code that does not exist
        [
            "BARU",
            "3201015111900009",
            "3201010505190005",
            "Rina Marlina",
            "11-11-1990",
            "P",
            "KEPALA KELUARGA",
            "3201019999",
            "",
            "",
            "",
        ],
        # HAPUS of someone not in the (empty) register
        [
            "HAPUS",
            "3201015111900009",
            "3201010505190005",
            "Rina Marlina",
            "11-11-1990",
            "P",
            "KEPALA KELUARGA",
            "3201011001",
            "",
            "PINDAH",
            "",
        ],
        # name of another person on an existing NIK
        [
            "BARU",
            "3201015111900009",
            "3201010505190005",
            "Agus Salim",
            "11-11-1990",
            "L",
            "KEPALA KELUARGA",
            "3201011001",
            "Jl. Kenanga\r\nRT 3",
            "",
            "",
        ],
    ]
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(messy_header)
    w.writerows(messy)
    (inbox / "32" / "USULAN CIANJUR.csv").write_bytes(
        ("\r\n" + "\r\n").join([buf.getvalue().rstrip("\r\n"), ""]).encode("cp1252") + b"\r\n\r\n"
    )

    papua = [
        [
            "BARU",
            "9101011101750006",
            "9101010303170003",
            "Yohanes Wenda",
            "11-01-1975",
            "L",
            "KEPALA KELUARGA",
            papua_village(),
            "",
            "",
            "",
        ],
        [
            "BARU",
            "9101015204800007",
            "9101010303170003",
            "Maria Kogoya",
            "12-04-1980",
            "P",
            "ISTRI",
            papua_village(),
            "",
            "",
            "",
        ],
    ]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(messy_header)
    w.writerows(papua)
    (inbox / "91" / "usulan_jayapura.csv").write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    (inbox / "91" / "usulan.xlsx").write_bytes(b"PK\x03\x04\x00\x00\x08\x00binary\x00\x01\x02")
    return root
