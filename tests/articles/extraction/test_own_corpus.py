"""The extractor against our own annotated corpus, with floors under its scores.

``tests/data/extraction/`` holds 90 articles we wrote ourselves (invented people
and mostly invented institutions, in the styles of Korean, US, European and Asian
newsrooms and wires), annotated by the rules of the shared corpus README. Unlike the dev
split they ship with the repository, so these floors always run. The rules
that made them pass are general ones, each also tested on other invented
sentences in ``test_generalisation_rules.py``; docs/extraction.md has the figures.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from articles.extraction.evaluation import load_corpus
from tests.articles.extraction.corpus_floors import OWN_FLOORS, assert_scores_stay_above_floors

REPO = Path(__file__).resolve().parents[3]
OWN_CORPUS = REPO / "tests" / "data" / "extraction"
CHECKER = REPO.parent / "shared" / "corpus" / "check_corpus.py"


def test_the_own_corpus_has_ninety_articles_in_the_corpus_format():
    records = load_corpus([OWN_CORPUS])
    assert len(records) == 90
    assert all(record["id"].startswith("own-") for record in records)
    # What the corpus covers: agreements with two to four parties, articles with
    # two agreements, stories with no quotation, stories with no agreement, and
    # quotations whose speaker has no institution.
    assert {len(r["agreement"]["parties"]) for r in records if r["agreement"]} >= {2, 3, 4}
    assert sum(1 for r in records if r.get("other_agreements")) >= 2
    assert any(not r["quotes"] for r in records)
    assert sum(1 for r in records if r["agreement"] is None) >= 3
    assert any(q["institution"] is None for r in records for q in r["quotes"])


@pytest.mark.skipif(not CHECKER.is_file(), reason=f"corpus checker not found at {CHECKER}")
def test_the_own_corpus_passes_the_corpus_checker():
    run = subprocess.run(
        [sys.executable, str(CHECKER), str(OWN_CORPUS)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_own_corpus_scores_stay_above_their_floors():
    assert_scores_stay_above_floors(OWN_CORPUS, floors=OWN_FLOORS)


def test_every_own_article_parses_as_json_with_its_id():
    for path in sorted(OWN_CORPUS.glob("*.json")):
        assert json.loads(path.read_text(encoding="utf-8"))["id"] == path.stem
