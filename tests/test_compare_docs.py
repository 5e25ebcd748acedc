"""docs/advanced-and-couples.md shows what ``compare --example advanced`` and ``--example couple`` print."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from matchsim.cli.main import cli
from tests.test_cli_compare import DOCS, _is_subsequence
from tests.test_cli_compare import _doc_blocks as _blocks


@pytest.mark.parametrize("example", ["advanced", "couple"])
def test_doc_blocks_are_what_the_example_prints_at_80_columns(example):
    r = CliRunner().invoke(cli, ["compare", "--example", example], env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.output
    printed = [line.rstrip() for line in r.output.splitlines()]
    blocks = _blocks("advanced-and-couples.md", f"doc-output: compare --example {example}")
    assert len(blocks) >= 3
    for block in blocks:
        assert _is_subsequence(block, printed), "\n".join(block)


def test_the_shipped_examples_are_the_ones_in_examples():
    data = Path(__file__).parents[1] / "src" / "matchsim" / "data"
    ex = Path(__file__).parents[1] / "examples"
    for shipped, copy in (("advanced_example.csv", "advanced.csv"), ("couple_example.csv", "couple.csv"),
                          ("couple_partner_example.csv", "couple_partner.csv")):
        assert (data / shipped).read_bytes() == (ex / copy).read_bytes()


def test_the_docs_name_every_new_option():
    text = (DOCS / "compare.md").read_text(encoding="utf-8")
    r = CliRunner().invoke(cli, ["compare", "--help"])
    for option in ("--html", "--png", "--chance-scale", "--couple", "--sheet", "--example"):
        assert option in r.output and f"`{option}" in text
    assert "img/compare-report.png" in text and (DOCS / "img" / "compare-report.png").exists()


def test_the_figures_in_the_prose_are_what_the_example_computes():
    from matchsim.advisor import advise
    from matchsim.advisor.findings import pct
    from matchsim.cli.compare import example_path
    from matchsim.io import read_rank_file

    a = advise(read_rank_file(example_path("advanced")), samples=0)
    honest, _, cat = a.lists
    sentence = (f'it lowers her chance of matching from {pct(honest.p_match)} to {pct(cat.p_match)} and does worse '
                f"than her true order in {pct(cat.worse)} of possible Matches, to remove a risk of "
                f"{pct(honest.pgy1.p_advanced_without_pgy1)}")
    text = " ".join((DOCS / "advanced-and-couples.md").read_text(encoding="utf-8").split())
    assert sentence in text
