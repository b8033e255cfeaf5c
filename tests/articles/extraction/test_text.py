from articles.extraction import analyse
from articles.extraction.text import normalise

RELEASE = """Riverbend and Hanbit join forces on rare diseases

• Five-year programme for shared registries

Riverbend University and Hanbit Medical Center signed an agreement on Tuesday to share patient registries.

Riverbend President Maria Lopez (left) and Hanbit CEO Oh Dae-sung after the signing.

"Rare diseases need large numbers," said Maria Lopez, president of Riverbend University.

Next steps

The two institutions will name a joint board in the autumn.

###

Media contact: Jane Roe, jane.roe@riverbend.example, +1 555 010 2000

About Riverbend University

Riverbend University is a private research university with 20,000 students."""


def kinds(text, **kwargs):
    return [(p.kind, p.text[:20]) for p in analyse(text, **kwargs).paragraphs]


def test_headline_standfirst_captions_and_boilerplate_are_kept_apart():
    result = analyse(RELEASE)
    assert result.headline == "Riverbend and Hanbit join forces on rare diseases"
    assert result.standfirst == "• Five-year programme for shared registries"
    assert result.captions == [
        "Riverbend President Maria Lopez (left) and Hanbit CEO Oh Dae-sung after the signing."
    ]
    assert result.boilerplate[0] == "###"
    assert any(b.startswith("Media contact") for b in result.boilerplate)
    assert result.boilerplate[-1].startswith("Riverbend University is a private")
    assert "Next steps" in result.body
    assert result.body[0].startswith("Riverbend University and Hanbit Medical Center signed")
    assert not any("Media contact" in b for b in result.body)


def test_about_paragraph_without_end_marker():
    text = "Eastlake Institute opened a lab.\n\nAbout Eastlake Institute\n\nEastlake Institute is a non-profit."
    assert [k for k, _ in kinds(text)] == ["body", "boilerplate", "boilerplate"]


def test_given_title_is_not_searched_for_in_the_text():
    text = "Riverbend University opened a clinic on Monday.\n\nIt treats children."
    result = analyse(text, title="A new clinic")
    assert result.headline is None
    assert result.body == ["Riverbend University opened a clinic on Monday.", "It treats children."]


def test_repeated_caption_is_a_caption_both_times():
    caption = "Students in the new simulation lab at Eastlake Institute."
    text = f"{caption}\n\n{caption}\n\nEastlake Institute opened a simulation lab this week for nursing students."
    result = analyse(text, title="Lab opens")
    assert result.captions == [caption, caption]


def test_quotes_in_boilerplate_are_ignored():
    text = 'Riverbend opened a lab.\n\n###\n\nAbout Riverbend\n\n"Learning by doing," says the Riverbend motto.'
    assert analyse(text, title="Lab").quotes == []


def test_normalise_folds_marks_and_space():
    assert normalise("“Hi”  there\n‘you’") == "\"Hi\" there 'you'"


def test_to_dict_is_json_ready():
    import json

    data = analyse(RELEASE, published="2024-06-05").to_dict()
    json.dumps(data)
    assert set(data) >= {
        "headline",
        "standfirst",
        "body",
        "captions",
        "boilerplate",
        "quotes",
        "institutions",
        "agreement",
    }
    assert data["agreement"]["date"] == "2024-06-04"
