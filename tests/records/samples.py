"""Small real files of each kind, made in the test (no binary fixtures in the repository)."""

import io
import zipfile

from PIL import Image

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
OOXML = "application/vnd.openxmlformats-officedocument"


def pdf(text="Carers want respite planned ahead"):
    """A one-page PDF whose page says ``text`` (with a correct cross-reference table)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _zip(parts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def _content_types(part, content_type):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>'
    )


def docx(text="The bus only comes twice a day", main_type=f"{OOXML}.wordprocessingml.document.main+xml", extra=None):
    """A minimal Word document saying ``text``."""
    body = f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>'
    return _zip(
        {
            "[Content_Types].xml": _content_types("word/document.xml", main_type),
            "word/document.xml": body,
            **(extra or {}),
        }
    )


def xlsx(text="Waiting times at the surgery"):
    """A real spreadsheet made by openpyxl, with ``text`` in A1."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = text
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def pptx(text="What we heard in Larkfield"):
    """A minimal presentation whose one slide says ``text``."""
    slide = f'<p:sld xmlns:p="x" xmlns:a="{A_NS}"><a:p><a:r><a:t>{text}</a:t></a:r></a:p></p:sld>'
    return _zip(
        {
            "[Content_Types].xml": _content_types(
                "ppt/presentation.xml", f"{OOXML}.presentationml.presentation.main+xml"
            ),
            "ppt/presentation.xml": "<p:presentation xmlns:p='x'/>",
            "ppt/slides/slide1.xml": slide,
        }
    )


def image(fmt="PNG", size=(40, 30), color=(0, 94, 184), exif=None):
    """An image in ``fmt`` (PNG, JPEG, GIF, WEBP), optionally with EXIF."""
    out = io.BytesIO()
    picture = Image.new("RGB", size, color)
    options = {"exif": exif} if exif is not None else {}
    picture.save(out, format=fmt, **options)
    return out.getvalue()


def gps_exif():
    """EXIF with a GPS position (51.27 N, 0.52 E: Maidstone), a camera make and a rotation."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotated 90 degrees
    gps = {
        1: "N",
        2: (51.0, 16.0, 12.0),
        3: "E",
        4: (0.0, 31.0, 20.0),
    }
    exif[0x8825] = gps
    return exif


def jpeg_with_gps():
    """A 60 x 20 JPEG that carries a GPS position and says it should be shown rotated."""
    return image("JPEG", size=(60, 20), exif=gps_exif())


TEXT = b"Notes from the drop-in: people asked about dentists.\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>'
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
PLAIN_ZIP = _zip({"notes.txt": "hello"})
