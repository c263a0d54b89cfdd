"""The strings strategy's assumption: Python's `str.lower` and Chromium's `toLowerCase` agree on
every assigned character (Python's Unicode database), alone and in final-sigma contexts, except
the characters text.py excludes. A Python or Chromium upgrade that changes casing shows up here
first, instead of as a rare contains/prefix mismatch.
"""

from __future__ import annotations

import json
import unicodedata

from parity.harness import BrowserCore
from parity.text import UNICODE_VERSION_SKEW

# returns the indexes where the page's toLowerCase differs from Python's lower()
DIFFER_JS = """async (url) => {
  const [texts, lowered] = await (await fetch(url)).json();
  return texts.flatMap((t, i) => (t.toLowerCase() === lowered[i] ? [] : [i]));
}"""


def assigned() -> list[str]:
    return [
        chr(c)
        for c in range(0x110000)
        if not 0xD800 <= c <= 0xDFFF and unicodedata.category(chr(c)) not in ("Cn", "Cs")
    ]


def test_lowercase_agrees_outside_the_excluded_characters(core: BrowserCore) -> None:
    chars = assigned()
    contexts = ("{}", "Α{}Σ", "ΑΣ{}", "{}Σ", "Α\u0345{}Σ")
    texts = [form.format(c) for form in contexts for c in chars]
    payload = json.dumps([texts, [t.lower() for t in texts]], ensure_ascii=False)
    with core.server.blob(payload.encode()) as url:
        indexes = core.call(DIFFER_JS, url)
    differ = {ch for i in indexes for ch in texts[i] if ch not in "ΑΣ\u0345"}
    extra = sorted(differ - set(UNICODE_VERSION_SKEW))
    assert not extra, [f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in extra]
