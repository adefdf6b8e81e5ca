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
