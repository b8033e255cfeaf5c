"""A quote prints the speaker's position on the story's date; a signature, on the signing date.

Nothing is copied when the row is saved, so a correction made once (a
renamed or re-dated position, a new publication date, a different
signatory) shows everywhere at once.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleStatus, Quote
from institutions.models import AgreementParty, Position
from tests.support.admin import admin_form_data, change_url
from tests.support.factories import (
    make_agreement,
    make_article,
    make_institution,
    make_person,
    make_position,
    make_staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dean():
    """Vice dean until February 2025, dean from March 2025."""
    person = make_person(name="Choi Jae-young")
    school = make_institution(name="Yonsei University College of Medicine")
    make_position(
        person=person,
        institution=school,
        title="Vice Dean",
        started_on=datetime.date(2021, 3, 1),
        ended_on=datetime.date(2025, 2, 28),
    )
    make_position(
        person=person, institution=school, title="Dean", started_on=datetime.date(2025, 3, 1)
    )
    return person


def _seoul_noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def test_a_backdated_story_published_by_the_editor_prints_the_title_held_then(client, dean):
    writer = make_staff("Writer")
    editor = make_staff("Editor")
    article = make_article(
        headline="Deans sign research pact", status=ArticleStatus.DRAFT, published_at=None
    )
    article.created_by = writer
    article.save()
    # The writer drafts the quote today, when the speaker is already dean.
    client.force_login(writer)
    page = client.get(change_url(article))
    data = admin_form_data(page)
    data.update(
        {
            "quotes-TOTAL_FORMS": "1",
            "quotes-0-person": str(dean.pk),
            "quotes-0-text": "Research needs partners.",
            "quotes-0-order": "0",
        }
    )
    assert client.post(change_url(article), data).status_code == 302
    assert Quote.objects.get(article=article).title_override == ""
    # The editor publishes it dated 3 June 2024, when he was vice dean.
    assert (
        workflow.article_publish(
            article=article, user=editor, now=_seoul_noon(datetime.date(2024, 6, 3))
        )
        == {}
    )

    page = client.get(Article.objects.get(pk=article.pk).get_absolute_url())

    assert (
        '<span class="quote__title">Vice Dean, Yonsei University College of Medicine</span>'
        in page.content.decode()
    )
    assert '<span class="quote__title">Dean,' not in page.content.decode()


def test_renaming_a_position_corrects_every_story_and_refreshes_the_page_cache(
    client, dean, settings
):
    settings.NEWSROOM_PAGE_CACHE = True
    stories = [
        make_article(published_at=_seoul_noon(datetime.date(2025, 6, day))) for day in (2, 3)
    ]
    for story in stories:
        Quote.objects.create(article=story, person=dean, text="We are ready.")
    for story in stories:
        assert "Dean, Yonsei" in client.get(story.get_absolute_url()).content.decode()

    Position.objects.filter(person=dean, title="Dean").update(title="Dean of Medicine")
    # update() sends no signal; an admin save does, and that is what staff use.
    position = Position.objects.get(person=dean, title="Dean of Medicine")
    position.save()

    for story in stories:
        body = client.get(story.get_absolute_url()).content.decode()
        assert "Dean of Medicine, Yonsei University College of Medicine" in body


def test_re_dating_a_position_moves_the_title_with_it(client, dean):
    story = make_article(published_at=_seoul_noon(datetime.date(2025, 3, 10)))
    quote = Quote.objects.create(article=story, person=dean, text="A new chapter.")
    assert quote.printed_title == "Dean, Yonsei University College of Medicine"

    Position.objects.filter(person=dean, title="Vice Dean").update(
        ended_on=datetime.date(2025, 3, 31)
    )
    Position.objects.filter(person=dean, title="Dean").update(started_on=datetime.date(2025, 4, 1))

    quote = Quote.objects.get(pk=quote.pk)
    assert quote.printed_title == "Vice Dean, Yonsei University College of Medicine"


def test_moving_the_publication_date_changes_the_printed_title(dean):
    story = make_article(published_at=_seoul_noon(datetime.date(2025, 6, 1)))
    quote = Quote.objects.create(article=story, person=dean, text="Onwards.")
    assert quote.printed_title.startswith("Dean,")

    Article.objects.filter(pk=story.pk).update(published_at=_seoul_noon(datetime.date(2024, 1, 5)))

    assert Quote.objects.get(pk=quote.pk).printed_title.startswith("Vice Dean,")


def test_a_typed_override_wins_and_is_shown_as_such_in_the_admin(client, dean):
    story = make_article(published_at=_seoul_noon(datetime.date(2025, 6, 1)))
    Quote.objects.create(article=story, person=dean, text="Hi.", title_override="Guest of honour")
    client.force_login(make_staff("Editor"))

    page = client.get(change_url(story)).content.decode()

    assert "Guest of honour (typed for this quote)" in page
    assert "Guest of honour" in client.get(story.get_absolute_url()).content.decode()


def test_a_signatory_prints_the_title_held_on_the_signing_date_and_follows_a_correction(dean):
    school = dean.positions.first().institution
    other = make_institution(name="KAIST")
    agreement = make_agreement(parties=[school, other], signed_on=datetime.date(2024, 9, 4))
    party = AgreementParty.objects.get(agreement=agreement, institution=school)
    party.signatory = dean
    party.save()
    assert party.printed_title == "Vice Dean, Yonsei University College of Medicine"

    correct = make_person(name="Lee Kang-hyun")
    make_position(
        person=correct, institution=school, title="Dean", started_on=datetime.date(2023, 1, 1)
    )
    party.signatory = correct
    party.save()

    party = AgreementParty.objects.get(pk=party.pk)
    assert party.printed_title == "Dean, Yonsei University College of Medicine"
    assert party.title_override == ""


def test_the_agreement_page_prints_signatories_titles_from_positions(client, dean):
    school = dean.positions.first().institution
    agreement = make_agreement(
        parties=[school, make_institution(name="KAIST")], signed_on=datetime.date(2025, 9, 4)
    )
    AgreementParty.objects.filter(agreement=agreement, institution=school).update(signatory=dean)

    page = client.get(reverse("institutions:agreement-detail", kwargs={"slug": agreement.slug}))

    assert "Dean, Yonsei University College of Medicine" in page.content.decode()
