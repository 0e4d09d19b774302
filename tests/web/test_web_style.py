"""What the site's stylesheet promises: readable muted text (WCAG AA, 4.5:1) and long words that
wrap instead of widening the page."""

import re
from pathlib import Path

CSS = (Path(__file__).resolve().parents[2] / "web" / "static" / "web" / "app.css").read_text()


def _variable(name: str) -> str:
    return re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", CSS).group(1)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_muted_text_meets_wcag_aa_on_the_page_and_on_cards():
    assert _contrast(_variable("muted"), _variable("bg")) >= 4.5
    assert _contrast(_variable("muted"), _variable("card")) >= 4.5


def test_long_words_wrap():
    body = CSS[CSS.index("body {") : CSS.index("}", CSS.index("body {"))]
    assert "overflow-wrap: anywhere" in body
