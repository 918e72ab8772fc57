"""core/csvout (protected exports) and core/csvin (strict reading that names the line)."""

from __future__ import annotations

import csv
import io

import pytest

from citydip.core import csvin, csvout


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 555 0100", "'+1 555 0100"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("\tcmd", "'\tcmd"),
        ("-12", "-12"),
        ("+3.5", "+3.5"),
        ("-1e3", "-1e3"),
        ("Berlin", "Berlin"),
        ("", ""),
        (-4, -4),
        (None, None),
    ],
)
def test_protect(value, written):
    assert csvout.protect(value) == written


def test_writers_protect_every_cell_and_round_trip_through_csv():
    text = csvout.to_text([["name", "value"], ["=cmd|' /C calc'!A0", -1.5], ["ok", "-7"]])
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "value"],
        ["'=cmd|' /C calc'!A0", "-1.5"],
        ["ok", "-7"],
    ]
    out = io.StringIO()
    writer = csvout.dict_writer(out, ["a", "b"])
    writer.writeheader()
    writer.writerow({"a": "@x"})
    assert out.getvalue() == "a,b\n'@x,\n"
    streamed = "".join(csvout.stream(([str(i), "=x"] for i in range(1200)), chunk=500))
    assert streamed.startswith("\ufeff0,'=x\r\n") and streamed.count("\r\n") == 1200


def test_rows_names_the_line_of_a_broken_record():
    good = 'a,b\n1,"two\nlines"\n3,4\n'
    assert list(csvin.rows(io.StringIO(good))) == [(1, ["a", "b"]), (2, ["1", "two\nlines"]), (4, ["3", "4"])]
    with pytest.raises(csvin.CsvSyntaxError) as err:
        list(csvin.rows(io.StringIO('a,b\n1,2\n3,"never closed\n5,6\n')))
    assert err.value.line == 3 and "never closed" in err.value.message
    with pytest.raises(csvin.CsvSyntaxError) as err:
        list(csvin.rows(io.StringIO('a,b\n1,"x"y\n')))
    assert err.value.line == 2 and "doubled" in err.value.message
