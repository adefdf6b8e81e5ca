"""`export csv -o -` writes the CSV to standard output (as the convention goes), not to a file named '-'."""

from __future__ import annotations

import csv
import io

from click.testing import CliRunner

from sponsortrack.cli import main


def test_export_csv_to_dash_writes_stdout_and_no_file(demo_store, db_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["--db", str(db_path), "export", "csv", "--what", "reads",
                                    "--month", "2019-10", "-o", "-"])
    assert res.exit_code == 0, res.output
    assert not (tmp_path / "-").exists()
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert len(rows) == 17 and rows[0]["read_id"]
    assert "Wrote 17 reads to standard output." in res.stderr
