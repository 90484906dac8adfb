"""engage.exports.write_xlsx_stream: a workbook spreadsheets open, with every value as it was given."""

import io
from datetime import date, datetime

import openpyxl
import xlsxwriter

from engage.exports import MAX_CELL_TEXT, safe_cell, write_xlsx_stream


def _written(rows, header=("Text", "When", "Day", "Count"), **kwargs):
    buffer = io.BytesIO()
    kwargs.setdefault("column_formats", {1: "datetime", 2: "date"})
    write_xlsx_stream(buffer, list(header), iter(rows), sheet_name="Responses", **kwargs)
    buffer.seek(0)
    return buffer


def test_values_keep_their_types_and_the_header_is_bold_and_frozen():
    buffer = _written(
        [
            ["Maidstone & <Tunbridge> Wells", datetime(2026, 3, 29, 1, 30), date(2026, 10, 25), 7],
            [None, None, None, 2.5],
            ["  spaces kept  ", datetime(2026, 1, 2, 23, 59), None, -3],
        ]
    )

    sheet = openpyxl.load_workbook(buffer).active

    assert sheet.title == "Responses"
    assert [c.value for c in sheet[1]] == ["Text", "When", "Day", "Count"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[2]] == [
        "Maidstone & <Tunbridge> Wells",
        datetime(2026, 3, 29, 1, 30),
        datetime(2026, 10, 25),
        7,
    ]
    assert sheet["B2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["C2"].number_format == "yyyy-mm-dd"
    assert [c.value for c in sheet[3]] == [None, None, None, 2.5]
    assert sheet["A4"].value == "  spaces kept  "
    assert sheet["D4"].value == -3
    assert sheet.max_row == 4


def test_text_that_xml_cannot_hold_reads_back_as_xlsxwriter_itself_writes_it_and_formulas_stay_text():
    hostile = [safe_cell('=HYPERLINK("http://x")'), "bell\x07 and tab\t", "_x0041_ literal", "é ✓ 😀", "line\r\nbreak"]
    reference = io.BytesIO()
    workbook = xlsxwriter.Workbook(reference, {"strings_to_formulas": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet()
    for number, value in enumerate(hostile, start=1):
        sheet.write_string(number, 0, value)
    workbook.close()
    reference.seek(0)

    ours = openpyxl.load_workbook(_written([[value, None, None, None] for value in [*hostile, "x" * 40000]])).active

    expected = [row[0].value for row in openpyxl.load_workbook(reference).active.iter_rows(min_row=2)]
    values = [row[0].value for row in ours.iter_rows(min_row=2)]
    # XlsxWriter leaves a literal "_x0041_" alone, which Excel would show as "A"; ours escapes it.
    assert values[2] == "_x005F_x0041_ literal" and expected[2] == "_x0041_ literal"
    assert values[:2] + values[3:-1] == expected[:2] + expected[3:]
    assert values[0] == '\'=HYPERLINK("http://x")'
    assert ours["A2"].data_type == "s"
    assert values[-1] == "x" * MAX_CELL_TEXT


def test_a_sheet_with_no_rows_is_just_the_header():
    sheet = openpyxl.load_workbook(_written([])).active
    assert sheet.max_row == 1
    assert sheet["A1"].value == "Text"
