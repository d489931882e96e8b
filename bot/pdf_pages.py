"""What every PDF Chorus makes shares: its fonts, text shaping, and the reader's direction.

The fonts are matplotlib's own DejaVu Sans (every script Chorus speaks, and any name).
Shaping with HarfBuzz joins Arabic letters and lays a right-to-left line out right to left,
with names and numbers in other scripts in their places; without it Arabic prints as
separate letters in reverse order.
"""

from __future__ import annotations

import os
from typing import Literal

import matplotlib
from fpdf import FPDF

from bot.presentation.languages import current_reader

FONT = os.path.join(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans.ttf")
FONT_BOLD = os.path.join(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans-Bold.ttf")


class Document(FPDF):
    """An A4 document for the current reader, with the font "DejaVu" (plain and bold)."""

    def __init__(self) -> None:
        super().__init__(format="A4")
        self.add_font("DejaVu", "", FONT)
        self.add_font("DejaVu", "B", FONT_BOLD)
        right_to_left = current_reader().right_to_left
        self.set_text_shaping(True, direction="rtl" if right_to_left else "ltr")
        # Where a line of text starts: the right margin for a right-to-left reader.
        self.start: Literal["L", "R"] = "R" if right_to_left else "L"
