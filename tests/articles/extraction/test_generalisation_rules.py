"""Rules added while measuring the extractor on the own corpus (tests/data/extraction).

Each rule is checked here on sentences invented for this file, not taken from
the corpus, with a counter-example where the rule could misfire.
"""

from articles.extraction import analyse


def quotes_of(text, **kwargs):
    return [(q.text, q.speaker, q.title, q.institution) for q in analyse(text, **kwargs).quotes]


# --- speakers -----------------------------------------------------------------


def test_possessive_institution_before_a_title_and_a_name():
    text = (
        "Marlow Biotech's head of clinical operations, Ines Ferreira, welcomed the result. "
        '"We can now plan the second trial," she said.'
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == (
        "Ines Ferreira",
        "head of clinical operations",
        "Marlow Biotech",
    )


def test_a_generic_possessive_refers_to_the_institution_named_before():
    text = (
        "Ostrava Heart Hospital opened a new ward on Monday.\n\n"
        '"It doubles our capacity," said Tomas Dvorak, the hospital\'s medical director.'
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Tomas Dvorak", "medical director", "Ostrava Heart Hospital")


def test_a_title_phrase_set_off_before_the_name():
    text = (
        "The Linden Foundation gave the grant.\n\n"
        "The foundation's treasurer, Ruth Okoye, said the money would last four years. "
        '"We wanted to fund people, not buildings," Okoye said.'
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Ruth Okoye", "treasurer", "Linden Foundation")


def test_a_rank_before_professor_is_part_of_the_prefix():
    text = (
        "Assistant Professor Dana Whitcombe, director of the Kestrel Centre for Ocean Data, "
        'said: "The buoys report every hour."'
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Dana Whitcombe", "director", "Kestrel Centre for Ocean Data")


def test_a_surname_that_speaks_takes_over_from_the_last_speaker():
    text = (
        "Pia Lindqvist and Arjun Mehta lead the project at Fjordvik University.\n\n"
        '"The first samples arrive in May," Mehta said.\n\n'
        "Lindqvist said the team would publish everything.\n\n"
        '"Open data is the whole point of this work."'
    )
    quotes = quotes_of(text)
    assert [q[1] for q in quotes] == ["Arjun Mehta", "Pia Lindqvist"]


def test_a_surname_with_a_lowercase_particle():
    text = (
        "Professor Joost van Dijk, dean of the Harlingen School of Law, spoke first.\n\n"
        "Later, van Dijk said the school would grow.\n\n"
        '"We will add two chairs in the next year."'
    )
    [(_, speaker, _title, _inst)] = quotes_of(text)
    assert speaker == "Joost van Dijk"


def test_an_appointment_gives_the_title_and_institution():
    text = (
        "Dr. Naledi Khumalo has been appointed as the new president of Umhlanga University "
        "Hospital, effective March 1.\n\n"
        '"Patients come first in every decision we make," Khumalo said.'
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Naledi Khumalo", "president", "Umhlanga University Hospital")


def test_a_relative_clause_gives_the_workplace_but_not_a_former_one():
    works = (
        "Dr. Elif Aydin, who leads the sleep laboratory at Bosphorus Medical Center, "
        'said, "Teenagers need nine hours."'
    )
    [(_, _, title, inst)] = quotes_of(works)
    assert (title, inst) == (None, "Bosphorus Medical Center")
    joined = (
        "Dr. Elif Aydin, who joined from Bosphorus Medical Center, "
        'said, "Teenagers need nine hours."'
    )
    [(_, _, _, inst)] = quotes_of(joined)
    assert inst is None


def test_a_short_form_of_a_listed_name_ends_the_title():
    text = (
        "Marbury State University opened its quantum lab on Friday.\n\n"
        '"This is a long-term bet," said Alan Pruitt, vice provost for research at Marbury.'
    )
    [(_, _, title, inst)] = quotes_of(text)
    assert (title, inst) == ("vice provost for research", "Marbury")


def test_follow_up_quotes_keep_the_details_of_the_first_attribution():
    text = (
        "Calder's chief nursing officer, Gwen Tally, said the pilot worked.\n\n"
        '"Falls dropped by a third," Tally said.\n\n'
        "Gwen Tally, chief nursing officer at Calder Regional Hospital, joined in 2019."
    )
    [(_, _, title, inst)] = quotes_of(text)
    assert (title, inst) == ("chief nursing officer", "Calder")


# --- quotation styles ----------------------------------------------------------


def test_single_marks_are_the_quotation_marks_of_a_british_article():
    text = (
        "The trust’s chair, Helen Marsh, called the plan ‘a fair settlement’.\n\n"
        "‘Nobody wanted a strike,’ she said. ‘Both sides gave something up.’"
    )
    assert [q[0] for q in quotes_of(text)] == [
        "a fair settlement",
        "Nobody wanted a strike",
        "Both sides gave something up.",
    ]


def test_single_marks_beside_double_quotations_stay_names():
    text = (
        "The ‘Green Wards’ scheme starts in June.\n\n"
        '"It is overdue," said Helen Marsh, chair of the Ashby Trust.'
    )
    assert [q[0] for q in quotes_of(text)] == ["It is overdue"]


def test_a_clause_ending_in_a_colon_introduces_a_quotation():
    text = (
        "Professor Rui Tanaka, head of surgery at Kanto Bay Hospital, put it bluntly: "
        "“Waiting lists cost lives.”"
    )
    [(quote, speaker, title, _inst)] = quotes_of(text)
    assert (quote, speaker, title) == ("Waiting lists cost lives.", "Rui Tanaka", "head of surgery")
    not_a_speaker = "The agreement covers three areas: “research, teaching and patient care.”"
    assert all(q[1] is None for q in quotes_of(not_a_speaker))


def test_a_partial_quotation_goes_to_the_subject_of_the_first_reporting_verb():
    text = (
        "‘We open in September,’ said Maria Lopez, the head of estates.\n\n"
        "The Provost, Professor Daniel Ekwueme, said the building reflected the board's wish "
        "to ‘teach in the open’."
    )
    quotes = quotes_of(text)
    assert (quotes[-1][0], quotes[-1][1]) == ("teach in the open", "Daniel Ekwueme")


# --- institutions -------------------------------------------------------------


def institutions_of(text):
    return analyse(text).institutions


def test_a_dateline_of_several_words_is_not_an_institution():
    names = institutions_of(
        "NEW HAVEN, Conn. – Elmwood University and Harbor Point Hospital opened a clinic."
    )
    assert names == ["Elmwood University", "Harbor Point Hospital"]


def test_a_short_form_before_for_is_the_same_institution():
    names = institutions_of(
        "The Brandt Institute for Soil Research hired ten people. The Brandt Institute "
        "said more would follow."
    )
    assert names == ["Brandt Institute for Soil Research"]


def test_a_prize_for_something_is_not_an_institution():
    names = institutions_of(
        "Kenji Mori of Tosa University won the Hayashi Medal for Marine Biology, the Hayashi "
        "Foundation said."
    )
    assert names == ["Tosa University", "Hayashi Foundation"]


def test_generic_words_before_and_belong_to_the_name():
    names = institutions_of(
        "The trial was approved by the U.S. Food and Drug Administration and funded by the "
        "U.S. Department of Energy."
    )
    assert names == ["U.S. Food and Drug Administration", "U.S. Department of Energy"]
    # A proper name before "and" is not drawn into the name after it.
    assert institutions_of("Samsung and Seoul National University Hospital signed.") == [
        "Seoul National University Hospital"
    ]


def test_a_country_after_a_city_named_hospital_is_a_description():
    names = institutions_of(
        "Busan Haeundae Hospital of South Korea and the National University of Singapore met."
    )
    assert names == ["Busan Haeundae Hospital", "National University of Singapore"]


def test_a_hyphenated_consulate_keeps_its_city():
    names = institutions_of(
        "Officials from the Korean Consulate-General in Sydney attended the signing."
    )
    assert names == ["Korean Consulate-General in Sydney"]


def test_a_nationality_after_with_is_not_a_partner():
    assert institutions_of("Our students will work with Brazilian engineers.") == []


def test_a_name_after_a_comma_and_the_is_not_a_description():
    names = institutions_of(
        "She received the Lister Award, the Lister Trust announced, and Harwood College "
        "will host the lecture."
    )
    assert "Lister Award" not in names


# --- agreements ---------------------------------------------------------------


def agreement_of(text, **kwargs):
    return analyse(text, **kwargs).agreement


def test_signed_by_after_a_date_and_a_place():
    agreement = agreement_of(
        "Elmwood University and Harbor Point Hospital signed a memorandum of understanding.\n\n"
        "The agreement was signed in Boston on May 2 by Elmwood President Carla Nunes and "
        "Harbor Point Hospital CEO Dr. Victor Osei at a ceremony."
    )
    assert agreement.signatories == ["Carla Nunes", "Victor Osei"]
    assert agreement.date_phrase == "on May 2"


def test_signatories_listed_with_commas():
    agreement = agreement_of(
        "Elmwood University, Harbor Point Hospital and Quill Labs signed a three-way MOU.\n\n"
        "The MOU was signed by Elmwood President Carla Nunes, Harbor Point Hospital CEO "
        "Victor Osei and Quill Labs CEO Mina Park."
    )
    assert agreement.signatories == ["Carla Nunes", "Victor Osei", "Mina Park"]


def test_a_caption_of_people_posing_after_signing():
    agreement = agreement_of(
        "Elmwood University signed an MOU with Harbor Point Hospital on Monday.\n\n"
        "Elmwood President Carla Nunes (left) and Harbor Point Hospital CEO Victor Osei "
        "pose after signing the MOU.",
        published="2024-05-08",
    )
    assert agreement.signatories == ["Carla Nunes", "Victor Osei"]
    attended = agreement_of(
        "Elmwood University signed an MOU with Harbor Point Hospital on Monday.\n\n"
        "Mayor Jan Brook attended the signing of the MOU."
    )
    assert attended.signatories == []


def test_a_deal_with_a_company_is_an_agreement_but_dealing_with_is_not():
    agreement = agreement_of("Harbor Point Hospital has signed a five-year deal with Quill Labs.")
    assert agreement.parties == ["Harbor Point Hospital", "Quill Labs"]
    assert agreement_of("Harbor Point Hospital will deal with the backlog first.") is None


def test_an_acronym_in_brackets_is_not_a_second_party():
    agreement = agreement_of(
        "The School of Design (SOD) at the Elmwood Institute of Technology (EIT) signed an MOU "
        "with Quill Labs on May 2."
    )
    assert agreement.parties == ["School of Design", "Quill Labs"]


def test_a_possessive_short_form_and_a_hospital_unit_acronym():
    text = (
        "Riverton Children's Hospital opened a genome service.\n\n"
        '"Every hour matters in the NICU," said Sarah Chen, MD, chief medical officer at '
        "Riverton Children's."
    )
    result = analyse(text)
    assert [(q.title, q.institution) for q in result.quotes] == [
        ("chief medical officer", "Riverton Children's")
    ]
    assert result.institutions == ["Riverton Children's Hospital"]


def test_the_government_of_a_place_is_not_an_institution():
    names = institutions_of(
        "Kyungpook Valley University Hospital signed an agreement with Daegu City and the "
        "Korea Health Industry Development Institute."
    )
    assert names == [
        "Kyungpook Valley University Hospital",
        "Korea Health Industry Development Institute",
    ]


def test_a_possessive_full_name_is_a_mention_for_later_surnames():
    text = (
        "Professor Lee Hyun-jung's team developed the catalyst.\n\n"
        '"It lasts for 1,000 hours," Lee said.'
    )
    [(_, speaker, _, _)] = quotes_of(text)
    assert speaker == "Lee Hyun-jung"
