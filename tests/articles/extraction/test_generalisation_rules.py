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


# --- rules added for own-21 to own-34 (second round) ------------------------------
# Written after the rules, on sentences invented here; see docs/extraction.md for how
# many of them failed on first run.


def test_a_prefix_with_a_full_stop_in_an_attribution_after_the_quote():
    text = (
        "Prof. Oh Min-kyu of Daejin University led the survey.\n\n"
        "“Night shifts were the strongest factor,” Prof. Oh said. “Age came second.”"
    )
    quotes = quotes_of(text)
    assert [q[1] for q in quotes] == ["Oh Min-kyu", "Oh Min-kyu"]
    assert quotes[0][3] == "Daejin University"


def test_a_degree_before_a_new_quotation_ends_the_attribution():
    text = (
        '"The rule is simple," said Harwick College Dean Ruth Abara, Ph.D. '
        '"Students first, buildings second."'
    )
    quotes = quotes_of(text)
    assert [(q[1], q[2]) for q in quotes] == [("Ruth Abara", "Dean"), ("Ruth Abara", "Dean")]


def test_a_department_at_an_institution_gives_the_institution():
    text = (
        "The study was led by Prof. Yoon Se-ra of the Department of Nephrology at Gaon "
        "University Hospital.\n\n"
        "“Salt intake fell by a quarter,” Yoon said."
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Yoon Se-ra", None, "Gaon University Hospital")
    # A department alone is not the institution the person represents.
    alone = "“Salt intake fell,” said Prof. Yoon Se-ra of the Division of Nephrology."
    assert quotes_of(alone)[0][3] is None


def test_names_with_accented_letters_are_names():
    text = (
        "Lumen Bio's head of research, Søren Østergaard, presented the data. "
        '"The signal held in every cohort," Østergaard said.'
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Søren Østergaard", "head of research", "Lumen Bio")


def test_a_short_form_keeps_or_drops_a_word_like_state():
    text = (
        "Fennimore State University opened a vaccine lab.\n\n"
        '"We start with flu," said Omar Reyes, Ph.D., professor of biology at Fennimore State.'
    )
    [(_, _, title, inst)] = quotes_of(text)
    assert (title, inst) == ("professor of biology", "Fennimore State")


def test_a_person_described_with_a_preposition_is_not_an_organisation():
    text = (
        "Lead author Priya Nair, a research fellow at the institute, said the cohort was "
        "unusual. The Lakemont Institute of Ageing ran the study."
    )
    assert institutions_of(text) == ["Lakemont Institute of Ageing"]
    company = "The deal went to Vireo, a diagnostics company based in Lyon."
    assert institutions_of(company) == ["Vireo"]


def test_a_title_at_the_generic_institution_named_before():
    text = (
        "Researchers at the Tamsin Institute for Marine Science tagged 40 sharks.\n\n"
        '"They travel further than we thought," said Leo Brandt, a data scientist at the '
        "institute."
    )
    [(_, _, title, inst)] = quotes_of(text)
    assert (title, inst) == ("data scientist", "Tamsin Institute for Marine Science")


def test_a_dateline_with_a_date_is_not_an_institution():
    names = institutions_of(
        "LYON, 3 March 2025 – Vireo Diagnostics and Rhone Valley University Hospital "
        "announced a study."
    )
    assert names == ["Vireo Diagnostics", "Rhone Valley University Hospital"]
    us_style = institutions_of("BOSTON, March 3, 2025 – Quill Labs Inc. raised $20 million.")
    assert us_style == ["Quill Labs Inc."]


def test_a_centre_or_group_at_a_parent_is_an_internal_unit():
    text = (
        "Dr. Ana Ruiz, head of the Sleep Disorders Centre at Valdora General Hospital, and "
        "Dr. Tim Cole, who runs the Imaging Group at Valdora University, met on Monday."
    )
    assert institutions_of(text) == ["Valdora General Hospital", "Valdora University"]
    # A research centre keeps its listing.
    research = institutions_of("She leads the Coastal Research Center at Valdora University.")
    assert research == ["Coastal Research Center", "Valdora University"]


def test_a_company_form_after_a_comma_belongs_to_the_name():
    assert institutions_of("The patch is made by Hoshino Devices Co., Ltd. in Nagoya.") == [
        "Hoshino Devices Co., Ltd."
    ]
    text = "Tama Sensors Co., Ltd. supplied the chips. Tama Sensors said deliveries start in May."
    assert institutions_of(text) == ["Tama Sensors Co., Ltd."]


def test_an_age_after_a_name_marks_a_person():
    text = (
        "Dr. Elena Voss treated the first patients.\n\n"
        "Martin Keller, 64, who had the operation in May, said he was walking again. "
        "“I can climb stairs,” he said."
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Martin Keller", None, None)


def test_a_titled_name_before_and_ends_an_organisation_run():
    text = (
        "The deal was signed by Quill Labs CEO Mina Park and Jeju Governor Ko Seung-hwan.\n\n"
        "Earlier, hospital Director Han Yu-ri and Busan Mayor Choi Ji-won met."
    )
    names = institutions_of(text)
    assert names == ["Quill Labs"]


def test_a_lowercase_generic_noun_before_a_title_is_the_institution_named_before():
    text = (
        "Songdo Arts Foundation will fund ten residencies.\n\n"
        "The plan was announced by foundation President Yang Hee-jin on Monday. "
        "“Artists need time,” Yang said."
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Yang Hee-jin", "President", "Songdo Arts Foundation")


def test_specialists_are_titles_by_the_shape_of_the_word():
    text = (
        '"Most rashes are harmless," said Dr. Irene Lo, a rheumatologist at Kestrel Bay Hospital.'
    )
    [(_, _, title, inst)] = quotes_of(text)
    assert (title, inst) == ("rheumatologist", "Kestrel Bay Hospital")
    nurse = '"We sleep in shifts," said Ada Kim, an obstetrician at Harlow Clinic.'
    assert quotes_of(nurse)[0][2] == "obstetrician"


def test_time_and_team_words_after_a_title_are_dropped():
    text = (
        "The Dunmore Society met in Leeds.\n\n"
        "Raj Patel, the society’s treasurer until March, said the accounts were “in good order.”"
    )
    [(_, _, title, inst)] = quotes_of(text)
    assert (title, inst) == ("treasurer", "Dunmore Society")
    team = '"The mice were fine," said Lea Hart, a graduate student in the Moss lab.'
    assert quotes_of(team)[0][2] == "graduate student"


def test_financial_firms_are_companies():
    text = '"Valuations are back," said Kim Do-yun, an analyst at Mirae Bridge Securities.'
    [(_, _, title, inst)] = quotes_of(text)
    assert (title, inst) == ("analyst", "Mirae Bridge Securities")
    assert institutions_of("Harbor Rock Capital led the round.") == ["Harbor Rock Capital"]


def test_an_institution_as_its_own_piece_after_the_title():
    text = (
        "“Data must follow the patient,” said Associate Professor Tan Hui Min, Chief Medical "
        "Informatics Officer, Serangoon General Hospital."
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == (
        "Tan Hui Min",
        "Chief Medical Informatics Officer",
        "Serangoon General Hospital",
    )
    assert institutions_of(text) == ["Serangoon General Hospital"]


def test_agreement_kinds_keep_two_kind_words_and_capitals():
    agreement = agreement_of(
        "Quill Labs and Elmwood University signed a clinical research agreement on Monday."
    )
    assert agreement.kind == "clinical research agreement"
    capital = agreement_of(
        "Quill Labs and Elmwood University signed a Memorandum of Understanding on Monday."
    )
    assert capital.kind == "Memorandum of Understanding"
    memo = agreement_of("Quill Labs sent a memorandum to Elmwood University staff.")
    assert memo is None


def test_a_separate_agreement_with_the_same_parties_is_another_agreement():
    result = analyse(
        "Elmwood University and Quill Labs signed a research agreement on May 2.\n\n"
        "Quill Labs also signed a separate supply agreement with Elmwood University."
    )
    assert [a.kind for a in [result.agreement, *result.other_agreements]] == [
        "research agreement",
        "supply agreement",
    ]
    repeated = analyse(
        "Elmwood University and Quill Labs signed a research agreement on May 2.\n\n"
        "The agreement between Elmwood University and Quill Labs runs for five years."
    )
    assert repeated.other_agreements == []


def test_two_agreements_concluded_in_one_sentence():
    result = analyse(
        "On 4 June 2025, Kita Medical University concluded a faculty exchange agreement and "
        "a research cooperation memorandum with Danube Medical University.\n\n"
        "Kita President Aya Ueno and Danube Rector Lukas Berger signed both documents."
    )
    agreements = [result.agreement, *result.other_agreements]
    assert [a.kind for a in agreements] == [
        "faculty exchange agreement",
        "research cooperation memorandum",
    ]
    assert all(a.date_phrase == "On 4 June 2025" for a in agreements)
    assert all(a.signatories == ["Aya Ueno", "Lukas Berger"] for a in agreements)


def test_people_before_signing_the_agreement_signed_it():
    caption = agreement_of(
        "Harbor Point Hospital signed an MOU with Quill Labs on Monday.\n\n"
        "(From left) Dr Victor Osei, CEO, Harbor Point Hospital; and Ms Mina Park, CEO, Quill "
        "Labs, signing the MOU."
    )
    assert caption.signatories == ["Victor Osei", "Mina Park"]
    absolute = agreement_of(
        "Harbor Point Hospital signed an MOU with Quill Labs, with CEO Victor Osei and Quill "
        "Labs founder Mina Park signing the documents by video."
    )
    assert absolute.signatories == ["Victor Osei", "Mina Park"]
    ceremony = agreement_of(
        "Harbor Point Hospital signed an MOU with Quill Labs.\n\n"
        "Mayor Jan Brook spoke at the signing of the MOU."
    )
    assert ceremony.signatories == []


def test_signed_with_a_bare_weekday_then_by():
    agreement = agreement_of(
        "Harbor Point Hospital and Quill Labs agreed to share data.\n\n"
        "The agreement was signed Friday in Seoul by hospital CEO Victor Osei and Quill Labs "
        "CEO Mina Park.",
        published="2024-05-08",
    )
    assert agreement.signatories == ["Victor Osei", "Mina Park"]
    assert agreement.date_phrase == "Friday"


def test_a_tally_of_agreements_signed_by_others_gives_no_date():
    agreement = agreement_of(
        "Quill Labs has signed a licensing deal with Harbor Point Hospital, it said Monday.\n\n"
        "It is the fifth such agreement signed by a Korean hospital this year.",
        published="2024-05-08",
    )
    assert agreement.date_phrase is None


def test_the_generic_institution_as_a_party():
    result = analyse(
        "Elmwood University opened a biobank.\n\n"
        "Quill Labs signed a data-sharing agreement with the university on Tuesday."
    )
    assert result.agreement.parties == ["Quill Labs", "Elmwood University"]


# Rules added after probing further invented sentences (third round).


def test_abbreviated_professor_ranks_are_prefixes():
    text = "“Recovery took half as long,” said Assoc. Prof. Chua Mei Lin of Bukit Timah Hospital."
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Chua Mei Lin", None, "Bukit Timah Hospital")
    assert institutions_of(text) == ["Bukit Timah Hospital"]


def test_an_affiliation_after_degrees_starting_with_of():
    text = (
        '"Three doses were enough," said Noor Hadid, M.D., Ph.D., of the Division of '
        "Infectious Diseases at Carver Medical Center."
    )
    [(_, speaker, _title, inst)] = quotes_of(text)
    assert (speaker, inst) == ("Noor Hadid", "Carver Medical Center")


def test_company_names_ending_in_bio_or_sciences():
    names = institutions_of(
        "Seoul Ilsan Hospital signed a supply agreement with Hanra Bio, and Corvex Sciences "
        "will ship the kits."
    )
    assert names == ["Seoul Ilsan Hospital", "Hanra Bio", "Corvex Sciences"]


def test_two_professors_share_the_affiliation_written_after_the_second():
    text = (
        "A team led by Professors Han Seo-yeon and Jo Min-jae of the Department of Urology at "
        "Daegu Hwarang Hospital tracked 900 patients.\n\n"
        "“Most needed no surgery,” Han said."
    )
    [(_, speaker, _title, inst)] = quotes_of(text)
    assert (speaker, inst) == ("Han Seo-yeon", "Daegu Hwarang Hospital")


def test_a_generic_reference_to_an_institution_named_just_after():
    text = (
        "“Budgets are tight,” the agency’s deputy director, Ruth Ames, told reporters.\n\n"
        "The Coastal Water Agency will publish its plan in May."
    )
    [(_, _, title, inst)] = quotes_of(text)
    assert (title, inst) == ("deputy director", "Coastal Water Agency")


def test_an_age_between_the_name_and_the_title():
    text = (
        "Tomas Berg, 52, a paramedic at Fjell County Hospital, said calls doubled. "
        "“We run all night,” he said."
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Tomas Berg", "paramedic", "Fjell County Hospital")


def test_a_formalized_partnership_is_dated():
    agreement = agreement_of(
        "The partnership between Ashgrove University and Tidewell Health was formalized on Feb. 3.",
        published="2025-03-01",
    )
    assert (agreement.date_phrase, agreement.date) == ("on Feb. 3", "2025-02-03")


def test_a_university_only_office_without_an_institution():
    text = (
        "Brackley University opened a law clinic with Norton College.\n\n"
        "Brackley University students will staff it.\n\n"
        "“Justice should not depend on money,” said the Provost, Professor Ann Hale."
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Ann Hale", "Provost", "Brackley University")


def test_a_mission_written_with_and_without_general_is_one_institution():
    names = institutions_of(
        "The Embassy of Chile in Seoul hosted the event. The Embassy-General of Chile in Seoul "
        "said more would follow. The Consulate General of Peru in Busan also attended."
    )
    assert names == ["Embassy of Chile in Seoul", "Consulate General of Peru in Busan"]


# Rules added after measuring own-35 to own-46 (the third corpus round), each checked on
# other invented sentences.


def test_a_consensus_is_not_an_agreement():
    assert (
        agreement_of(
            "There is broad agreement among nephrologists at Pinecrest Hospital that salt "
            "matters more than once thought."
        )
        is None
    )
    # A real agreement among several institutions still counts.
    agreement = agreement_of(
        "Pinecrest Hospital and Orchard University signed an agreement on Monday to share beds."
    )
    assert agreement.parties == ["Pinecrest Hospital", "Orchard University"]


def test_an_earlier_agreement_in_a_relative_clause_is_another_agreement():
    result = analyse(
        "Orchard University and Pinecrest Hospital signed a clinical training agreement on "
        "Monday.\n\n"
        "It extends an MOU that the two institutions signed in March 2021.",
        published="2025-06-04",
    )
    assert result.agreement.kind == "clinical training agreement"
    assert result.agreement.date_phrase == "on Monday"
    [earlier] = result.other_agreements
    assert (earlier.kind, earlier.date_phrase) == ("MOU", "in March 2021")
    # "the MOU" is the same agreement, not another one.
    same = analyse(
        "Orchard University and Pinecrest Hospital signed an MOU on Monday.\n\n"
        "The MOU runs for three years."
    )
    assert same.other_agreements == []


def test_institutions_that_have_agreed_to_do_something_concluded_an_agreement():
    agreement = agreement_of(
        "Lindenfield Hospital and the Marsh Institute for Lung Health have agreed to open a joint "
        "asthma service, the two said Tuesday.\n\n"
        "Under the collaboration, nurses from both will staff a weekend clinic."
    )
    assert agreement.kind == "collaboration"
    assert agreement.parties == ["Lindenfield Hospital", "Marsh Institute for Lung Health"]
    assert agreement.date_phrase is None
    # Agreeing only to talk concludes nothing.
    assert (
        agreement_of(
            "Lindenfield Hospital and the Marsh Institute for Lung Health have agreed to discuss a "
            "joint service.\n\nThe collaboration could start next year."
        )
        is None
    )


def test_a_dateline_date_is_not_the_signing_date():
    agreement = agreement_of(
        "HELSINKI, 2 June 2025 – Aalto Heart Clinic and Veikko Devices Oy have signed a supply "
        "contract.\n\nThe contract was signed on Friday in Espoo.",
        published="2025-06-02",
    )
    assert agreement.date_phrase == "on Friday"


def test_a_person_after_signed_the_agreement_with_also_signed():
    agreement = agreement_of(
        "Orchard University and Pinecrest Hospital signed an MOU on Monday.\n\n"
        "Orchard University Provost Dana Reyes signed the MOU with Pinecrest CEO Dr. Omar "
        "Haddad at the hospital."
    )
    assert agreement.signatories == ["Dana Reyes", "Omar Haddad"]
    # An institution after "with" is a party, never a signatory.
    company = agreement_of(
        "Provost Dana Reyes signed the agreement with Pinecrest Hospital on Monday for "
        "Orchard University."
    )
    assert company.signatories == ["Dana Reyes"]


def test_each_person_before_a_bare_signing_signed():
    agreement = agreement_of(
        "Orchard University and Pinecrest Hospital renewed their MOU.\n\n"
        "The ceremony was held by video, with Orchard President Kenji Mori signing from Osaka "
        "and Pinecrest CEO Omar Haddad signing from Leeds."
    )
    assert agreement.signatories == ["Kenji Mori", "Omar Haddad"]


def test_every_member_of_a_partner_list_is_an_institution():
    text = (
        "Hallasan Hospital signed an MOU with the Jeju Cancer Society, Orum Bio and Tamna "
        "Robotics on Friday."
    )
    assert "Tamna Robotics" in institutions_of(text)
    plain = (
        "Hallasan Hospital signed an MOU with the Jeju Cancer Society, Orum Bio and Noa Cloud "
        "on Friday."
    )
    assert institutions_of(plain)[-1] == "Noa Cloud"
    assert len(agreement_of(plain).parties) == 4
    # A government of a place in the list is not an institution.
    government = (
        "Hallasan Hospital signed an MOU with the Jeju Cancer Society and Seogwipo City on Friday."
    )
    assert "Seogwipo City" not in institutions_of(government)


def test_it_after_said_marks_the_subject_as_an_organisation():
    text = "Dana Labs said Thursday that it had signed an MOU with Pinecrest Hospital."
    assert institutions_of(text) == ["Dana Labs", "Pinecrest Hospital"]
    assert agreement_of(text).parties == ["Dana Labs", "Pinecrest Hospital"]
    # A person who said something is still a person.
    person = "Dana Reyes said Thursday that she signed the MOU with Pinecrest Hospital."
    assert "Dana Reyes" not in institutions_of(person)


def test_nordic_company_forms_and_pharm_or_medtech_heads():
    assert institutions_of("Veikko Devices Oy will supply the pumps.") == ["Veikko Devices Oy"]
    assert institutions_of("Fjell Diagnostics AB makes the kits.") == ["Fjell Diagnostics AB"]
    assert institutions_of("The trial is funded by Sunwoo Pharm.") == ["Sunwoo Pharm"]
    assert institutions_of("Brenna Medtech designed the valve.") == ["Brenna Medtech"]


def test_a_capitalised_generic_noun_before_a_title_is_the_institution_named_before():
    text = (
        "Pinecrest University Hospital opened a stroke unit.\n\n"
        'Hospital Director Omar Haddad said: "It will save lives."'
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Omar Haddad", "Director", "Pinecrest University Hospital")


def test_a_second_titled_person_after_and_keeps_the_possessive_institution():
    text = (
        "The deal was signed by the clinic’s medical director, Ana Ruiz, and Orum Bio’s chief "
        "executive, Lee Jin-ho, on Monday.\n\n"
        "“We are ready to scale,” Lee said."
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Lee Jin-ho", "chief executive", "Orum Bio")


def test_a_nationality_and_a_ministers_domain_around_a_title():
    text = (
        "Pinecrest Hospital signed an MOU with the Ministry of Education of Mongolia.\n\n"
        "Mongolian Vice Minister of Education Bold Tsetseg attended.\n\n"
        "Tsetseg said the ministry would send 30 nurses. “We need them home in five years,” "
        "she said."
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == (
        "Bold Tsetseg",
        "Vice Minister of Education",
        "Ministry of Education of Mongolia",
    )


def test_a_caption_position_marker_between_a_name_and_its_title():
    text = (
        "Orchard University and Pinecrest Hospital signed an MOU.\n\n"
        "“This is overdue,” said Omar Haddad.\n\n"
        "Omar Haddad (right), chief executive of Pinecrest Hospital, and Dana Reyes (second "
        "from left), provost of Orchard University, pose after signing the MOU."
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Omar Haddad", "chief executive", "Pinecrest Hospital")
    assert agreement_of(text).signatories == ["Omar Haddad", "Dana Reyes"]


def test_a_pronoun_takes_the_institution_written_at_the_surname_it_follows():
    text = (
        "Attending were Orum Biologics CEO Lee Jin-ho and Pinecrest Hospital CEO Omar Haddad.\n\n"
        "Orum CEO Lee said the company would hire 40 people. “We start in May,” he said."
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Lee Jin-ho", "CEO", "Orum")


# Probe paragraphs written after the third corpus round's rules, in the held-out styles
# (wire MOUs, captions, ministries, attendees, renewals, letters of intent). Two
# of the ten failed on first run (a one-word-shaped partner after "signed a
# business agreement with", an earlier MOU in a relative clause without "that");
# the rules that fixed them are the partner slot and the relative clause above.
PROBES = [
    (
        "Mirae Bio said Wednesday that it signed an MOU with Busan Sinseon Hospital on Tuesday to develop a blood test for sepsis.",
        {"parties": ["Mirae Bio", "Busan Sinseon Hospital"], "date": "on Tuesday", "sig": []},
    ),
    (
        "Gangneung Asan Hospital and Kovia Therapeutics signed a memorandum of understanding on March 3.\n\nThe MOU was signed by Gangneung Asan Hospital Director Ryu Jae-won and Clara Weiss, chief executive of Kovia Therapeutics, at the hospital.",
        {
            "parties": ["Gangneung Asan Hospital", "Kovia Therapeutics"],
            "date": "on March 3",
            "sig": ["Ryu Jae-won", "Clara Weiss"],
        },
    ),
    (
        "Daejeon Eulji Medical Center signed an MOU with the Ministry of Health of Kyrgyzstan on Monday to train emergency doctors.\n\nEulji Director Han Seung-woo (left) and Kyrgyz Health Minister Aibek Dzhumabaev pose after signing the MOU in Bishkek.",
        {
            "parties": ["Daejeon Eulji Medical Center", "Ministry of Health of Kyrgyzstan"],
            "date": "on Monday",
            "sig": ["Han Seung-woo", "Aibek Dzhumabaev"],
        },
    ),
    (
        "Hanil University signed a business agreement with Saebom Foods on the 9th.\n\nAttending the ceremony were Hanil University President Cho Yun-seo and Saebom Foods CEO Bae Ji-ho.",
        {"parties": ["Hanil University", "Saebom Foods"], "date": "on the 9th", "sig": []},
    ),
    (
        "Kyushu Coastal University and Busan Haeyang University have exchanged students since 2019.\n\nThe two universities signed a student exchange agreement on Thursday to expand the program to graduate students.",
        {
            "parties": ["Kyushu Coastal University", "Busan Haeyang University"],
            "date": "on Thursday",
            "sig": [],
        },
    ),
    (
        "Taebaek Medical Center, Korea Mining Safety Institute and Sungwon Robotics signed a letter of intent on Friday to build rescue robots.",
        {
            "parties": [
                "Taebaek Medical Center",
                "Korea Mining Safety Institute",
                "Sungwon Robotics",
            ],
            "date": "on Friday",
            "sig": [],
        },
    ),
    (
        "Nagoya Lakeside University renewed its academic exchange agreement with Chonnam Riverside University on 3 April.\n\nThe renewal was signed online, with Nagoya Lakeside President Ito Haruka signing from Nagoya and Chonnam Riverside President Yang Dong-hyun signing from Gwangju.",
        {
            "parties": ["Nagoya Lakeside University", "Chonnam Riverside University"],
            "date": "on 3 April",
            "sig": ["Ito Haruka", "Yang Dong-hyun"],
        },
    ),
    (
        "Seoul Hanbit Hospital and Lumora Health signed a supply contract on Monday for 200 infusion pumps.\n\nThe contract follows an MOU the two companies signed in 2023.",
        {
            "parties": ["Seoul Hanbit Hospital", "Lumora Health"],
            "date": "on Monday",
            "sig": [],
            "other": 1,
        },
    ),
    (
        "Ridgeway Children's Hospital and the Calloway Institute for Genetic Medicine have agreed to sequence the genomes of 5,000 newborns.\n\nUnder the agreement, the institute will pay for the sequencing.",
        {
            "parties": ["Ridgeway Children's Hospital", "Calloway Institute for Genetic Medicine"],
            "date": None,
            "sig": [],
        },
    ),
    (
        "Ulsan Taehwa University Hospital (UTUH) has signed an MOU with Hyundai-Taehwa Heavy Industries (HTHI) to care for shipyard workers.\n\nUTUH President Noh Eun-ji signed the MOU with HTHI Vice Chairman Kwak Sung-min on Wednesday.",
        {
            "parties": ["Ulsan Taehwa University Hospital", "Hyundai-Taehwa Heavy Industries"],
            "date": "on Wednesday",
            "sig": ["Noh Eun-ji", "Kwak Sung-min"],
        },
    ),
]


def test_probe_paragraphs_in_the_held_out_styles():
    for text, want in PROBES:
        result = analyse(text, published="2025-06-13")
        agreement = result.agreement
        got = {
            "parties": agreement.parties,
            "date": agreement.date_phrase,
            "sig": agreement.signatories,
        }
        expected = {k: want[k] for k in ("parties", "date", "sig")}
        assert got == expected, text
        if "other" in want:
            assert len(result.other_agreements) == want["other"], text


def test_the_partner_an_agreement_is_signed_with_is_an_organisation():
    text = "Orchard University signed a research agreement with Noa Cloud on Monday."
    assert institutions_of(text) == ["Orchard University", "Noa Cloud"]
    assert agreement_of(text).signatories == []


# Rules added after measuring own-47 to own-58 (the fourth corpus round), each checked on
# other invented sentences.


def test_a_clinic_named_without_the_is_an_institution_of_its_own():
    text = (
        "Doctors at Pemberton Clinic, a nonprofit medical group in Oregon, will train "
        "nurses from Gwanak Hospital. Patients are seen at the Pemberton Clinic's "
        "satellite sites."
    )
    assert institutions_of(text) == ["Pemberton Clinic", "Gwanak Hospital"]


def test_a_clinic_with_the_or_a_parent_stays_an_internal_unit():
    text = (
        "She heads the Sleep Clinic at Harrowgate General Hospital. The hospital's "
        "Asthma Clinic opened in 2020, and its doctors also staff Lung Clinic at "
        "Harrowgate General."
    )
    assert institutions_of(text) == ["Harrowgate General Hospital"]


def test_a_centre_named_at_its_parent_is_a_unit_in_a_caption_too():
    text = (
        "Stroke Care Center director Dr. Amani Osei (second from left) and nurses "
        "cut a cake.\n\n"
        "The team is led by Dr. Amani Osei, director of the Stroke Care Center at "
        "Westfold Regional Hospital.\n\n"
        '"Every minute counts," Osei said.'
    )
    assert institutions_of(text) == ["Westfold Regional Hospital"]
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == (
        "Amani Osei",
        "director of the Stroke Care Center",
        "Westfold Regional Hospital",
    )


def test_a_ministry_named_by_its_domain_is_not_a_generic_unit():
    text = "Officials from the Ministry of Education visited the School of Medicine."
    assert institutions_of(text) == ["Ministry of Education"]


def test_a_school_named_by_several_subjects_is_listed_and_a_one_subject_school_is_not():
    text = (
        "Teachers from the institute's School of Nursing and Allied Health Sciences met "
        "staff of the School of Public Health."
    )
    assert institutions_of(text) == ["School of Nursing and Allied Health Sciences"]


def test_an_agency_whose_name_joins_two_functions_with_and():
    text = (
        "The figures were published by the National Health Review and Evaluation "
        "Service. Korea Biomedical Review and Yonhap News Agency reported them first."
    )
    assert institutions_of(text) == ["National Health Review and Evaluation Service"]


def test_and_still_splits_two_names_after_a_domain():
    text = "The Ministry of Health and Brennock University signed a pact on Monday."
    assert institutions_of(text) == ["Ministry of Health", "Brennock University"]


def test_a_company_ending_in_solutions_is_an_institution():
    text = "The hub will be built with Corvel Data Solutions by 2027."
    assert institutions_of(text) == ["Corvel Data Solutions"]


def test_a_name_shaped_company_before_an_executive_title_and_a_full_name():
    text = (
        "Binna Foods CEO Seo Ha-eun and Jeil Mobility President Kang Tae-ho signed the "
        'deal. "It starts in May," Seo said.'
    )
    assert institutions_of(text) == ["Binna Foods", "Jeil Mobility"]
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Seo Ha-eun", "CEO", "Binna Foods")


def test_a_person_before_a_comma_and_another_title_is_not_an_institution():
    text = "Present were Mina Cho, President Lee Sang-jin and their staff."
    assert institutions_of(text) == []


def test_founded_in_after_a_name_marks_an_organisation():
    text = "Orin Cardio, founded in 2020 by two surgeons, makes heart valves."
    assert institutions_of(text) == ["Orin Cardio"]
    text = "Olga Brandt, born in 1975 in Riga, leads the team."
    assert institutions_of(text) == []


def test_witnesses_after_the_signers_did_not_sign():
    text = (
        "Caldera University and Minsk Polytechnic signed an MOU on 2 June. The MOU was "
        "signed by Dr Olena Marchuk, Rector of Minsk Polytechnic, and Mr Ivo Kalnins, "
        "and was witnessed by Ms Rita Ozola, an adviser to the minister."
    )
    assert agreement_of(text).signatories == ["Olena Marchuk", "Ivo Kalnins"]


def test_a_minister_named_by_a_domain_before_the_office():
    text = (
        "The Ministry of Education said Monday that 40 schools would get nurses.\n\n"
        '"No child should wait for care," Education Minister Lee Ji-won said.'
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Lee Ji-won", "Education Minister", "Ministry of Education")
    text = 'The Ministry of Health said so.\n\n"We will act," Prime Minister Ana Ruiz said.'
    assert quotes_of(text)[0][3] is None  # "Prime" is no ministry's domain


def test_a_quotation_whose_speaker_the_next_paragraph_points_back_to():
    text = (
        "“We used to lose a patient a month waiting for a helicopter. Now we lose none.”\n\n"
        "So says Tomasz Lewicki, head of emergency medicine at Pomorze Regional Hospital, "
        "looking back on the first year of the service."
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == (
        "Tomasz Lewicki",
        "head of emergency medicine",
        "Pomorze Regional Hospital",
    )


def test_a_next_paragraph_that_does_not_point_back_gives_no_speaker():
    text = (
        "“We used to lose a patient a month waiting for a helicopter. Now we lose none.”\n\n"
        "Tomasz Lewicki, head of emergency medicine at Pomorze Regional Hospital, "
        "joined the service in 2019."
    )
    [(_, speaker, _title, _inst)] = quotes_of(text)
    assert speaker is None


def test_institutions_in_an_about_blurb_are_listed_but_not_in_a_media_contact():
    text = (
        "Lindqvist Biologics will open a plant in Umeå.\n\n"
        "About Lindqvist Biologics\n\n"
        "Lindqvist Biologics was spun out of the Kallax Institute in 2015.\n\n"
        "Media contact: Per Holm, Brightwave Communications Ltd., per@example.org"
    )
    assert institutions_of(text) == ["Lindqvist Biologics", "Kallax Institute"]


# Probe paragraphs written after the fourth corpus round's rules, in the held-out styles
# (Korean wire MOUs, clinics, captions, ministries, EurekAlert blurbs, appointments,
# awards). See docs/extraction.md for how many failed on first run and why.
FOURTH_ROUND_PROBES = [
    (
        "Daegu Cheonma Hospital signed a memorandum of understanding with Larkspur Clinic, "
        "an academic medical center in Arizona, on Thursday to share training in heart "
        "valve surgery.\n\n"
        "“Our surgeons will learn as much as they teach,” said Dr. Helen Brody, chief "
        "medical officer of Larkspur Clinic.",
        {
            "institutions": ["Daegu Cheonma Hospital", "Larkspur Clinic"],
            "quotes": [("Helen Brody", "chief medical officer", "Larkspur Clinic")],
            "parties": ["Daegu Cheonma Hospital", "Larkspur Clinic"],
            "date": "on Thursday",
            "sig": [],
        },
    ),
    (
        "A Korean home-care startup and a logistics firm will deliver dialysis supplies "
        "to rural patients together.\n\n"
        "The two companies signed a business agreement on Monday, according to the "
        "startup.\n\n"
        "Under the agreement, Ontree Medical will train the drivers, and Bluepine "
        "Logistics will run a fleet of 30 refrigerated vans.",
        {
            "institutions": ["Ontree Medical", "Bluepine Logistics"],
            "parties": ["Ontree Medical", "Bluepine Logistics"],
            "date": "on Monday",
            "sig": [],
        },
    ),
    (
        "“Night shifts used to mean one nurse for forty patients. Last month it was one "
        "for twelve.”\n\n"
        "Those were the words of Kim Hye-jin, a nurse at Seonam University Hospital, "
        "describing the hospital's new staffing rules.",
        {
            "institutions": ["Seonam University Hospital"],
            "quotes": [("Kim Hye-jin", "nurse", "Seonam University Hospital")],
        },
    ),
    (
        "Tembusu Polytechnic and Raffles Bay Health signed a Memorandum of Understanding "
        "on 2 May 2025.\n\n"
        "The MOU was signed by Mr Goh Kian Seng, Principal, Tembusu Polytechnic, and "
        "Dr Farah Ismail, Chief Executive Officer, Raffles Bay Health, and witnessed by "
        "Dr Chan Wai Yee, Senior Minister of State for Health.",
        {
            "institutions": ["Tembusu Polytechnic", "Raffles Bay Health"],
            "parties": ["Tembusu Polytechnic", "Raffles Bay Health"],
            "date": "on 2 May 2025",
            "sig": ["Goh Kian Seng", "Farah Ismail"],
        },
    ),
    (
        "“We started with one ambulance and two paramedics,” said Rosa Delgado, director "
        "of the Coastal Bend Trauma Network. “Today we cover nine counties.\n\n"
        "“The hardest part was never the money. It was persuading hospitals to share "
        "their data.”",
        {
            "institutions": ["Coastal Bend Trauma Network"],
            "quotes": [
                ("Rosa Delgado", "director", "Coastal Bend Trauma Network"),
                ("Rosa Delgado", "director", "Coastal Bend Trauma Network"),
            ],
            "lines": [1, 2],
        },
    ),
    (
        "The Ministry of Health and Welfare and the Korea Disease Control and Prevention "
        "Agency said Friday that flu cases had doubled in a week.\n\n"
        "“Older people should get vaccinated now, not next month,” Health Minister Cho "
        "Eun-hee said.",
        {
            "institutions": [
                "Ministry of Health and Welfare",
                "Korea Disease Control and Prevention Agency",
            ],
            "quotes": [("Cho Eun-hee", "Health Minister", "Ministry of Health and Welfare")],
        },
    ),
    (
        "Gwangmyeong Sungae Hospital signed an MOU with Hanbyul Logistics on the 14th to "
        "provide checkups for delivery drivers.\n\n"
        "(From left) Gwangmyeong Sungae Hospital Director Park Jun-ho and Hanbyul "
        "Logistics CEO Lim Seo-yeon pose after signing the MOU. (Gwangmyeong Sungae "
        "Hospital)",
        {
            "institutions": ["Gwangmyeong Sungae Hospital", "Hanbyul Logistics"],
            "parties": ["Gwangmyeong Sungae Hospital", "Hanbyul Logistics"],
            "date": "on the 14th",
            "sig": ["Park Jun-ho", "Lim Seo-yeon"],
        },
    ),
    (
        "Researchers at Marren University found that a common blood pressure drug slowed "
        "kidney damage in mice.\n\n"
        "“The effect was larger than we expected,” said Dr. Ilse Kroon, the study's "
        "senior author and a professor of nephrology at Marren University.\n\n"
        "About Marren University\n\n"
        "Marren University runs the Ostend Institute for Marine Medicine with the city "
        "of Ostend.\n\n"
        "Media contact: Joke Peeters, Halyard Communications Ltd., joke@example.org",
        {
            "institutions": ["Marren University", "Ostend Institute for Marine Medicine"],
            # "senior author" is a role in the study, not a title (the corpus notes).
            "quotes": [("Ilse Kroon", "professor of nephrology", "Marren University")],
        },
    ),
    (
        "Dr. Maria Oyelowo has been named president and CEO of Fenwick Clinic, the "
        "nonprofit health system said Tuesday. She succeeds Dr. Paul Haines, who retires "
        "in June.\n\n"
        "“Fenwick Clinic has cared for this region for a century,” Oyelowo said. “My job "
        "is to make sure it can for another.”",
        {
            "institutions": ["Fenwick Clinic"],
            "quotes": [
                ("Maria Oyelowo", "president and CEO", "Fenwick Clinic"),
                ("Maria Oyelowo", "president and CEO", "Fenwick Clinic"),
            ],
        },
    ),
    (
        "Professor Ana Lima of the Department of Chemistry at Riverton University has "
        "received the 2025 Halden Medal from the Nordic Chemical Society.\n\n"
        "‘I owe this to twenty years of very patient students,’ Professor Lima said.",
        {
            "institutions": ["Riverton University", "Nordic Chemical Society"],
            "quotes": [("Ana Lima", None, "Riverton University")],
        },
    ),
]


def test_probe_paragraphs_after_the_fourth_round():
    for text, want in FOURTH_ROUND_PROBES:
        result = analyse(text, published="2025-06-13")
        assert result.institutions == want["institutions"], text
        if "quotes" in want:
            got = [(q.speaker, q.title, q.institution) for q in result.quotes]
            assert got == want["quotes"], text
        if "lines" in want:
            assert [q.text.count("\n") + 1 for q in result.quotes] == want["lines"], text
        if "parties" in want:
            agreement = result.agreement
            assert agreement is not None, text
            got = {
                "parties": agreement.parties,
                "date": agreement.date_phrase,
                "sig": agreement.signatories,
            }
            assert got == {k: want[k] for k in ("parties", "date", "sig")}, text
        else:
            assert result.agreement is None, text


# Rules added after the fourth round's probe paragraphs, each on further sentences.


def test_the_sides_of_an_agreement_named_by_what_each_will_do():
    text = (
        "The two firms signed a supply deal on Friday.\n\n"
        "Under the deal, Gaemi Textiles will weave the gowns, while Sora Hygiene will "
        "sterilise them."
    )
    assert institutions_of(text) == ["Gaemi Textiles", "Sora Hygiene"]
    assert agreement_of(text).parties == ["Gaemi Textiles", "Sora Hygiene"]


def test_a_person_with_a_prefix_under_the_agreement_is_not_an_institution():
    text = "Under the agreement, Dr. Elena Suarez will direct the joint laboratory."
    assert institutions_of(text) == []


def test_a_minister_of_state_is_a_title():
    text = "The visit was hosted by Mr Lim Boon Keat, Minister of State for Education."
    assert institutions_of(text) == []


def test_an_agency_named_by_two_common_nouns_joined_with_and():
    text = "Data came from the Korea Food Safety and Inspection Agency on Monday."
    assert institutions_of(text) == ["Korea Food Safety and Inspection Agency"]


def test_a_named_appointment_without_an_article_gives_the_title():
    text = (
        "Dr. Kofi Mensah has been named chief medical officer of Harlan Clinic, the "
        'clinic said. "I am honoured," Mensah said.'
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Kofi Mensah", "chief medical officer", "Harlan Clinic")
    text = 'Dr. Kofi Mensah was named a finalist for the Baird Award. "I am honoured," Mensah said.'
    assert quotes_of(text)[0][2] is None


def test_a_role_in_the_study_is_not_the_title():
    text = (
        '"The signal was clear," said Dr. Yusuf Demir, the paper\'s first author and an '
        "assistant professor of radiology at Bosphorus Medical University."
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == (
        "Yusuf Demir",
        "assistant professor of radiology",
        "Bosphorus Medical University",
    )


def test_a_side_named_by_its_leading_word_is_the_company_named_before():
    text = (
        "Harrow Imaging, a maker of MRI scanners, signed an MOU with Tamna University "
        "Hospital on Monday.\n\n"
        "Under the MOU, Harrow will lend two scanners and the hospital will run the trial."
    )
    assert institutions_of(text) == ["Harrow Imaging", "Tamna University Hospital"]


# --- fifth round (own-59 to own-66) ------------------------------------------


def test_an_organisation_word_that_another_language_puts_first():
    text = (
        "The trial ran at Universitätsspital Bernau and at Istituto Clinico di Ricerca "
        "Pavese, with help from Hôpital Sainte-Anne."
    )
    assert institutions_of(text) == [
        "Universitätsspital Bernau",
        "Istituto Clinico di Ricerca Pavese",
        "Hôpital Sainte-Anne",
    ]


def test_an_acronym_with_a_title_after_and_starts_another_organisation():
    text = (
        "Provost Mara Lind of Tolland University and BIRS Director Dr. Owen Pike signed the "
        'accord. "This opens our labs to each other," said Lind.'
    )
    assert "Tolland University and BIRS" not in institutions_of(text)
    [(_, speaker, _, inst)] = quotes_of(text)
    assert (speaker, inst) == ("Mara Lind", "Tolland University")
    # A ministry named with "and" and an acronym stays one name.
    assert institutions_of("Officials of the Ministry of Science and ICT visited.") == [
        "Ministry of Science and ICT"
    ]


def test_a_centre_owned_by_a_possessive_or_named_for_its_field_at_a_parent_is_a_unit():
    text = (
        "Patients were seen at Corran General Hospital. The hospital's Sleep Disorders "
        "Center ran the tests, and Dr. Ada Nwosu, head of the Center for Liver Disease at "
        "Corran General Hospital, reviewed them."
    )
    assert institutions_of(text) == ["Corran General Hospital"]
    # A research centre keeps its listing.
    text = "Work was done at Corran University's Photonics Research Center."
    assert "Photonics Research Center" in institutions_of(text)


def test_a_journal_the_work_is_published_in_is_not_an_institution():
    text = (
        "The results were published in Pediatric Critical Care Medicine by a team at "
        "Dunmore Children's Hospital."
    )
    assert institutions_of(text) == ["Dunmore Children's Hospital"]


def test_an_acronym_spelled_out_in_lowercase_words_is_a_term():
    text = (
        "Patients with chronic kidney disease were enrolled at Halvard University Hospital. "
        "CKD affects one adult in ten, and the plant holds GMP certification."
    )
    assert institutions_of(text) == ["Halvard University Hospital"]


def test_a_prefix_after_and_starts_the_next_signatory():
    text = (
        "The agreement was signed by Tolland University President Dr. Ruth Abara and "
        "Professor Kenji Mori, director of Aomi University Hospital, on May 2.\n\n"
        '"We begin in June," Mori said.'
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Kenji Mori", "director", "Aomi University Hospital")


def test_a_school_owned_by_its_named_parent_is_listed_when_it_signs():
    text = (
        "Tolland University’s College of Nursing has signed a memorandum of understanding "
        "with Aomi University Hospital.\n\n"
        '"Our students need the wards," said Ines Baro, dean of the College of Nursing.'
    )
    result = analyse(text)
    assert result.agreement.parties == ["College of Nursing", "Aomi University Hospital"]
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Ines Baro", "dean", "College of Nursing")
    # A school that does not sign stays a generic unit.
    text = "The lab sits in Tolland University’s School of Medicine."
    assert institutions_of(text) == ["Tolland University"]


def test_a_unit_of_the_body_named_before_gives_that_body():
    text = (
        "The Ministry of Environment opened the survey on Monday. "
        '"We need three years of data," said Noh Eun-ji, head of the ministry’s Water '
        "Quality Bureau."
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == (
        "Noh Eun-ji",
        "head of the ministry’s Water Quality Bureau",
        "Ministry of Environment",
    )


# --- sixth round (own-67 to own-78) ------------------------------------------


def test_a_parent_written_only_as_the_possessive_of_a_named_body_is_not_listed():
    text = (
        "Marlowe Health Network's Eastbrook Hospital opened a stroke ward, and researchers "
        "at Tavish University's Institute of Sleep Science will study its patients."
    )
    assert institutions_of(text) == ["Eastbrook Hospital", "Institute of Sleep Science"]
    # Named on its own as well, the parent is listed.
    text = (
        "Marlowe Health Network's Eastbrook Hospital opened a stroke ward. Marlowe Health "
        "Network runs nine hospitals."
    )
    assert institutions_of(text) == ["Marlowe Health Network", "Eastbrook Hospital"]


def test_and_after_a_leading_the_and_a_generic_word_does_not_split_a_name():
    text = "Funding came from the Lung and Sleep Foundation of Ireland."
    assert institutions_of(text) == ["Lung and Sleep Foundation of Ireland"]


def test_where_a_company_is_based_is_no_part_of_its_name():
    text = (
        "Harrow Bio signed a licensing deal with Berlin-based Ostwind Therapeutics on Friday. "
        "Ostwind, a company founded in 2019, will pay $20 million upfront."
    )
    assert institutions_of(text) == ["Harrow Bio", "Ostwind Therapeutics"]
    assert agreement_of(text).parties == ["Harrow Bio", "Ostwind Therapeutics"]


def test_a_company_form_with_full_stops_and_a_branch_named_by_its_country():
    text = (
        "The study uses kits from Tsubaki Diagnostics K.K. and is run by Vell Analytics "
        "Singapore, a contract research company."
    )
    assert institutions_of(text) == ["Tsubaki Diagnostics K.K.", "Vell Analytics Singapore"]


def test_singapore_style_managing_director_with_the_institution_as_its_own_piece():
    text = (
        "Ms Rachel Goh, Managing Director, Pelican Robotics Asia, said the robots would arrive "
        'in May.\n\n"We built them for narrow wards," she said.'
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Rachel Goh", "Managing Director", "Pelican Robotics Asia")


def test_a_company_noun_before_a_name_makes_it_a_company():
    text = "The sensors were built by Busan startup Nuri Lab and tested by chipmaker Tangent."
    assert institutions_of(text) == ["Nuri Lab", "Tangent"]
    # A lab without such a noun stays an internal unit.
    assert institutions_of("Samples went to the Nuri Lab at Corran University.") == [
        "Corran University"
    ]


def test_a_stock_exchange_is_an_institution():
    assert institutions_of("The filing was made with the Tokyo Stock Exchange.") == [
        "Tokyo Stock Exchange"
    ]


def test_a_plural_possessive_inside_a_name():
    text = "The grant went to the Incheon Dockworkers’ Health Center last month."
    assert institutions_of(text) == ["Incheon Dockworkers’ Health Center"]


def test_the_head_in_brackets_after_an_organisation_is_its_head():
    text = (
        "Hwaseong Central Hospital (President Moon Gi-tae) opened a dialysis unit on the 3rd.\n\n"
        'President Moon said, "Patients no longer travel to Suwon."'
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Moon Gi-tae", "President", "Hwaseong Central Hospital")


def test_a_surname_with_a_description_that_speaks_is_a_mention():
    text = (
        '"The data are clear," said Dr. Ines Varga, director of Kettle Lake Hospital.\n\n'
        "Dr. Omar Reyes, chief of surgery at Kettle Lake Hospital, agreed.\n\n"
        "Varga, a former army surgeon, said the ward would open in June.\n\n"
        '"We will hire forty nurses," she said.'
    )
    quotes = quotes_of(text)
    assert quotes[1][1:] == ("Ines Varga", "director", "Kettle Lake Hospital")


def test_the_attribution_of_a_quotation_over_two_paragraphs_follows_its_close():
    text = (
        "Dean Aaron Pike of Holloway Medical School met Rector Ana Souza of Minho Institute.\n\n"
        '"The first year was hard. We had no shared records.\n\n'
        '"Now every file moves in a day," Pike said.'
    )
    [(_, speaker, _title, _inst)] = quotes_of(text)
    assert speaker == "Aaron Pike"


def test_a_unit_and_its_parent_written_the_other_way_round_are_one_institution():
    text = (
        "The School of Nursing of Carrow University opened a lab. Students of the Carrow "
        "University School of Nursing will train there."
    )
    assert institutions_of(text) == ["School of Nursing of Carrow University"]


def test_the_person_a_who_clause_describes_signed():
    text = (
        "Carrow Clinic has signed an agreement with Minho Hospital. Chief Executive Dr. Lena "
        "Vos of Carrow Clinic, who signed the agreement with Minho Director Rui Costa, said "
        "the first nurses arrive in March."
    )
    assert agreement_of(text).signatories == ["Lena Vos", "Rui Costa"]


def test_a_parents_acronym_inside_a_units_name_is_not_listed_again():
    text = (
        "The Eastern Lakes University College of Nursing and Birchwood Health signed an "
        "affiliation agreement on Monday. ELU students will train at Birchwood Health, said "
        "Dean Kim Osei of the ELU College of Nursing."
    )
    assert institutions_of(text) == [
        "Eastern Lakes University College of Nursing",
        "Birchwood Health",
    ]


def test_the_surname_of_a_person_named_before_signs_as_a_person():
    text = (
        '"This gives us a partner," said Dr. Ruth Calloway, president of Dunmore College.\n\n'
        "Calloway signed the agreement with St. Jude Medical Center President Mark Abeyta "
        "on Friday."
    )
    result = analyse(text)
    assert result.institutions == ["Dunmore College", "St. Jude Medical Center"]
    assert result.agreement.signatories == ["Ruth Calloway", "Mark Abeyta"]


def test_a_us_state_is_a_place_not_a_short_form():
    text = (
        "Alder Health serves towns across eastern Montana. Its plans need approval from the "
        "Montana Department of Health."
    )
    assert "Montana" not in institutions_of(text)


def test_what_an_agreement_will_do_names_no_more_parties():
    text = (
        "Ridley University and Fenwick Health have signed an agreement that will make "
        "Fenwick Regional Hospital a teaching site."
    )
    assert agreement_of(text).parties == ["Ridley University", "Fenwick Health"]


def test_mous_with_two_named_institutions_dated_and_signed_one_by_one():
    text = (
        "Keswick University has signed MOUs with two institutions, Tallinn Medical Academy and "
        "the Riga Cancer Institute, during a visit from May 4 to 9.\n\n"
        "The MOU with Tallinn Medical Academy was signed on May 5 by President Ada Lind and "
        "Rector Peeter Kask.\n\n"
        "Vice President Omar Haddad signed the agreement with the cancer institute on May 8."
    )
    result = analyse(text)
    first, second = result.agreement, result.other_agreements[0]
    assert first.parties == ["Keswick University", "Tallinn Medical Academy"]
    assert second.parties == ["Keswick University", "Riga Cancer Institute"]
    assert (first.date_phrase, second.date_phrase) == ("on May 5", "on May 8")
    assert first.signatories == ["Ada Lind", "Peeter Kask"]
    assert second.signatories == ["Omar Haddad"]


def test_a_unit_written_with_its_named_parents_possessive_stays_in_the_title():
    text = (
        "Harwell University signed the agreement.\n\n"
        '"We start in autumn," said Dr. Leah Moss, director of Harwell University’s Office '
        "of Global Engagement."
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == (
        "Leah Moss",
        "director of Harwell University’s Office of Global Engagement",
        "Harwell University",
    )


# --- seventh round (own-79 to own-90) ----------------------------------------


def test_a_centre_named_for_what_it_stages_is_a_venue():
    text = (
        "Brantley College signed the MOU with Kessock Hospital at the Tarrow Exhibition "
        "Centre on Friday. A dinner followed at the Fenner Center for the Performing Arts."
    )
    result = analyse(text)
    assert result.institutions == ["Brantley College", "Kessock Hospital"]
    assert result.agreement.parties == ["Brantley College", "Kessock Hospital"]
    # A research centre is still an organisation.
    assert institutions_of("Data came from the Orrin Cancer Research Center.") == [
        "Orrin Cancer Research Center"
    ]


def test_a_chamber_of_commerce_is_an_organisation():
    text = "The Upper Dunmore Chamber of Commerce will award the scholarships."
    assert institutions_of(text) == ["Upper Dunmore Chamber of Commerce"]


def test_two_owners_before_one_head_are_one_name():
    text = "Doctors at Mersey Valley Women’s and Children’s Hospital treated the twins."
    assert institutions_of(text) == ["Mersey Valley Women’s and Children’s Hospital"]
    # Two names that each have a head still split.
    assert institutions_of("Staff from Calder Hospital and Linwood University joined.") == [
        "Calder Hospital",
        "Linwood University",
    ]


def test_a_weak_head_before_and_is_a_subject_word_of_the_name():
    text = "The figures come from the Ostland Food Health and Safety Agency."
    assert institutions_of(text) == ["Ostland Food Health and Safety Agency"]
    text = "Brenton Health and Marsh Creek Agency signed the deal."
    assert institutions_of(text) == ["Brenton Health", "Marsh Creek Agency"]


def test_a_hospital_written_without_its_university_is_a_short_form():
    text = (
        "Tarrant Hospital of Wyndham University opened a new clinic. Tarrant Hospital "
        "will staff it with six nurses."
    )
    assert institutions_of(text) == ["Tarrant Hospital of Wyndham University"]


def test_a_minister_of_state_names_no_institution():
    text = (
        "The launch was attended by Mr Osei Mensah, Minister of State, Ministry of Trade, "
        "and by staff of Halden Polytechnic."
    )
    assert institutions_of(text) == ["Ministry of Trade", "Halden Polytechnic"]


def test_a_host_or_witness_in_the_signing_sentence_is_not_a_party():
    text = (
        "Corrie University and Dunwell Hospital announced a joint nursing degree. The two "
        "institutions signed the agreement on Monday at a dinner organised by the Alder "
        "Nursing Association."
    )
    result = analyse(text)
    assert result.agreement.parties == ["Corrie University", "Dunwell Hospital"]
    assert "Alder Nursing Association" in result.institutions


def test_a_capitalised_study_role_is_no_part_of_the_name():
    text = (
        "Co-author Yara Feld, an epidemiologist at Lisburn University, said the effect was "
        'small.\n\n"It still matters for millions of people," she said.'
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Yara Feld", "epidemiologist", "Lisburn University")


def test_a_domain_joined_by_and_before_minister_is_the_ministrys():
    text = (
        "The Ministry of Oceans and Fisheries opened the port clinic.\n\n"
        "Oceans and Fisheries Minister Han Seo-jun cut the ribbon.\n\n"
        '"Sailors deserve a doctor at every port," Han said.'
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == (
        "Han Seo-jun",
        "Oceans and Fisheries Minister",
        "Ministry of Oceans and Fisheries",
    )


def test_a_place_before_governor_belongs_to_the_office():
    text = (
        "South Jeolla Governor Ma Hyeon-seok visited Yeosu Hanbit Hospital on Monday.\n\n"
        '"The islands need this hospital," the governor said.'
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Ma Hyeon-seok", "South Jeolla Governor", None)
    assert institutions_of(text) == ["Yeosu Hanbit Hospital"]


def test_a_titled_list_of_signers_names_each_person_with_their_own_body():
    text = (
        "Trade and Industry Minister Oh Jin-ae, Busan Mayor Cha Dong-min, institute "
        "President Bae Su-jin and hospital Director Ko Eun-hye signed the MOU on Monday. "
        "The Ministry of Trade and Industry, the Busan Marine Institute and Saha "
        "Hospital are the parties."
    )
    result = analyse(text)
    assert result.agreement.signatories == ["Oh Jin-ae", "Cha Dong-min", "Bae Su-jin", "Ko Eun-hye"]
    details = {d["name"]: d["institution"] for d in result.agreement.signatory_details}
    assert details["Cha Dong-min"] is None


def test_a_title_after_a_full_name_and_and_starts_another_person():
    text = (
        "Orla College President Ines Varga and Dean Piet Smit of Halloran School of Nursing "
        'signed the agreement.\n\n"We begin next spring," Smit said.'
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Piet Smit", "Dean", "Halloran School of Nursing")
    # Two titles of one person joined by "and" stay one title.
    text = 'Chairman and CEO Rolf Berg spoke. "We are ready," Berg said.'
    [(_, speaker, title, _inst)] = quotes_of(text)
    assert (speaker, title) == ("Rolf Berg", "Chairman and CEO")


def test_a_name_with_and_before_a_title_is_the_whole_institution():
    text = (
        "Fenwick Eye and Ear Hospital signed an MOU with Cardew University on Monday.\n\n"
        "Fenwick Eye and Ear Hospital Director Alma Roth signed for the hospital.\n\n"
        '"Our surgeons will teach there," Roth said.'
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Alma Roth", "Director", "Fenwick Eye and Ear Hospital")


def test_a_generic_prefix_skips_the_organisation_the_sentence_names_next():
    text = (
        "Colwyn Hospital signed an affiliation agreement with Pembry Children’s Hospital on "
        "the 3rd.\n\n"
        "Hospital Director Ada Prys and Pembry Children’s Hospital Director Ian Holt signed "
        'the agreement.\n\n"We will share our surgeons," Director Prys said.'
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Ada Prys", "Director", "Colwyn Hospital")


def test_a_second_role_after_and_a_is_dropped_when_the_first_says_where():
    text = (
        "The Nordby Society for Sleep Medicine backs the plan.\n\n"
        '"Sleep is medicine," said Jonas Ek, chair of the society and a lecturer at '
        "Skarby University."
    )
    [(_, speaker, title, inst)] = quotes_of(text)
    assert (speaker, title, inst) == ("Jonas Ek", "chair", "Nordby Society for Sleep Medicine")


def test_a_date_after_said_in_a_filing_is_the_announcement():
    text = (
        "Pelham Bio signed a supply deal with Ardent Pharma, the company said in a regulatory "
        "filing Tuesday. Under the deal, signed last Thursday, Ardent will buy the drug."
    )
    assert agreement_of(text).date_phrase == "last Thursday"


def test_a_parent_that_owns_the_company_named_next_is_not_a_party():
    text = "Gwanak Hospital signed an MOU with Daerim Group’s software arm Daerim Cloud on Monday."
    result = analyse(text)
    assert result.agreement.parties == ["Gwanak Hospital", "Daerim Cloud"]
    assert result.institutions == ["Gwanak Hospital", "Daerim Cloud"]


def test_a_province_named_with_its_status_is_a_government_not_a_party():
    text = (
        "Sejong Heart Hospital signed an agreement with the Gangwon Special Self-Governing "
        "Province on Tuesday to train paramedics."
    )
    result = analyse(text)
    assert result.agreement.parties == ["Sejong Heart Hospital"]
    assert result.institutions == ["Sejong Heart Hospital"]


def test_a_country_after_a_company_form_is_a_description():
    assert institutions_of("Mekong Optics Ltd. of Cambodia will supply the lenses.") == [
        "Mekong Optics Ltd."
    ]


def test_a_places_government_department_is_an_institution_not_a_unit():
    text = (
        "The Oregon Department of Human Services will pay for the visits. Nurses from the "
        "Department of Pediatrics at Alder Hospital will make them."
    )
    assert institutions_of(text) == ["Oregon Department of Human Services", "Alder Hospital"]


def test_a_funder_in_the_signing_sentence_is_not_a_party():
    text = (
        "Haneul Clinic signed an MOU with Tarlac Provincial Hospital on May 2, with support "
        "from the Asia Rural Health Foundation."
    )
    assert agreement_of(text).parties == ["Haneul Clinic", "Tarlac Provincial Hospital"]


# Ten paragraphs in the held-out styles, written after the seventh-round fixes to
# probe parties and institutions; 3 failed on their parties on first run (a
# parent's possessive before its company, a province named with its status, a
# funder and a country after a company form), and checking the institution lists
# by hand found a fourth (a state's Department of Health left out, which once
# found was read as a party until "witnessed by officials from" was a witness).
# All were fixed by the last rules above.
SEVENTH_ROUND_PROBES = [
    (
        "Kyunghwa Pharmaceutical, together with its subsidiary Kyunghwa Bio, signed a research agreement with the Korea Research Institute of Bioscience and Biotechnology (KRIBB) on the 21st.",
        [
            "Kyunghwa Pharmaceutical",
            "Kyunghwa Bio",
            "Korea Research Institute of Bioscience and Biotechnology",
        ],
        [
            "Kyunghwa Pharmaceutical",
            "Kyunghwa Bio",
            "Korea Research Institute of Bioscience and Biotechnology",
        ],
    ),
    (
        "Incheon Metropolitan City and Songdo Global Hospital signed a business agreement on Monday to open a clinic for foreign residents.",
        ["Songdo Global Hospital"],
        ["Songdo Global Hospital"],
    ),
    (
        "The Dongseo Institute of Advanced Materials and Health (DIAMH) was founded in 2011 to study implant coatings.\n\nLast week, DIAMH and Parkview Hospital signed a contract to test its new hip implant.",
        ["Dongseo Institute of Advanced Materials and Health", "Parkview Hospital"],
        ["Dongseo Institute of Advanced Materials and Health", "Parkview Hospital"],
    ),
    (
        "Jinju National University Hospital inked a deal with Seokwang Holdings’ biotech arm Seokwang Life Sciences on Tuesday, the hospital said.",
        ["Jinju National University Hospital", "Seokwang Life Sciences"],
        ["Jinju National University Hospital", "Seokwang Life Sciences"],
    ),
    (
        "Yeonhwa University Medical Center and Bitgaram Robotics Inc. will build a rehabilitation robot together.\n\nBoth parties signed a memorandum of understanding on Friday at a ceremony hosted by the Daegu Medical Devices Association.",
        ["Yeonhwa University Medical Center", "Bitgaram Robotics Inc."],
        [
            "Yeonhwa University Medical Center",
            "Bitgaram Robotics Inc.",
            "Daegu Medical Devices Association",
        ],
    ),
    (
        "A consortium of Halla Regional Cancer Center, Jeju Bio Valley Co. and the University of Tamna signed an agreement with the Jeju Special Self-Governing Province on Thursday.",
        ["Halla Regional Cancer Center", "Jeju Bio Valley Co.", "University of Tamna"],
        ["Halla Regional Cancer Center", "Jeju Bio Valley Co.", "University of Tamna"],
    ),
    (
        "Namsan Eye Hospital of Hanseong University signed an MOU with Lotus Eye Care Ltd. of Vietnam on March 4, with funding from the Korea International Cooperation Agency.",
        ["Namsan Eye Hospital of Hanseong University", "Lotus Eye Care Ltd."],
        [
            "Namsan Eye Hospital of Hanseong University",
            "Lotus Eye Care Ltd.",
            "Korea International Cooperation Agency",
        ],
    ),
    (
        "Cheongju Medical Center Director Oh Min-ho (left) and Daeyoung Systems CEO Yu Na-rae sign an MOU on digital wards at the hospital on Friday.\n\nThe hospital and the company will test ward robots from next year.",
        ["Cheongju Medical Center", "Daeyoung Systems"],
        ["Cheongju Medical Center", "Daeyoung Systems"],
    ),
    (
        "The Korea Institute of Radiological and Medical Sciences (KIRAMS) and the Nuclear Safety and Security Commission signed an agreement on Wednesday to share data on medical radiation exposure.",
        [
            "Korea Institute of Radiological and Medical Sciences",
            "Nuclear Safety and Security Commission",
        ],
        [
            "Korea Institute of Radiological and Medical Sciences",
            "Nuclear Safety and Security Commission",
        ],
    ),
    (
        "Marlowe Health System signed a joint venture agreement with Crane & Hollis Partners LLC on June 2 to build an outpatient surgery center in Tacoma, witnessed by officials from the Washington State Department of Health.",
        ["Marlowe Health System", "Crane & Hollis Partners LLC"],
        [
            "Marlowe Health System",
            "Crane & Hollis Partners LLC",
            "Washington State Department of Health",
        ],
    ),
]


def test_probe_paragraphs_after_the_seventh_round():
    for text, parties, institutions in SEVENTH_ROUND_PROBES:
        result = analyse(text)
        assert result.agreement is not None, text
        assert result.agreement.parties == parties, text
        assert result.institutions == institutions, text


def test_an_owner_described_in_an_appositive_is_not_a_party():
    text = (
        "Sorae Hospital signed a supply contract with Bitna Devices Inc., a wholly owned "
        "subsidiary of Gukje Holdings, on Friday."
    )
    result = analyse(text)
    assert result.agreement.parties == ["Sorae Hospital", "Bitna Devices Inc."]
    assert "Gukje Holdings" in result.institutions
