"""CSV and XLSX downloads that spreadsheets cannot be tricked into running (ASVS 1.2.10)."""

import csv
import io
import tempfile

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
        workbook = xlsxwriter.Workbook(
            spool,
            {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "in_memory": False},
        )
        sheet = workbook.add_worksheet(sheet_name[:31])
        bold = workbook.add_format({"bold": True})
        sheet.write_row(0, 0, [safe_cell(h) for h in header], bold)
        for number, row in enumerate(rows, start=1):
            sheet.write_row(number, 0, [safe_cell(v) for v in row])
        workbook.close()
        spool.seek(0)
        data = spool.read()
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
