"""The README opens with the two set-up commands, and CI runs the second one verbatim."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = text.split("```bash\n")[1:3]
    return [b.split("\n```")[0].strip() for b in blocks]


def test_readme_starts_with_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    head = text.split("```bash", 1)[0]
    assert head.strip() == "# sponsortrack"
    install, test = readme_commands()
    assert "sponsortrack demo" in install and install.startswith("pip install .")
    assert "pytest" in test and "ruff check" in test and ".[test]" in test
    assert test.index("ruff check") < test.index("mypy sponsortrack") < test.index("pytest")


def test_ci_runs_the_readme_test_command_verbatim():
    _, test = readme_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test in ci


def month_end_commands() -> list[list[str]]:
    """The README's "A month end, on the demo" block, one argv per line (comments dropped)."""
    import shlex

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("A month end, on the demo:", 1)[1].split("```text\n", 1)[1].split("\n```", 1)[0]
    out = []
    for line in block.splitlines():
        argv = shlex.split(line, comments=True)
        if argv:
            assert argv[0] == "sponsortrack", line
            out.append(argv[1:])
    return out


def test_readme_month_end_walk_through_runs_as_written(tmp_path, monkeypatch):
    """Every command of the README's month end works on a fresh demo, whatever today's date is (the
    payment's date is after the issue date, the invoice numbers are the ones printed)."""
    from click.testing import CliRunner

    from sponsortrack.cli import main

    db = tmp_path / "demo.db"
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["--db", str(db), "demo"]).exit_code == 0
    commands = month_end_commands()
    assert len(commands) >= 8
    for argv in commands:
        if argv[0] == "check-urls":  # a test never touches the internet
            continue
        res = runner.invoke(main, ["--db", str(db), *argv])
        assert res.exit_code == 0, f"sponsortrack {' '.join(argv)}: {res.output}"
