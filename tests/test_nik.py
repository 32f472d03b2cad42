"""The NIK's birth-date part and sex, decoded columnar, against python-stdnum's ``stdnum.id.nik``
(an independent implementation) on arbitrary 16-digit strings."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.id import nik as stdnum_nik

from transforms.validation import nik_date_valid_expr, nik_ddmmyy_expr

digits = st.text(alphabet="0123456789", min_size=2, max_size=2)
# district part, then day (women +40), month, year, serial: mostly plausible, often not
niks = st.builds(
    lambda prov, day, month, yy, serial: f"{prov}0101{day:02d}{month:02d}{yy}{serial}",
    st.sampled_from(["11", "32", "91", "96"]),
    st.integers(0, 79),
    st.integers(0, 14),
    digits,
    st.text(alphabet="0123456789", min_size=4, max_size=4),
)


def ours(values: list[str]) -> pl.DataFrame:
    ddmmyy, sex = nik_ddmmyy_expr(pl.col("nik"))
    return pl.DataFrame({"nik": values}).select("nik", ddmmyy=ddmmyy, sex=sex, valid=nik_date_valid_expr(ddmmyy))


def theirs(nik: str) -> tuple[str | None, str]:
    try:
        born = stdnum_nik.get_birth_date(nik)
    except stdnum_nik.ValidationError:
        return None, "P" if int(nik[6:8]) > 40 else "L"
    return born.strftime("%d%m%y"), "P" if int(nik[6:8]) > 40 else "L"


@settings(max_examples=400)
@given(st.lists(niks, min_size=1, max_size=30))
def test_birth_date_part_and_validity_agree_with_stdnum(values):
    got = ours(values)
    for row in got.iter_rows(named=True):
        date, sex = theirs(row["nik"])
        assert row["valid"] == (date is not None), row["nik"]
        if date is not None:
            assert row["ddmmyy"] == date and row["sex"] == sex, row["nik"]


def test_known_cases_from_stdnum_documentation():
    got = ours(["3171015708450001", "3171012902001234", "3171013002001234"])
    assert got["ddmmyy"].to_list()[:2] == ["170845", "290200"]
    assert got["sex"].to_list()[:2] == ["P", "L"]
    assert got["valid"].to_list() == [True, True, False]
