"""Attachments are judged by their bytes: allowed types in, everything else out with a clear message."""

import io
import zipfile

import pytest
from PIL import Image

from engage.records.attachments import AttachmentError, check_upload, clean_filename
from tests.records import samples

MB = 1024 * 1024


@pytest.mark.parametrize(
    ("make", "name", "content_type", "text"),
    [
        (samples.pdf, "minutes.pdf", "application/pdf", "Carers want respite planned ahead"),
        (samples.docx, "notes.docx", f"{samples.OOXML}.wordprocessingml.document", "The bus only comes twice a day"),
        (samples.xlsx, "counts.xlsx", f"{samples.OOXML}.spreadsheetml.sheet", "Waiting times at the surgery"),
        (samples.pptx, "slides.pptx", f"{samples.OOXML}.presentationml.presentation", "What we heard in Larkfield"),
        (lambda: samples.image("JPEG"), "photo.jpg", "image/jpeg", ""),
        (lambda: samples.image("PNG"), "chart.png", "image/png", ""),
        (lambda: samples.image("GIF"), "poster.gif", "image/gif", ""),
        (lambda: samples.image("WEBP"), "flyer.webp", "image/webp", ""),
        (lambda: samples.TEXT, "notes.txt", "text/plain", "Notes from the drop-in"),
    ],
)
def test_each_allowed_type_is_accepted_by_its_content(make, name, content_type, text):
    checked = check_upload(name, make(), 10 * MB)
    assert checked.content_type == content_type
    assert checked.filename == name
    assert text in checked.text
    assert len(checked.sha256) == 64 and checked.size == len(checked.data)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (samples.EXE, "minutes.pdf"),
        (samples.HTML, "page.pdf"),
        (samples.HTML, "notes.txt"),
        (samples.SVG, "logo.png"),
        (samples.PLAIN_ZIP, "notes.docx"),
        (b"\xff\xfe\x00b\x00a\x00d\x00", "notes.txt"),
        (b"GIF89a/*<script>alert(1)</script>*/", "poster.gif"),
    ],
)
def test_other_content_is_refused_whatever_it_is_called(data, name):
    with pytest.raises(AttachmentError, match="must be a PDF, Word \\(.docx\\), Excel|damaged") as error:
        check_upload(name, data, 10 * MB)
    assert "damaged" in str(error.value) or "plain text (.txt)" in str(error.value)


def test_a_pdf_with_a_png_name_is_kept_as_a_pdf_and_renamed():
    checked = check_upload("scan.png", samples.pdf(), 10 * MB)
    assert checked.content_type == "application/pdf"
    assert checked.filename == "scan.png.pdf"


def test_empty_file_is_refused():
    with pytest.raises(AttachmentError, match="The selected file is empty"):
        check_upload("notes.txt", b"", 10 * MB)


def test_file_over_the_limit_is_refused_with_the_limit_in_words():
    with pytest.raises(AttachmentError, match="must be smaller than 1 MB"):
        check_upload("notes.txt", b"a" * (MB + 1), MB)


def test_macro_enabled_and_old_office_files_are_refused():
    macro = samples.docx(
        main_type="application/vnd.ms-word.document.macroEnabled.main+xml", extra={"word/vbaProject.bin": "x"}
    )
    with pytest.raises(AttachmentError, match="Files with macros are not accepted"):
        check_upload("notes.docx", macro, 10 * MB)
    with pytest.raises(AttachmentError, match=r"Old Word, Excel and PowerPoint files \(.doc, .xls, .ppt\)"):
        check_upload("notes.doc", samples.OLE2, 10 * MB)


def test_zip_bomb_dressed_as_a_word_document_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (250 * MB))
    data = out.getvalue()
    assert len(data) < MB
    with pytest.raises(AttachmentError, match="too large once unpacked"):
        check_upload("notes.docx", data, 10 * MB)


def test_photo_loses_gps_and_all_exif_and_is_turned_upright():
    original = samples.jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the sample really has GPS
    checked = check_upload("IMG_0001.JPG", original, 10 * MB)
    cleaned = Image.open(io.BytesIO(checked.data))
    assert cleaned.format == "JPEG"
    assert dict(cleaned.getexif()) == {}
    assert b"PhoneMaker" not in checked.data and b"Exif" not in checked.data
    assert cleaned.size == (20, 60)  # the orientation was applied before EXIF was dropped
    assert checked.filename == "IMG_0001.jpg"


def test_png_loses_its_exif_and_text_chunks():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "taken at 12 Acacia Avenue")
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="PNG", pnginfo=info, exif=samples.gps_exif())
    checked = check_upload("map.png", out.getvalue(), 10 * MB)
    assert b"Acacia" not in checked.data and b"eXIf" not in checked.data
    assert dict(Image.open(io.BytesIO(checked.data)).getexif()) == {}


def test_damaged_image_is_refused_with_a_clear_message():
    broken = samples.image("PNG")[:60]
    with pytest.raises(AttachmentError, match="The selected image is damaged and cannot be opened"):
        check_upload("chart.png", broken, 10 * MB)


def test_decompression_bomb_is_refused():
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, format="PNG")
    with pytest.raises(AttachmentError, match="The selected image is too large"):
        check_upload("huge.png", out.getvalue(), 10 * MB)


def test_unreadable_pdf_is_accepted_with_no_text():
    checked = check_upload("report.pdf", b"%PDF-1.7\n garbage that is not a PDF body", 10 * MB)
    assert checked.content_type == "application/pdf"
    assert checked.text == ""


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("../../etc/passwd", "text/plain", "passwd.txt"),
        ("C:\\Users\\ann\\Minutes – Café.docx", f"{samples.OOXML}.wordprocessingml.document", "Minutes – Café.docx"),
        ("evil\u202efdp.exe", "application/pdf", "evilfdp.exe.pdf"),
        ('a<b>:"c|?*.txt', "text/plain", "a_b___c___.txt"),
        ("   ", "image/png", "attachment.png"),
        (".hidden", "text/plain", "hidden.txt"),
        ("photo.JPEG", "image/jpeg", "photo.jpeg"),
    ],
)
def test_file_names_are_made_safe_but_stay_readable(name, content_type, expected):
    assert clean_filename(name, content_type) == expected


def test_extracted_text_is_safe_for_postgresql_and_capped():
    from engage.records.attachments import MAX_TEXT_CHARS, clean_text

    assert clean_text("a\x00b\ud800c") == "ab?c"
    assert len(clean_text("x" * (MAX_TEXT_CHARS + 10))) == MAX_TEXT_CHARS


def test_content_disposition_quotes_safely_and_keeps_the_exact_name_in_filename_star():
    from engage.records.attachments import content_disposition

    assert content_disposition('Zoë "final"\\.pdf', inline=True) == (
        "inline; filename=\"Zoe final.pdf\"; filename*=UTF-8''Zo%C3%AB%20%22final%22%5C.pdf"
    )
    assert (
        content_disposition("会议.txt", inline=False)
        == "attachment; filename=\"attachment.txt\"; filename*=UTF-8''%E4%BC%9A%E8%AE%AE.txt"
    )
