"""The extractor against the annotated dev corpus, with floors under its scores
(``corpus_floors.py``, shared with the own corpus)."""

import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.articles.extraction.corpus_floors import FLOORS, assert_scores_stay_above_floors

REPO = Path(__file__).resolve().parents[3]
CORPUS = Path(os.environ.get("NEWSROOM_CORPUS_DIR", REPO.parent / "shared" / "corpus" / "dev"))

needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir() or not any(CORPUS.glob("*.json")),
    reason=f"annotated corpus not found at {CORPUS} (set NEWSROOM_CORPUS_DIR)",
)


@needs_corpus
def test_dev_corpus_scores_stay_above_their_floors():
    assert_scores_stay_above_floors(CORPUS)


@needs_corpus
def test_evaluate_extraction_command_prints_json(capsys):
    call_command("evaluate_extraction", str(CORPUS), "--json")
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= set(FLOORS) | {"ms_per_article"}
    assert set(data["quotes"]) >= {"precision", "recall", "f1"}


@needs_corpus
def test_evaluate_extraction_command_lists_misses(capsys):
    call_command("evaluate_extraction", str(CORPUS), "--misses")
    out = capsys.readouterr().out
    assert "attribution" in out and "ms per article" in out


def test_analyse_press_release_command_reads_a_file(tmp_path, capsys):
    path = tmp_path / "release.txt"
    path.write_text(
        "Coral Bay Hospital signed an MOU with Eastlake Institute on Monday.\n\n"
        '"It is a good day," said Lena Moss, head of Coral Bay Hospital.',
        encoding="utf-8",
    )
    call_command("analyse_press_release", str(path), "--published", "2024-06-05")
    data = json.loads(capsys.readouterr().out)
    assert data["quotes"][0]["speaker"] == "Lena Moss"
    assert data["agreement"]["date"] == "2024-06-03"


def test_analyse_press_release_command_rejects_a_bad_date(tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "release.txt"
    path.write_text("Text.", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("analyse_press_release", str(path), "--published", "June 5")
