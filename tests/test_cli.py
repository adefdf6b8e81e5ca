import hashlib
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from sponsortrack.cli import main


def digest(db_path):
    """Content of the database as SQL text: equal digests mean nothing was written."""
    import sqlite3

    con = sqlite3.connect(db_path)
    text = "\n".join(con.iterdump())
    con.close()
    return hashlib.sha256(text.encode()).hexdigest()


def test_demo_then_reads_list_json(demo_cli):
    res = demo_cli("reads", "list", "--format", "json")
    assert res.exit_code == 0
    rows = json.loads(res.output)
    sponsors = {r["sponsor_name"] for r in rows}
    assert sponsors == {"DigitalOcean", "Brave", "Fastly"}
    urls = {r["promo_url"] for r in rows}
    assert {"https://do.co/changelog", "https://fastly.com", None} <= urls
    r = rows[0]
    assert set(r) >= {"id", "air_date", "show_name", "episode_number", "sponsor_name", "placement", "read_type",
                      "promo_url", "promo_code", "status", "price_minor", "currency"}
    assert all(isinstance(x["price_minor"], int) for x in rows if x["price_minor"] is not None)
    again = demo_cli("demo")
    assert "already present" in again.output


def test_reads_list_filters_and_formats(demo_cli):
    res = demo_cli("reads", "list", "--month", "2019-10", "--sponsor", "Fastly", "--format", "csv")
    lines = res.output.strip().splitlines()
    assert lines[0].startswith("id,air_date,show_name")
    assert len(lines) > 3 and all(",Fastly," in line for line in lines[1:])
    table = demo_cli("reads", "list", "--month", "2019-10", "--show", "Practical AI")
    assert "DigitalOcean" in table.output and "$1,200.00" in table.output


def test_crud_commands(cli):
    assert cli("shows", "add", "Go Time").exit_code == 0
    assert cli("sponsors", "add", "Sentry", "--domains", "sentry.io").exit_code == 0
    assert cli("sponsors", "edit", "sentry", "--contact-email", "ap@sentry.example").exit_code == 0
    assert cli("episodes", "add", "--show", "go time", "--title", "Pilot", "--published", "2024-01-05").exit_code == 0
    res = cli("campaigns", "add", "--sponsor", "Sentry", "--name", "2024", "--start", "2024-01-01", "--end",
              "2024-12-31", "--pricing", "flat", "--rate", "900", "--url", "sentry.io/gotime", "--code", "GOTIME")
    assert res.exit_code == 0, res.output
    res = cli("log", "--show", "Go Time", "--episode", "1", "--sponsor", "Sentry", "--placement", "mid")
    assert res.exit_code == 0 and "https://sentry.io/gotime" in res.output and "GOTIME" in res.output
    rows = json.loads(cli("reads", "list", "--format", "json").output)
    assert [(r["sponsor_name"], r["placement"], r["price_minor"]) for r in rows] == [("Sentry", "mid", 90000)]
    sponsors = json.loads(cli("sponsors", "list", "--format", "json").output)
    assert sponsors[0]["domains"] == ["sentry.io"] and sponsors[0]["contact_email"] == "ap@sentry.example"
    hist = json.loads(cli("reads", "history", str(rows[0]["id"]), "--format", "json").output)
    assert hist[0]["action"] == "create"


BAD = [
    (["log", "--show", "Nope", "--episode", "1", "--sponsor", "DigitalOcean", "--placement", "pre"],
     "show: no show named 'Nope'"),
    (["log", "--show", "Practical AI", "--episode", "0", "--sponsor", "DigitalOcean", "--placement", "pre"],
     "episode: must be a positive integer"),
    (["log", "--show", "Practical AI", "--episode", "abc", "--sponsor", "DigitalOcean", "--placement", "pre"],
     "episode: must be a positive integer, not 'abc'"),
    (["log", "--show", "Practical AI", "--episode", "62", "--sponsor", "Acme", "--placement", "pre"],
     "sponsor: no sponsor named 'Acme'"),
    (["log", "--show", "Practical AI", "--episode", "62", "--sponsor", "Brave", "--placement", "middle"],
     "placement: 'middle' is not one of pre, mid, post"),
    (["log", "--show", "Practical AI", "--episode", "62", "--sponsor", "Brave", "--placement", "mid",
      "--url", "javascript:alert(1)"], "promo_url: scheme 'javascript' is not http or https"),
    (["log", "--show", "Practical AI", "--episode", "62", "--sponsor", "Brave", "--placement", "mid",
      "--price", "-5"], "price_override: must not be negative"),
    (["log", "--show", "Practical AI", "--episode", "62", "--sponsor", "Brave", "--placement", "mid",
      "--price", "1.005"], "price_override: has more decimals than USD allows (2)"),
    (["reads", "list", "--month", "2019-13"], "month: '2019-13' is not a month (YYYY-MM)"),
    (["reads", "list", "--month", "Oct"], "month: 'Oct' is not a month (YYYY-MM)"),
    (["sponsors", "add", "digitalocean"], "name: a sponsor named 'digitalocean' already exists"),
    (["sponsors", "add", "x" * 300], "name: is too long (300 characters, at most 200)"),
    (["campaigns", "add", "--sponsor", "Brave", "--name", "x", "--start", "2020-01-01", "--end", "2020-02-01",
      "--pricing", "cpm", "--rate", "-3"], "rate: must not be negative"),
    (["shows", "add", ""], "name: is required"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input_one_line_exit_2_nothing_written(demo_cli, db_path, args, message):
    before = digest(db_path)
    res = demo_cli(*args)
    assert res.exit_code == 2, res.output
    err_lines = [line for line in res.output.splitlines() if line.strip()]
    assert err_lines == [f"error: {message}"]
    assert "Traceback" not in res.output
    assert digest(db_path) == before


def test_bare_url_is_stored_with_https(demo_cli):
    res = demo_cli("log", "--show", "Practical AI", "--episode", "62", "--sponsor", "Brave", "--placement", "mid",
                   "--url", "do.co/changelog")
    assert res.exit_code == 0
    rows = json.loads(demo_cli("reads", "list", "--sponsor", "Brave", "--format", "json").output)
    assert "https://do.co/changelog" in {r["promo_url"] for r in rows}


@pytest.mark.parametrize("content", [b"hello, not a database\n" * 50, b"SQLite format 3\x00" + b"\xff" * 8000])
def test_bad_db_file_gets_message_and_is_untouched(tmp_path, content):
    p = tmp_path / "x.db"
    p.write_bytes(content)
    proc = subprocess.run([sys.executable, "-m", "sponsortrack", "--db", str(p), "reads", "list"],
                          capture_output=True, text=True)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().startswith(f"error: database {p}:")
    assert len(proc.stderr.strip().splitlines()) == 1
    assert p.read_bytes() == content


def test_backup_command(demo_cli, tmp_path):
    out = tmp_path / "b.db"
    res = demo_cli("backup", "-o", str(out))
    assert res.exit_code == 0 and out.exists()
    res = CliRunner().invoke(main, ["--db", str(out), "reads", "list", "--format", "json"])
    assert len(json.loads(res.output)) > 50


def test_default_database_lives_in_user_data_dir(tmp_path):
    res = CliRunner().invoke(main, ["shows", "list", "--format", "json"])
    assert res.exit_code == 0, res.output
    import os

    from sponsortrack.cli import default_db_path

    path = default_db_path()
    assert path.exists() and path.name == "sponsortrack.db"
    assert str(path).startswith(os.environ["XDG_DATA_HOME"])  # the isolated user data dir, never the real one


def test_env_var_selects_database(tmp_path, monkeypatch):
    p = tmp_path / "env.db"
    monkeypatch.setenv("SPONSORTRACK_DB", str(p))
    assert CliRunner().invoke(main, ["demo"]).exit_code == 0
    assert p.exists()


def test_settings_set_and_show(cli):
    assert cli("settings", "set", "seller_name=Changelog Media", "tax_rate=8.25").exit_code == 0
    s = json.loads(cli("settings", "show", "--format", "json").output)
    assert s["seller_name"] == "Changelog Media" and s["tax_bp"] == 825
    res = cli("settings", "set", "invoice_number_pattern={year}")
    assert res.exit_code == 2 and "invoice_number_pattern: must contain {seq}" in res.output


def test_an_empty_db_option_is_refused_not_the_default_database(tmp_path, monkeypatch):
    """`--db "$DB"` with DB unset must not quietly read and write the default database."""
    from sponsortrack.paths import default_db_path

    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["--db", "", "log", "--show", "Practical AI", "--episode", "62",
                                    "--sponsor", "Brave", "--placement", "mid"])
    assert res.exit_code == 2
    assert res.stderr.strip() == "error: db: is empty; give a database file, or leave --db out for the default one"
    assert not default_db_path().exists()


def test_logging_a_second_read_in_the_same_spot_says_so(tmp_path):
    db = str(tmp_path / "d.db")
    runner = CliRunner()
    assert runner.invoke(main, ["--db", db, "demo"]).exit_code == 0
    first = runner.invoke(main, ["--db", db, "log", "--show", "Practical AI", "--episode", "62", "--sponsor", "Brave",
                                "--placement", "post"])
    assert first.exit_code == 0 and "note:" not in first.output
    again = runner.invoke(main, ["--db", db, "log", "--show", "Practical AI", "--episode", "62", "--sponsor", "Brave",
                                "--placement", "post"])
    assert again.exit_code == 0
    assert "note: Brave already had a post-roll read on this episode" in again.output
    assert "reads delete" in again.output
