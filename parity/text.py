"""Strings both Python 3.11 (Unicode 14) and Chromium lower-case and order the same way.

Characters come from assigned categories only (Hypothesis draws them from Python's own Unicode
database, so nothing newer than Unicode 14 appears), plus a hand-picked set that stresses the
contract: CJK, astral emoji and letters (surrogate pairs in UTF-16), combining marks, U+E000..U+FFFF
(above the surrogates in UTF-16 but below astral code points), special lower-casings (İ, Σ, ẞ, K)
and characters right below the surrogate block.
"""

from __future__ import annotations

from hypothesis import strategies as st

SPECIAL = (
    "aAzZ09-_ ."
    "ÉéÅåİıΣσςßẞǄǅǆ\u212a\u212b"  # İ -> i̇, final sigma, ẞ -> ß, Kelvin and Angstrom signs
    "封裝站批號群組"
    "\U0001f600\U0001f527\U00020000\U0001d400\U00010400\U00010428"  # emoji, CJK ext B, 𝐀, Deseret
    "\u0301\u0307\u0345\u20dd\ufe0f"  # combining marks and a variation selector
    "\ue000\uf8ff\ufb01\uff01\uff21\uff41\uffe5\ufffd\ud7a3"  # U+E000..U+FFFF and Hangul U+D7A3
    "\u3000\u00a0"
)
# Cased / Case_Ignorable changed after Unicode 14, so a Σ next to them lower-cases to σ in one
# implementation and ς in the other (found by tests/test_parity_lowercase.py)
UNICODE_VERSION_SKEW = "\u0295\U0001171e"

characters = st.one_of(
    st.sampled_from(SPECIAL),
    st.characters(
        categories=["Lu", "Ll", "Lo", "Nd", "Mn", "So", "Zs"],
        max_codepoint=0x2FFFF,
        exclude_characters=UNICODE_VERSION_SKEW,
    ),
)


# values whose order differs between code points and UTF-16 code units (astral vs U+E000..U+FFFF
# at the first difference, also after a shared prefix), or under locale collation / normalization
ORDER_PROBES = (
    "\uff01",
    "\U0001f600",
    "\ue000",
    "\U00010400",
    "\ud7a3",
    "x\uffe5",
    "x\U00020000",
    "x\ufb01",
    "x\U0001d400",
    "É",
    "E\u0301",
    "e",
    "Z",
    "a",
)


def words(max_size: int = 6) -> st.SearchStrategy[str]:
    """Short strings (possibly empty) over the shared alphabet."""
    return st.text(characters, max_size=max_size)


def case_variant(text: str, how: int) -> str:
    """`text` unchanged, upper-cased, lower-cased or with swapped case (by `how` 0..3)."""
    return (text, text.upper(), text.lower(), text.swapcase())[how % 4]
