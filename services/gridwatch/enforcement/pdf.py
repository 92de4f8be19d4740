"""Render an enforcement document to PDF with reportlab, embedding a CJK font so the Chinese
text renders on any reader (WenQuanYi Micro Hei from Debian `fonts-wqy-microhei`)."""

from __future__ import annotations

import io
import os
from functools import cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from gridwatch.enforcement.documents import Document, Field, Picture, Signatures, Text

FONT_NAME = "WenQuanYiMicroHei"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/local/share/fonts/wqy-microhei.ttc",
)


class FontMissing(RuntimeError):
    pass


def font_path() -> Path:
    """GRIDWATCH_CJK_FONT, else the Debian location of WenQuanYi Micro Hei."""
    candidates = [os.environ.get("GRIDWATCH_CJK_FONT", ""), *FONT_CANDIDATES]
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    raise FontMissing(
        "no CJK font for enforcement documents: install Debian fonts-wqy-microhei "
        "(scripts/test-deps.sh does) or set GRIDWATCH_CJK_FONT to a .ttf/.ttc file"
    )


@cache
def _register() -> str:
    path = font_path()
    # A .ttc holds several faces; face 0 of wqy-microhei is the regular one.
    font = (
        TTFont(FONT_NAME, str(path), subfontIndex=0)
        if path.suffix == ".ttc"
        else TTFont(FONT_NAME, str(path))
    )
    pdfmetrics.registerFont(font)
    return FONT_NAME


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "body", fontName=font, fontSize=11.5, leading=19, wordWrap="CJK", alignment=TA_LEFT
    )
    return {
        "issuer": ParagraphStyle("issuer", base, fontSize=15, leading=22, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "title", base, fontSize=20, leading=30, alignment=TA_CENTER, spaceBefore=4
        ),
        "number": ParagraphStyle("number", base, fontSize=11, alignment=TA_RIGHT),
        "body": ParagraphStyle("body_indent", base, firstLineIndent=23, spaceAfter=4),
        "flush": ParagraphStyle("flush", base, spaceAfter=4),
        "label": ParagraphStyle("label", base, leading=18),
        "caption": ParagraphStyle("caption", base, fontSize=9.5, leading=14, alignment=TA_CENTER),
        "footer": ParagraphStyle("footer", base, alignment=TA_RIGHT),
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _picture(block: Picture, st: dict[str, ParagraphStyle], width: float) -> Flowable:
    img = Image(block.path)
    scale = min(width / img.imageWidth, 62 * mm / img.imageHeight)
    img.drawWidth, img.drawHeight = img.imageWidth * scale, img.imageHeight * scale
    return KeepTogether(
        [Spacer(1, 4), img, Spacer(1, 3), Paragraph(_escape(block.caption), st["caption"])]
    )


def render_pdf(doc: Document, *, author: str = "gridwatch") -> bytes:
    """The document as a one- or two-page A4 PDF with the CJK font embedded (subset)."""
    font = _register()
    st = _styles(font)
    buf = io.BytesIO()
    pdf = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=22 * mm,
        bottomMargin=20 * mm,
        title=f"{doc.title} {doc.number}",
        author=author,
        subject=doc.kind,
    )
    width = A4[0] - 50 * mm
    story: list[Flowable] = [
        Paragraph(_escape(doc.issuer), st["issuer"]),
        Paragraph(_escape(doc.title), st["title"]),
        Paragraph(_escape(doc.number), st["number"]),
        HRFlowable(width="100%", thickness=1.2, color=colors.HexColor("#b22222"), spaceAfter=8),
    ]
    fields: list[list[Paragraph]] = []

    def flush_fields() -> None:
        if not fields:
            return
        table = Table(fields, colWidths=[26 * mm, width - 26 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.grey),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ("LEFTPADDING", (0, 0), (0, -1), 0),
                ]
            )
        )
        story.extend([table, Spacer(1, 6)])
        fields.clear()

    for block in doc.blocks:
        if isinstance(block, Field):
            fields.append(
                [
                    Paragraph(_escape(block.label), st["label"]),
                    Paragraph(_escape(block.value), st["label"]),
                ]
            )
            continue
        flush_fields()
        if isinstance(block, Text):
            story.append(Paragraph(_escape(block.text), st["body" if block.indent else "flush"]))
        elif isinstance(block, Picture):
            story.append(_picture(block, st, width))
        elif isinstance(block, Signatures):
            story.append(Spacer(1, 10))
            story += [Paragraph(_escape(line), st["flush"]) for line in block.lines]
    flush_fields()
    if doc.footer:
        story.append(Spacer(1, 14))
        story.append(
            KeepTogether([Paragraph(_escape(line), st["footer"]) for line in doc.footer[:2]])
        )
        story += [Spacer(1, 10), *(Paragraph(_escape(x), st["flush"]) for x in doc.footer[2:])]
    pdf.build(story)
    return buf.getvalue()
