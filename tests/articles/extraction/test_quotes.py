"""Quote spans and attribution, one test per pattern of English news writing.

All sentences are invented for these tests.
"""

import pytest

from articles.extraction import analyse


def only_quote(text, **kwargs):
    quotes = analyse(text, **kwargs).quotes
    assert len(quotes) == 1, [q.text for q in quotes]
    return quotes[0]


def case(name, text, /, **expected):
    """A pattern of news writing: its text, and what the text's one quotation must be."""
    return pytest.param(text, expected, id=name)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        case(
            "attribution_after_quote_verb_first_with_appositive",
            "“Our students will gain a lot from this,” said Maria Lopez, provost of Riverbend University.",
            text="Our students will gain a lot from this",  # the comma before the mark is dropped
            speaker="Maria Lopez",
            title="provost",
            institution="Riverbend University",
        ),
        case(
            "attribution_after_quote_name_first",
            "Maria Lopez, provost of Riverbend University, opened the meeting.\n\n"
            '"We are ready for the next step," Lopez said.',
            speaker="Maria Lopez",
            title="provost",
        ),
        case(
            "attribution_before_quote_with_comma",
            'Hyun Ji-won, director of the Hanbit Cancer Institute, said, "Early screening saves lives."',
            text="Early screening saves lives.",
            speaker="Hyun Ji-won",
            title="director",
            institution="Hanbit Cancer Institute",
        ),
        case(
            "colon_style",
            'Riverbend provost Maria Lopez said: "The timing could not be better."',
            speaker="Maria Lopez",
        ),
        case(
            "colon_style_after_a_title_and_name",
            'Dean Omar Haddad: "We start in the autumn."',
            speaker="Omar Haddad",
            title="Dean",
        ),
        case(
            "according_to",
            'According to Hyun Ji-won, director of the Hanbit Cancer Institute, "Screening works."',
            speaker="Hyun Ji-won",
            institution="Hanbit Cancer Institute",
        ),
        case(
            "quotation_over_several_paragraphs",
            'Kim Min-seo, president of Hanbit University, said, "The first part of the plan is money.\n\n'
            '"The second part is people."',
            text="The first part of the plan is money.\nThe second part is people.",
            speaker="Kim Min-seo",
        ),
        case(
            "pronoun_resolves_to_last_named_person",
            "Provost Maria Lopez of Riverbend University opened the session. "
            "Omar Haddad then spoke about funding.\n\n"
            '"This is a good day for the law school," he said.',
            speaker="Omar Haddad",
        ),
        case(
            "pronoun_carries_title_and_institution",
            "Provost Maria Lopez of Riverbend University opened the session.\n\n“This is a good day,” she said.",
            speaker="Maria Lopez",
            title="Provost",
            institution="Riverbend University",
        ),
        case(
            "surname_and_prefix_resolve_to_full_name",
            "Aaron Feld, chief scientist at Northgate Biologics, joined the call.\n\n"
            '"We will publish everything," Dr. Feld said.',
            speaker="Aaron Feld",
            title="chief scientist",
            institution="Northgate Biologics",
        ),
        case(
            "title_before_name_and_korean_name_order",
            'Hanbit University Hospital Director Park Jin-ho said, "Patients come first."',
            speaker="Park Jin-ho",
            title="Director",
            institution="Hanbit University Hospital",
        ),
        case(
            "title_only_follow_up_uses_surname_with_title",
            "Park Jin-ho, director of Hanbit University Hospital, toured the ward.\n\n"
            '"We need more nurses," director Park said.',
            speaker="Park Jin-ho",
            institution="Hanbit University Hospital",
        ),
        case(
            "honorifics_and_degrees_are_not_part_of_the_name",
            '"We are proud of this," said Sir Alan Reeve, M.D., Ph.D., rector of Wessex Institute of Technology.',
            speaker="Alan Reeve",
            title="rector",
            institution="Wessex Institute of Technology",
        ),
        case(
            "possessive_institution",
            "Northgate Biologics’ chief executive officer, Dana Whitfield, said, “We are thrilled.”",
            speaker="Dana Whitfield",
            title="chief executive officer",
            institution="Northgate Biologics",
        ),
        case(
            "possessive_institution_before_a_capitalised_title",
            'Riverbend\'s Vice President for Research Lena Moss said, "Grants are up."',
            speaker="Lena Moss",
            title="Vice President for Research",
            institution="Riverbend",
        ),
        case(
            "institution_first_appositive",
            "“Engineers and doctors belong together,” said Professor Ivan Petrov, Eastlake President.",
            speaker="Ivan Petrov",
            title="President",
            institution="Eastlake",
        ),
        case(
            "first_of_two_roles_is_kept",
            '"We want a global school," said Ruth Adler, vice chancellor for health affairs at Lakeside '
            "University and chief executive of the Lakeside Health System.",
            title="vice chancellor for health affairs",
            institution="Lakeside University",
        ),
        case(
            "participle_attribution",
            'Omar Haddad welcomed the decision, saying, "Students will finally get the clinic they need."',
            speaker="Omar Haddad",
        ),
        case(
            "partial_quotation_inside_reported_speech",
            "Maria Lopez, provost of Riverbend University, spoke first.\n\nLopez called the pact a “historic step” for both schools.",
            text="historic step",
            speaker="Maria Lopez",
        ),
        case(
            "partial_quotation_after_that",
            'Haddad stressed that open data is "at the core" of the plan.',
            text="at the core",
            speaker="Haddad",
        ),
        case(
            "mismatched_curly_marks",
            "“We welcome the partnership,“ said Lee Soo-jin, dean of the Hanbit College of Nursing.",
            text="We welcome the partnership",
            speaker="Lee Soo-jin",
        ),
        case(
            "straight_then_curly_marks",
            '"We welcome the partnership,” said Lee Soo-jin, dean of the Hanbit College of Nursing.',
            text="We welcome the partnership",
        ),
        case(
            "single_quotation_marks_with_attribution",
            "'We are delighted,' said Professor Jane Harlow, vice-chancellor of Wessex University.",
            text="We are delighted",
            speaker="Jane Harlow",
            title="vice-chancellor",
        ),
        case(
            "quotation_with_no_speaker_is_kept_without_one",
            '"Science moves forward when people share their data openly."',
            speaker=None,
            title=None,
        ),
        case(
            "told_reporters_and_trailing_adverbials",
            "Dana Whitfield leads Northgate Biologics.\n\n“It was a long road,” Whitfield told reporters on Monday.",
            speaker="Dana Whitfield",
        ),
    ],
)
def test_the_one_quotation_and_its_attribution(text, expected):
    q = only_quote(text)
    assert {name: getattr(q, name) for name in expected} == expected


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


def test_apostrophes_are_not_quotation_marks():
    assert (
        analyse("The university’s students' union and the dean’s office didn't comment.").quotes
        == []
    )


def test_quote_text_is_found_in_the_article():
    text = "“Two lines,” said Ana Ruiz, head of Coastline Clinic. “Second   line,” she added."
    result = analyse(text)
    for q in result.quotes:
        assert q.text.split("\n")[0].split()[0] in text
        assert text[q.start : q.end].startswith(q.text[:3])
