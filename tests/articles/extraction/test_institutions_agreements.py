from articles.extraction import analyse

ARTICLE = (
    "The Westfield University College of Nursing and the Hanbit Medical Center (HMC) signed a "
    "memorandum of understanding on Friday to train nurses together.\n\n"
    "Westfield University President Kim Yoo-na (left) and HMC director Jang Tae-ho signed the MOU "
    "at Westfield’s Grand Hall, as Mayor Ken Ito looked on.\n\n"
    "Founded in 1952, Westfield University has a strong nursing programme. Brightpath, a digital "
    "health company, will supply the training software.\n\n"
    "HMC also signed an agreement with Orion Therapeutics last month. The deal was reported by the Daily Ledger."
)


def test_institutions_first_full_form_without_article_or_acronym():
    names = analyse(ARTICLE).institutions
    assert names[:2] == ["Westfield University College of Nursing", "Hanbit Medical Center"]
    assert "Westfield University" in names  # also named on its own
    assert "Brightpath" in names  # a company known by its appositive
    assert "Orion Therapeutics" in names
    assert "HMC" not in names  # a later acronym is not listed again
    assert "Daily Ledger" not in names  # news media are not institutions
    assert not any("Hall" in n for n in names)  # venues are not institutions


def test_parent_only_inside_a_longer_name_or_possessive_is_not_listed():
    text = (
        "Eastlake’s Institute for Marine Medicine signed an MOU with Coral Bay Hospital on Monday."
    )
    names = analyse(text).institutions
    assert "Institute for Marine Medicine" in names
    assert "Eastlake" not in names


def test_generic_units_and_departments_are_not_listed():
    text = (
        "Lena Moss, dean of the Graduate School, and Ali Khan of the Department of Surgery met "
        "officials from the Office of Global Affairs at Coral Bay Hospital."
    )
    assert analyse(text).institutions == ["Coral Bay Hospital"]


def test_places_and_governments_are_not_institutions():
    text = "The city of Busan and the Singapore government praised Coral Bay Hospital, based in Busan, Korea."
    assert analyse(text).institutions == ["Coral Bay Hospital"]


def test_agreement_parties_signatories_and_date():
    result = analyse(ARTICLE, published="2024-06-10")
    a = result.agreement
    assert a.kind == "memorandum of understanding"
    assert a.parties == ["Westfield University College of Nursing", "Hanbit Medical Center"]
    assert a.date_phrase == "on Friday"
    assert a.date == "2024-06-07"
    assert a.signatories == ["Kim Yoo-na", "Jang Tae-ho"]  # not the mayor, who looked on
    assert [o.parties for o in result.other_agreements] == [
        ["Hanbit Medical Center", "Orion Therapeutics"]
    ]
    assert result.other_agreements[0].date_phrase == "last month"


def test_attending_or_witnessing_is_not_signing():
    text = (
        "Coral Bay Hospital and Eastlake Institute signed an affiliation agreement. Lena Moss and "
        "Ali Khan attended the signing ceremony and witnessed the signing."
    )
    assert analyse(text).agreement.signatories == []


def test_signed_by():
    text = "The collaboration agreement between Coral Bay Hospital and Eastlake Institute was signed by Lena Moss and Ali Khan."
    a = analyse(text).agreement
    assert a.kind == "collaboration agreement"
    assert a.signatories == ["Lena Moss", "Ali Khan"]
    assert set(a.parties) == {"Coral Bay Hospital", "Eastlake Institute"}


def test_one_sentence_two_agreements():
    text = "Eastlake Institute inked two MOUs with Coral Bay Hospital and Westfield University on 3 May 2023."
    result = analyse(text)
    assert [a.parties for a in [result.agreement, *result.other_agreements]] == [
        ["Eastlake Institute", "Coral Bay Hospital"],
        ["Eastlake Institute", "Westfield University"],
    ]
    assert result.agreement.date_phrase == "on 3 May 2023"


def test_plans_and_collaboration_talk_are_not_agreements():
    for text in (
        "Coral Bay Hospital will build the centre in collaboration with Eastlake Institute.",
        "Leaders discussed opportunities for collaboration with Westfield University.",
        "Coral Bay Hospital was designated a research hospital by the Ministry of Health.",
        "The dean spent a great deal of time on the new curriculum.",
    ):
        assert analyse(text).agreement is None, text


def test_partnership_that_is_signed_counts():
    text = "Coral Bay Hospital and Orion Therapeutics formalized a partnership on Monday."
    a = analyse(text).agreement
    assert a is not None
    assert a.parties == ["Coral Bay Hospital", "Orion Therapeutics"]
