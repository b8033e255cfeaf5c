"""Page numbers past any archive are 404s, never an OFFSET the database refuses."""

import pytest
from django.core.paginator import EmptyPage
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from newsroom.pagination import MAX_PAGE_NUMBER, UncountedPaginator
from tests.support.factories import make_article, make_institution, make_person

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"


def test_validate_number_refuses_pages_past_the_bound():
    paginator = UncountedPaginator(Article.objects.order_by("pk"), 20)

    assert paginator.validate_number(MAX_PAGE_NUMBER) == MAX_PAGE_NUMBER
    with pytest.raises(EmptyPage):
        paginator.validate_number(MAX_PAGE_NUMBER + 1)
    with pytest.raises(EmptyPage):
        paginator.validate_number(int(HUGE))


@pytest.mark.parametrize("page", [HUGE, str(MAX_PAGE_NUMBER + 1), "9" * 5000, "-" + HUGE, "1e400"])
def test_every_list_answers_404_for_absurd_pages(client, page):
    article = make_article(tags=["research"])
    person = make_person()
    institution = make_institution()
    article.people.add(person)
    article.institutions.add(institution)
    lists = [
        reverse("articles:index"),
        article.section.get_absolute_url(),
        reverse("articles:tag", kwargs={"slug": "research"}),
        reverse(
            "articles:archive-year", kwargs={"year": timezone.localdate(article.published_at).year}
        ),
        reverse("articles:search") + "?q=Headline",
        reverse("articles:search"),
        reverse("institutions:index"),
        reverse("institutions:person-list"),
        reverse("institutions:agreement-list"),
        person.get_absolute_url(),
        institution.get_absolute_url(),
    ]
    for url in lists:
        separator = "&" if "?" in url else "?"
        assert client.get(f"{url}{separator}page={page}").status_code == 404, url
