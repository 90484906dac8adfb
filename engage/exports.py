"""CSV and XLSX downloads that spreadsheets cannot be tricked into running (ASVS 1.2.10), in flat memory."""

import csv
import io
import re
import tempfile
import zipfile
from datetime import date, datetime

import xlsxwriter
from flask import Response, stream_with_context

#: A cell starting with one of these is read as a formula by Excel, LibreOffice or Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", "|", "%")


def safe_cell(value):
    """Return ``value`` ready for a spreadsheet: text that could start a formula gets a leading quote.

    Numbers stay numbers (a negative population is data, not a formula); only text is changed.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return value
    text = str(value).replace("\0", "")
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def csv_response(filename, header, rows):
    """Stream rows as a CSV download (UTF-8 with BOM, so Excel reads the accents)."""

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            writer.writerow([safe_cell(v) for v in row])
            if buffer.tell() > 64 * 1024:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


def xlsx_response(filename, sheet_name, header, rows):
    """Build an XLSX in constant memory with formulas and URLs off, and send it as a download."""
    with tempfile.TemporaryFile() as spool:
        write_xlsx_stream(spool, header, ([safe_cell(v) for v in row] for row in rows), sheet_name=sheet_name)
        spool.seek(0)
        data = spool.read()
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


#: Characters XML 1.0 cannot hold (and CR, which an XML reader turns into LF), written as Excel's
#: _xHHHH_ escapes; text that already looks like one is escaped in turn (ECMA-376 22.9.2.19).
_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
#: Excel's longest cell text.
MAX_CELL_TEXT = 32767
_EXCEL_EPOCH = datetime(1899, 12, 30)
_SHEET = "xl/worksheets/sheet1.xml"
#: zlib level of the streamed sheet: 1 costs a third of the default's time for a slightly larger file.
XLSX_COMPRESSION = 1


def _excel_escape(match):
    text = match.group()
    return "_x005F" + text if len(text) > 1 else f"_x{ord(text):04X}_"


def _column_letters(n):
    letters = ""
    n += 1
    while n:
        n, remainder = divmod(n - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def write_xlsx_stream(binary_file, header, rows, *, sheet_name, column_formats=None, widths=None):
    """Write an XLSX of ``header`` and ``rows`` to an open binary file, in flat memory, fast.

    XlsxWriter makes the workbook (styles, the bold header row frozen at the top, column widths and
    formats, document properties); the data rows are then streamed into its sheet as XML, because
    XlsxWriter's cell by cell path costs about nine times as much per row (bench/response_exports.py).
    Text is written as inline strings, never as formulas or links: values must already have been
    through safe_cell. Cells may be str, int, float, datetime (naive, local) and date; None is blank.

    :param column_formats: ``{column: "datetime" | "date"}``: number formats for those columns.
    :param widths: ``{column: width in characters}``.
    """
    column_formats, widths = column_formats or {}, widths or {}
    package = io.BytesIO()
    workbook = xlsxwriter.Workbook(package, {"constant_memory": True, "in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True})
    styles = {
        "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
    }
    for column in sorted(set(column_formats) | set(widths)):
        kind = column_formats.get(column)
        sheet.set_column(column, column, widths.get(column, 17 if kind else None), styles[kind] if kind else None)
    sheet.freeze_panes(1, 0)
    for column, title in enumerate(header):
        sheet.write_string(0, column, safe_cell(title), bold)
    workbook.close()
    datetime_style = styles["datetime"].xf_index
    date_style = styles["date"].xf_index

    letters = [_column_letters(i) for i in range(len(header))]
    escape_text = _XML_UNSAFE.sub
    with (
        zipfile.ZipFile(package) as built,
        zipfile.ZipFile(binary_file, "w", zipfile.ZIP_DEFLATED, compresslevel=XLSX_COMPRESSION) as out,
    ):
        for item in built.infolist():
            if item.filename != _SHEET:
                out.writestr(item, built.read(item))
        start, end = built.read(_SHEET).decode().split("</sheetData>")
        # Only the header is in the dimension XlsxWriter wrote; the element is optional, so it goes.
        start = re.sub(r"<dimension [^>]*/>", "", start, count=1)
        with out.open(_SHEET, "w", force_zip64=True) as sheet_xml:
            sheet_xml.write(start.encode())
            chunk = []
            for number, row in enumerate(rows, start=2):
                cells = [f'<row r="{number}">']
                for column, value in enumerate(row):
                    if value is None or value == "":
                        continue
                    kind = type(value)
                    ref = f"{letters[column]}{number}"
                    if kind is str:
                        if len(value) > MAX_CELL_TEXT:
                            value = value[:MAX_CELL_TEXT]
                        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                        if _XML_UNSAFE.search(value):
                            value = escape_text(_excel_escape, value)
                        cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>')
                    elif kind is int or (kind is float and value == value and abs(value) != float("inf")):
                        cells.append(f'<c r="{ref}"><v>{value!r}</v></c>')
                    elif kind is datetime:
                        delta = value - _EXCEL_EPOCH
                        serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
                        cells.append(f'<c r="{ref}" s="{datetime_style}"><v>{serial!r}</v></c>')
                    elif kind is date:
                        cells.append(f'<c r="{ref}" s="{date_style}"><v>{(value - _EXCEL_EPOCH.date()).days}</v></c>')
                    else:
                        text = str(safe_cell(value)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                        text = escape_text(_excel_escape, text)
                        cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
                cells.append("</row>")
                chunk.append("".join(cells))
                if len(chunk) == 500:
                    sheet_xml.write("".join(chunk).encode())
                    chunk.clear()
            sheet_xml.write("".join(chunk).encode())
            sheet_xml.write(f"</sheetData>{end}".encode())
