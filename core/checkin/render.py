"""A boarding pass as a picture and as a document.

The barcode is PDF417 (``pdf417gen``), as IATA Resolution 792 allows for printed and
mobile passes; it encodes the pass's BCBP string and nothing else. The PDF (``fpdf2``)
is one page: the pass's facts in words and the same barcode. Both are made from the
pass's typed view, so the bytes depend on the pass alone.
"""

from __future__ import annotations

import io

import pdf417gen
from fpdf import FPDF
from PIL.Image import Image

from core.checkin.bcbp import ascii_upper
from core.checkin.views import BoardingPassView

PNG_MEDIA_TYPE = "image/png"
PDF_MEDIA_TYPE = "application/pdf"

#: PDF417 columns and error-correction level: a 60-character pass fits in a short, wide
#: symbol that phone screens and gate scanners both read (level 2 recovers from smudges).
_COLUMNS = 6
_SECURITY_LEVEL = 2


def barcode_image(bcbp: str, *, scale: int = 3) -> Image:
    codes = pdf417gen.encode(bcbp, columns=_COLUMNS, security_level=_SECURITY_LEVEL)
    image: Image = pdf417gen.render_image(codes, scale=scale, ratio=3, padding=scale * 4)
    return image


def boarding_pass_png(view: BoardingPassView) -> bytes:
    out = io.BytesIO()
    barcode_image(view.bcbp).save(out, format="PNG")
    return out.getvalue()


def _text(value: str) -> str:
    """The PDF's core font speaks Latin-1: names as the barcode spells them."""
    return value.encode("latin-1", "replace").decode("latin-1")


def boarding_pass_pdf(view: BoardingPassView) -> bytes:
    """One page (a 210 × 99 mm pass): who, which flight, where to sit, and the barcode."""
    pdf = FPDF(orientation="L", unit="mm", format=(99, 210))
    pdf.set_creation_date(view.issued_at)
    pdf.set_title(f"Boarding pass {view.carrier} {view.number} {view.origin}-{view.destination}")
    pdf.set_author("Travel concierge")
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "BOARDING PASS", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    name = f"{ascii_upper(view.family_name)}/{ascii_upper(view.given_name)}"
    seat = view.seat or "GATE"
    facts = [
        ("Passenger", name),
        ("Flight", f"{view.carrier} {view.number}   {view.origin} -> {view.destination}"),
        ("Departs", view.depart_local.strftime("%d %b %Y %H:%M") + " local"),
        ("Cabin / Seat", f"{view.cabin.title()} / {seat}"),
        ("Sequence", f"{view.sequence_number:03d}"),
        ("Booking ref", f"{view.locator}   e-ticket {view.ticket_number or '-'}"),
    ]
    for label, value in facts:
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(32, 6, _text(label))
        pdf.set_font("Helvetica", "", 11)
        pdf.cell(0, 6, _text(value), new_x="LMARGIN", new_y="NEXT")
    image = barcode_image(view.bcbp, scale=4)
    width = 120.0
    pdf.image(image, x=(210 - width) / 2, y=62, w=width)
    return bytes(pdf.output())
