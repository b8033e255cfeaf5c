"""Quote spans and attribution, one test per pattern of English news writing.

All sentences are invented for these tests.
"""

import pytest

from articles.extraction import analyse


def only_quote(text, **kwargs):
    quotes = analyse(text, **kwargs).quotes
    assert len(quotes) == 1, [q.text for q in quotes]
    return quotes[0]


def test_attribution_after_quote_verb_first_with_appositive():
    q = only_quote(
        "“Our students will gain a lot from this,” said Maria Lopez, provost of Riverbend University."
    )
    assert (
        q.text == "Our students will gain a lot from this"
    )  # the comma before the mark is dropped
    assert (q.speaker, q.title, q.institution) == ("Maria Lopez", "provost", "Riverbend University")


def test_attribution_after_quote_name_first():
    text = (
        "Maria Lopez, provost of Riverbend University, opened the meeting.\n\n"
        '"We are ready for the next step," Lopez said.'
    )
    q = only_quote(text)
    assert q.speaker == "Maria Lopez"
    assert q.title == "provost"


def test_attribution_before_quote_with_comma():
    q = only_quote(
        'Hyun Ji-won, director of the Hanbit Cancer Institute, said, "Early screening saves lives."'
    )
    assert q.text == "Early screening saves lives."
    assert (q.speaker, q.title, q.institution) == (
        "Hyun Ji-won",
        "director",
        "Hanbit Cancer Institute",
    )


def test_colon_style():
    q = only_quote('Riverbend provost Maria Lopez said: "The timing could not be better."')
    assert q.speaker == "Maria Lopez"
    q = only_quote('Dean Omar Haddad: "We start in the autumn."')
    assert (q.speaker, q.title) == ("Omar Haddad", "Dean")


def test_according_to():
    q = only_quote(
        'According to Hyun Ji-won, director of the Hanbit Cancer Institute, "Screening works."'
    )
    assert (q.speaker, q.institution) == ("Hyun Ji-won", "Hanbit Cancer Institute")


def test_interrupted_quotation_gives_two_entries_with_one_speaker():
    text = "“The lab is open,” said Dr. Aaron Feld, chief scientist at Northgate Biologics. “Anyone can apply.”"
    quotes = analyse(text).quotes
    assert [q.text for q in quotes] == ["The lab is open", "Anyone can apply."]
    assert {q.speaker for q in quotes} == {"Aaron Feld"}
    assert quotes[1].institution == "Northgate Biologics"


def test_interrupted_mid_sentence():
    quotes = analyse("“The lab is open,” added Prof. Aaron Feld, “and anyone can apply.”").quotes
    assert [q.text for q in quotes] == ["The lab is open", "and anyone can apply."]
    assert [q.speaker for q in quotes] == ["Aaron Feld", "Aaron Feld"]


def test_quotation_over_several_paragraphs():
    text = (
        'Kim Min-seo, president of Hanbit University, said, "The first part of the plan is money.\n\n'
        '"The second part is people."'
    )
    q = only_quote(text)
    assert q.text == "The first part of the plan is money.\nThe second part is people."
    assert q.speaker == "Kim Min-seo"


def test_new_paragraph_with_its_own_quotation_is_a_new_entry_for_the_same_speaker():
    text = (
        '"We have waited years for this," said Omar Haddad, dean of Westfield School of Law.\n\n'
        '"Now the real work begins."'
    )
    quotes = analyse(text).quotes
    assert [q.text for q in quotes] == [
        "We have waited years for this",
        "Now the real work begins.",
    ]
    assert quotes[1].speaker == "Omar Haddad"
    assert quotes[1].title == "dean"


def test_pronoun_resolves_to_last_named_person():
    text = (
        "Provost Maria Lopez of Riverbend University opened the session. "
        "Omar Haddad then spoke about funding.\n\n"
        '"This is a good day for the law school," he said.'
    )
    q = only_quote(text)
    assert q.speaker == "Omar Haddad"


def test_pronoun_carries_title_and_institution():
    text = "Provost Maria Lopez of Riverbend University opened the session.\n\n“This is a good day,” she said."
    q = only_quote(text)
    assert (q.speaker, q.title, q.institution) == ("Maria Lopez", "Provost", "Riverbend University")


def test_surname_and_prefix_resolve_to_full_name():
    text = (
        "Aaron Feld, chief scientist at Northgate Biologics, joined the call.\n\n"
        '"We will publish everything," Dr. Feld said.'
    )
    q = only_quote(text)
    assert (q.speaker, q.title, q.institution) == (
        "Aaron Feld",
        "chief scientist",
        "Northgate Biologics",
    )


def test_title_before_name_and_korean_name_order():
    q = only_quote('Hanbit University Hospital Director Park Jin-ho said, "Patients come first."')
    assert (q.speaker, q.title, q.institution) == (
        "Park Jin-ho",
        "Director",
        "Hanbit University Hospital",
    )


def test_title_only_follow_up_uses_surname_with_title():
    text = (
        "Park Jin-ho, director of Hanbit University Hospital, toured the ward.\n\n"
        '"We need more nurses," director Park said.'
    )
    q = only_quote(text)
    assert q.speaker == "Park Jin-ho"
    assert q.institution == "Hanbit University Hospital"


def test_honorifics_and_degrees_are_not_part_of_the_name():
    q = only_quote(
        '"We are proud of this," said Sir Alan Reeve, M.D., Ph.D., rector of Wessex Institute of Technology.'
    )
    assert (q.speaker, q.title, q.institution) == (
        "Alan Reeve",
        "rector",
        "Wessex Institute of Technology",
    )


def test_possessive_institution():
    q = only_quote(
        "Northgate Biologics’ chief executive officer, Dana Whitfield, said, “We are thrilled.”"
    )
    assert (q.speaker, q.title, q.institution) == (
        "Dana Whitfield",
        "chief executive officer",
        "Northgate Biologics",
    )
    q = only_quote('Riverbend\'s Vice President for Research Lena Moss said, "Grants are up."')
    assert (q.speaker, q.title, q.institution) == (
        "Lena Moss",
        "Vice President for Research",
        "Riverbend",
    )


def test_institution_first_appositive():
    q = only_quote(
        "“Engineers and doctors belong together,” said Professor Ivan Petrov, Eastlake President."
    )
    assert (q.speaker, q.title, q.institution) == ("Ivan Petrov", "President", "Eastlake")


def test_first_of_two_roles_is_kept():
    q = only_quote(
        '"We want a global school," said Ruth Adler, vice chancellor for health affairs at Lakeside '
        "University and chief executive of the Lakeside Health System."
    )
    assert (q.title, q.institution) == ("vice chancellor for health affairs", "Lakeside University")


def test_participle_attribution():
    text = 'Omar Haddad welcomed the decision, saying, "Students will finally get the clinic they need."'
    q = only_quote(text)
    assert q.speaker == "Omar Haddad"


def test_partial_quotation_inside_reported_speech():
    text = "Maria Lopez, provost of Riverbend University, spoke first.\n\nLopez called the pact a “historic step” for both schools."
    q = only_quote(text)
    assert q.text == "historic step"
    assert q.speaker == "Maria Lopez"
    q = only_quote('Haddad stressed that open data is "at the core" of the plan.')
    assert q.text == "at the core"
    assert q.speaker == "Haddad"


@pytest.mark.parametrize(
    "text",
    [
        'The school launched its "Smart Campus" strategy last year.',
        'Its graduates are "the best of the best" in the region.',
        "The hospital was named a ‘Top Employer of the Year’ by the ministry.",
        'The new facility (hereinafter "the Centre") opens in May.',
        "Riverbend University opened the “Future Health Pavilion” on its east campus.",
    ],
)
def test_names_designations_and_scare_quotes_are_not_quotations(text):
    assert analyse(text).quotes == []


def test_curly_straight_and_mismatched_marks():
    q = only_quote(
        "“We welcome the partnership,“ said Lee Soo-jin, dean of the Hanbit College of Nursing."
    )
    assert (q.text, q.speaker) == ("We welcome the partnership", "Lee Soo-jin")
    q = only_quote(
        '"We welcome the partnership,” said Lee Soo-jin, dean of the Hanbit College of Nursing.'
    )
    assert q.text == "We welcome the partnership"


def test_single_quotation_marks_with_attribution():
    q = only_quote(
        "'We are delighted,' said Professor Jane Harlow, vice-chancellor of Wessex University."
    )
    assert (q.text, q.speaker, q.title) == ("We are delighted", "Jane Harlow", "vice-chancellor")


def test_apostrophes_are_not_quotation_marks():
    assert (
        analyse("The university’s students' union and the dean’s office didn't comment.").quotes
        == []
    )


def test_quotation_with_no_speaker_is_kept_without_one():
    q = only_quote('"Science moves forward when people share their data openly."')
    assert q.speaker is None
    assert q.title is None


def test_told_reporters_and_trailing_adverbials():
    text = "Dana Whitfield leads Northgate Biologics.\n\n“It was a long road,” Whitfield told reporters on Monday."
    q = only_quote(text)
    assert q.speaker == "Dana Whitfield"


def test_quote_text_is_found_in_the_article():
    text = "“Two lines,” said Ana Ruiz, head of Coastline Clinic. “Second   line,” she added."
    result = analyse(text)
    for q in result.quotes:
        assert q.text.split("\n")[0].split()[0] in text
        assert text[q.start : q.end].startswith(q.text[:3])
