"""Plain-text PDFs built by hand (no PDF library needed): the disclosure's key figures (the demo notices), the
rating self-assessment's draft. Chinese lines use STSong-Light, one of the standard Chinese fonts every PDF
reader provides; Latin lines use Helvetica. Pages of A4 (portrait), lines of 18 points, as many pages as the
lines need."""

LINES_PER_PAGE = 40
CLOSING = "，。、；：！？）》」』”’,.;:!?)"
# A4 in points; the text block starts 72 points (an inch) from the top and left edges.
WIDTH, HEIGHT = 595, 842


def _pdf_line(line: str, chinese: bool) -> bytes:
    if chinese:
        # Two bytes per character in the UniGB-UCS2-H encoding of Adobe's standard Chinese font.
        return b"<" + line.encode("utf-16-be").hex().upper().encode() + b"> '"
    return b"(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1") + b") '"


def wrap(text: str, width: int) -> list[str]:
    """`text` cut into lines of at most `width` characters (a Chinese character counts as two), keeping its own
    line breaks."""
    lines = []
    for paragraph in text.splitlines() or [""]:
        line, size = "", 0
        for character in paragraph:
            wide = 2 if ord(character) > 0x2E7F else 1
            # Closing punctuation never starts a line: it may run one character past the width.
            if size + wide > width and character not in CLOSING:
                lines.append(line)
                line, size = "", 0
            line += character
            size += wide
        lines.append(line)
    return lines


def summary_pdf(lines: list[str], *, chinese: bool = False) -> bytes:
    """A PDF of plain lines, a page for every LINES_PER_PAGE of them."""
    if chinese:
        fonts = [
            b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
            b"/DescendantFonts [4 0 R] >>",
            b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 5 0 R /DW 1000 "
            b"/W [1 95 500] >>",
            b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
            b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
        ]
    else:
        fonts = [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    pages = [lines[start : start + LINES_PER_PAGE] for start in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    first_page = 3 + len(fonts)  # objects 1 and 2: catalog and page tree; then the fonts; then page, contents
    page_refs = b" ".join(b"%d 0 R" % (first_page + 2 * index) for index in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (page_refs, len(pages)),
        *fonts,
    ]
    for index, page in enumerate(pages):
        text = (
            b"BT /F1 12 Tf 72 %d Td 18 TL " % (HEIGHT - 72)
            + b" ".join(_pdf_line(line, chinese) for line in page)
            + b" ET"
        )
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % (WIDTH, HEIGHT, first_page + 2 * index + 1)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
