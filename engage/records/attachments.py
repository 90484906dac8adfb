"""Checking an uploaded attachment by its content: allowed type, size, clean images, and its text.

The name a person gave the file decides nothing except the name shown back to them.
"""

import hashlib
import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

import filetype
from defusedxml import ElementTree

ALLOWED_TYPES = "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), JPEG, PNG, GIF, WebP or plain text (.txt)"
#: Detected content type -> (label shown to people, file name extensions that fit it; the first is used).
TYPES = {
    "application/pdf": ("PDF", (".pdf",)),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("Word document", (".docx",)),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("Excel spreadsheet", (".xlsx",)),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("PowerPoint", (".pptx",)),
    "image/jpeg": ("JPEG image", (".jpg", ".jpeg")),
    "image/png": ("PNG image", (".png",)),
    "image/gif": ("GIF image", (".gif",)),
    "image/webp": ("WebP image", (".webp",)),
    "text/plain": ("Text", (".txt", ".text", ".csv", ".md")),
}
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}
#: Shown in the browser; everything else is downloaded.
INLINE_TYPES = {"application/pdf", *IMAGE_FORMATS}
#: The "accept" hint on file inputs (a convenience for pickers; the server decides by content).
ACCEPT = ",".join(ext for _label, exts in TYPES.values() for ext in exts)

#: Extracted text kept for search, at most.
MAX_TEXT_CHARS = 100_000
MAX_PDF_PAGES = 50
#: A photo from a phone is 12-50 megapixels; beyond this it is more likely a decompression bomb.
MAX_IMAGE_PIXELS = 60_000_000
#: Office files: refuse zips that would inflate past this or hold this many parts (zip bombs).
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 5_000
MAX_XML_PART = 30 * 1024 * 1024

OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "word/",
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xl/",
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "ppt/",
    ),
}
MARKUP_RE = re.compile(rb"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|\?xml)\b", re.IGNORECASE)
UNSAFE_NAME_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


class AttachmentError(ValueError):
    """The file cannot be accepted; the message says why, in words for the person uploading it."""


@dataclass
class CheckedFile:
    """An accepted upload, ready to store: cleaned bytes, detected type and extracted text."""

    filename: str
    content_type: str
    data: bytes
    text: str

    @property
    def size(self):
        return len(self.data)

    @property
    def sha256(self):
        return hashlib.sha256(self.data).hexdigest()


def format_size(size):
    """Return a size for people: 900 bytes, 12 KB, 3.4 MB."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def clean_filename(name, content_type):
    """Return a readable, safe display name whose extension matches the detected type.

    Keeps letters from any script; drops folders, control and bidi-override characters and
    characters that are unsafe in file names. ``photo.pdf`` that is really a JPEG becomes ``photo.jpg``.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))
    name = UNSAFE_NAME_CHARS.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    extensions = TYPES[content_type][1]
    if f".{ext.lower()}" not in extensions:
        stem = name if ext else stem
        ext = extensions[0].lstrip(".")
    stem = (stem or "attachment")[:150].rstrip(" .") or "attachment"
    return f"{stem}.{ext.lower()}"


def content_disposition(filename, *, inline):
    """Return a Content-Disposition value: an ASCII ``filename`` plus the exact name as RFC 5987 ``filename*``."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(ch for ch in ascii_name if ch.isprintable() and ch not in '"\\').strip()
    if not ascii_name or ascii_name.startswith("."):
        ascii_name = "attachment" + ascii_name
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def check_upload(filename, data, max_bytes):
    """Check one upload by content and return a CheckedFile, or raise AttachmentError.

    Images come back re-encoded without EXIF (so without GPS location); PDFs, Office files and
    text come back as sent, with their text extracted where that is cheap.
    """
    if not data:
        raise AttachmentError("The selected file is empty")
    if len(data) > max_bytes:
        raise AttachmentError(f"The selected file must be smaller than {format_size(max_bytes)}")
    content_type = detect(data)
    text = ""
    if content_type in IMAGE_FORMATS:
        data = reencode_image(data, IMAGE_FORMATS[content_type])
    elif content_type == "application/pdf":
        text = pdf_text(data)
    elif content_type == "text/plain":
        text = clean_text(data.decode("utf-8-sig"))
    else:
        text = ooxml_text(data, content_type)
    return CheckedFile(clean_filename(filename, content_type), content_type, data, text)


def detect(data):
    """Return the content type of ``data`` if it is one we accept.

    :raises AttachmentError: naming the allowed types, for anything else (programs, web pages,
        SVG, plain zips, macro-enabled or old binary Office files).
    """
    refused = AttachmentError(f"The selected file must be a {ALLOWED_TYPES}")
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        return ooxml_type(data)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise AttachmentError(
            "Old Word, Excel and PowerPoint files (.doc, .xls, .ppt) are not accepted: "
            "save it as .docx, .xlsx or .pptx and try again"
        )
    guess = filetype.guess(data)
    if guess is not None:
        if guess.mime in IMAGE_FORMATS:
            return guess.mime
        raise refused
    if b"\x00" in data or MARKUP_RE.search(data[:4096]):
        raise refused
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise refused from None
    return "text/plain"


def _open_zip(data):
    """Open an Office zip, refusing anything that could inflate into a zip bomb."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise AttachmentError("The selected file is damaged and cannot be opened") from error
    if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_ZIP_UNCOMPRESSED:
        raise AttachmentError("The selected file is too large once unpacked")
    return archive


def _read_part(archive, name):
    info = archive.getinfo(name)
    if info.file_size > MAX_XML_PART:
        raise AttachmentError("The selected file is too large once unpacked")
    with archive.open(info) as part:
        # Read one byte past the declared size: a zip that lies about its sizes is refused.
        content = part.read(MAX_XML_PART + 1)
    if len(content) > MAX_XML_PART:
        raise AttachmentError("The selected file is too large once unpacked")
    return content


def ooxml_type(data):
    """Return the type of a Word, Excel or PowerPoint file, from its [Content_Types].xml."""
    refused = AttachmentError(f"The selected file must be a {ALLOWED_TYPES}")
    archive = _open_zip(data)
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names:
        raise refused
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise AttachmentError("Files with macros are not accepted: save it as .docx, .xlsx or .pptx and try again")
    try:
        root = ElementTree.fromstring(_read_part(archive, "[Content_Types].xml"))
    except (ElementTree.ParseError, ValueError, zipfile.BadZipFile, OSError) as error:
        raise AttachmentError("The selected file is damaged and cannot be opened") from error
    for element in root:
        main = OOXML_MAIN.get(element.get("ContentType", ""))
        part = (element.get("PartName") or "").lstrip("/")
        if main and element.tag.endswith("Override") and part.startswith(main[1]) and part in names:
            return main[0]
    raise refused


def _xml_text(content):
    """Return the text of every ``<*:t>`` element (Word runs, Excel strings, slide text)."""
    try:
        root = ElementTree.fromstring(content)
    except (ElementTree.ParseError, ValueError):
        return ""
    pieces = []
    for element in root.iter():
        if element.tag.endswith("}t") and element.text:
            pieces.append(element.text)
        elif element.tag.endswith(("}p", "}si", "}row")):
            pieces.append("\n")
    return "".join(pieces)


def _numbered(names, pattern):
    """Return the names matching ``pattern`` (one number group), in number order."""
    found = [(int(m.group(1)), name) for name in names if (m := re.fullmatch(pattern, name))]
    return [name for _number, name in sorted(found)]


def ooxml_text(data, content_type):
    """Return the plain text of a .docx, .xlsx or .pptx (capped); "" if it cannot be read."""
    archive = _open_zip(data)
    names = archive.namelist()
    if content_type.endswith("document"):
        parts = ["word/document.xml"]
    elif content_type.endswith("sheet"):
        # Excel keeps strings in one shared table; openpyxl and others write them inline in each sheet.
        parts = ["xl/sharedStrings.xml", *_numbered(names, r"xl/worksheets/sheet(\d+)\.xml")]
    else:
        parts = _numbered(names, r"ppt/slides/slide(\d+)\.xml")
    text = []
    for part in parts:
        if part in names:
            try:
                text.append(_xml_text(_read_part(archive, part)).strip())
            except (AttachmentError, zipfile.BadZipFile, OSError, ValueError):
                continue
        if sum(map(len, text)) > MAX_TEXT_CHARS:
            break
    return clean_text("\n\n".join(t for t in text if t))


def pdf_text(data):
    """Return the text of the first pages of a PDF; "" when it has none or cannot be read."""
    from pypdf import PdfReader

    pieces = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            for page in reader.pages[:MAX_PDF_PAGES]:
                pieces.append(page.extract_text() or "")
                if sum(map(len, pieces)) > MAX_TEXT_CHARS:
                    break
    except Exception:  # noqa: S110 - a PDF we cannot read is still a PDF; it just has no text for search
        pass
    return clean_text("\n\n".join(p.strip() for p in pieces if p.strip()))


def clean_text(text):
    """Return ``text`` fit for any database column: no NULs or lone surrogates, at most MAX_TEXT_CHARS."""
    text = text.replace("\x00", "")[:MAX_TEXT_CHARS]
    return text.encode("utf-8", "replace").decode("utf-8")


def reencode_image(data, fmt):
    """Return the image decoded and saved again: upright, with no EXIF, GPS or other metadata.

    :raises AttachmentError: for damaged images and decompression bombs.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    damaged = AttachmentError("The selected image is damaged and cannot be opened")
    try:
        with warnings.catch_warnings():
            # Pillow warns past MAX_IMAGE_PIXELS and raises past twice that: refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise AttachmentError("The selected image is too large: use one under 60 megapixels")
                image.load()
                upright = ImageOps.exif_transpose(image)
                return _save_clean(upright, fmt)
    except AttachmentError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise AttachmentError("The selected image is too large: use one under 60 megapixels") from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as error:
        raise damaged from error


def _save_clean(image, fmt):
    """Save only the pixels (the first frame of an animation): no EXIF, XMP, ICC comments or text chunks."""
    if fmt == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    if fmt == "WEBP" and image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA")
    clean = image.copy()
    clean.info = {key: value for key, value in image.info.items() if key in ("transparency",)}
    out = io.BytesIO()
    options = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
    clean.save(out, format=fmt, exif=b"", **options)
    return out.getvalue()
