"""Indonesian name normalisation for comparison (pure expressions).

Two keys per name, because ``J`` may be an old ``Y`` (Jusuf = Yusuf) or a new ``J`` (Joko):
``nama_key`` applies the old-to-new spelling rewrites (OE->U, DJ->J, TJ->C, SJ->SY, CH->KH),
``nama_key_y`` additionally rewrites J->Y. Compare both and keep the better score.
"""

from __future__ import annotations

import polars as pl

# titles and honorifics in front of or inside a name (with or without a dot); a lone H is Haji only
# in front (H. AHMAD, DRS. H. AHMAD): after a given name it is an initial (MARIA H. for MARIA HARAHAP)
_TITLE_WORDS = "HJ|HAJI|HAJAH|HAJJAH|DRS|DRA|DR|IR|PROF|KH|USTADZ|USTAZ|NY|NN|TN|SDR|SDRI|ALM|ALMH|ALMARHUM|ALMARHUMAH"
_LEADING_TITLES = rf"^\s*(?:(?:H|{_TITLE_WORDS})\b\.?\s*)+"
_TITLES = rf"\b(?:{_TITLE_WORDS})\b\.?"
# academic degrees (S.Pd., S.Ag., S.E., A.Md., M.Pd., ...)
_DEGREES = (
    r"\b(?:S\.?\s?(?:PD|AG|SOS|KOM|KM|KEP|KEB|FARM|KED|PSI|IP|HUT|PT|TP|SI|HI|PDI|E|H|T)|A\.?\s?MD"
    r"|M\.?\s?(?:PD|SI|AG|KES|KOM|HUM|M|H|T|E)|SE|SH|ST|SPD|SAG|SKM|SKOM|SSOS|AMD|MPD|MM|MSI|BA|BSC)\b\.?"
)
# every spelling of Muhammad, matched after the old-spelling rewrites (so MOCHAMAD is MOKHAMAD here)
_MUHAMMAD = r"\b(?:M[UO]K?H*AM+[AE]?[DT]|MUKHAM+[AE]?[DT]|MOKH|MOH|MUH|MHD|MD|M)\b"
_SPELLING = [("OE", "U"), ("DJ", "J"), ("TJ", "C"), ("SJ", "SY"), ("CH", "KH"), ("TH", "T"), ("DH", "D")]


def nama_key_expr(col: str | pl.Expr, *, fold_muhammad: bool = True) -> pl.Expr:
    """Upper case, no titles, degrees, bin/binti clause or punctuation, Muhammad variants as ``M``,
    new spelling. ``"Hj. Siti Aminah binti Djoko, S.Pd."`` -> ``"SITI AMINAH"``.

    ``fold_muhammad=False`` keeps the word as written, for comparing a typo'd Muhammad
    (``MUHAMFAD``) letter by letter."""
    e = pl.col(col) if isinstance(col, str) else col
    e = (
        e.str.to_uppercase()
        .str.replace_all(r",.*$", "")  # degrees after a comma
        .str.replace_all(_DEGREES, " ")
        .str.replace(_LEADING_TITLES, " ")
        .str.replace_all(_TITLES, " ")
        .str.replace_all(r"\b(?:BIN|BINTI|BT|BN)\b.*$", "")
        .str.replace_all(r"[^A-Z ]", " ")
    )
    for old, new in _SPELLING:
        e = e.str.replace_all(old, new, literal=True)
    if fold_muhammad:
        e = e.str.replace_all(_MUHAMMAD, "M")
    return e.str.replace_all(r"\s+", " ").str.strip_chars()


def nama_key_y_expr(key: str | pl.Expr) -> pl.Expr:
    """The alternative key that reads every J as an old-spelling Y."""
    e = pl.col(key) if isinstance(key, str) else key
    return e.str.replace_all("J", "Y", literal=True)
