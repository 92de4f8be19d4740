"""Render an enforcement document to DOCX (python-docx), for offices that edit before printing.
The East Asian font is named, not embedded: Word substitutes a local CJK font if it lacks it."""

from __future__ import annotations

import io

from docx import Document as Docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_PARAGRAPH_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.run import Run

from gridwatch.enforcement.documents import Document, Field, Picture, Signatures, Text

CJK_FONT = "WenQuanYi Micro Hei"


def _cjk(run: Run, size: float, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = CJK_FONT
    # python-docx sets only the Latin font; Word picks Chinese glyphs from w:eastAsia.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT)


def render_docx(doc: Document) -> bytes:
    d = Docx()
    section = d.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)

    def line(
        text: str,
        size: float = 11.5,
        align: WD_PARAGRAPH_ALIGNMENT | None = None,
        bold: bool = False,
    ) -> None:
        p = d.add_paragraph()
        if align is not None:
            p.alignment = align
        _cjk(p.add_run(text), size, bold)

    line(doc.issuer, 15, WD_ALIGN_PARAGRAPH.CENTER)
    line(doc.title, 20, WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    line(doc.number, 11, WD_ALIGN_PARAGRAPH.RIGHT)
    for block in doc.blocks:
        if isinstance(block, Field):
            p = d.add_paragraph()
            _cjk(p.add_run(f"{block.label}："), 11.5, bold=True)
            _cjk(p.add_run(block.value), 11.5)
        elif isinstance(block, Text):
            p = d.add_paragraph()
            if block.indent:
                p.paragraph_format.first_line_indent = Pt(23)
            _cjk(p.add_run(block.text), 11.5)
        elif isinstance(block, Picture):
            d.add_picture(block.path, width=Mm(120))
            d.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            line(block.caption, 9.5, WD_ALIGN_PARAGRAPH.CENTER)
        elif isinstance(block, Signatures):
            for text in block.lines:
                line(text)
    for i, text in enumerate(doc.footer):
        line(text, align=WD_ALIGN_PARAGRAPH.RIGHT if i < 2 else None)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
