"""A newsroom with public stories and hidden ones that share every link.

The publication gate's tests (pages, crawls, feeds, the API) all start from
this one newsroom, so a link added to one kind of page is tried everywhere.
"""

import datetime

from django.utils import timezone

from articles.models import ArticleStatus, Byline, RelatedArticle
from tests.support.factories import (
    make_agreement,
    make_article,
    make_institution,
    make_person,
    make_position,
    make_quote,
    make_section,
)

# In every hidden headline; the word searched for is in every headline.
HIDDEN_WORD = "Secret"
SEARCH_WORD = "zebrafish"


def gated_newsroom():
    """Three public stories, and a draft, a story in review, a scheduled and an embargoed one.

    Every story shares every link a reader or client could follow: the
    section, two tags, an institution and its school, a person (about,
    quoted, byline, with a title) and an agreement; editors' picks point
    from public stories to hidden ones and back. Hidden headlines contain
    ``HIDDEN_WORD`` and their slugs start with ``secret-``.
    """
    now = timezone.now()
    section = make_section(name="Research", slug="research")
    parent = make_institution(name="KAIST", slug="kaist", short_name="KAIST")
    school = make_institution(name="GSMSE", slug="gsmse", short_name="GSMSE", parent=parent)
    person = make_person(name="Choi Speaker", slug="choi-speaker")
    make_position(person=person, institution=school, title="Dean")
    agreement = make_agreement(title="Zebrafish MOU", slug="zebrafish-mou", parties=[parent])
    common = {"section": section, "tags": ["genomics", SEARCH_WORD]}

    def linked(article):
        article.institutions.add(school, parent)
        article.people.add(person)
        article.agreements.add(agreement)
        Byline.objects.create(article=article, person=person)
        make_quote(article=article, person=person, text=f"Quote in {article.headline}")
        return article

    public = [
        linked(
            make_article(
                headline=f"Public {SEARCH_WORD} story {i}",
                slug=f"public-story-{i}",
                published_at=now - datetime.timedelta(hours=i + 1),
                **common,
            )
        )
        for i in range(3)
    ]
    hidden = [
        linked(make_article(**fields, **common))
        for fields in (
            {
                "headline": f"{HIDDEN_WORD} {SEARCH_WORD} draft",
                "slug": "secret-draft",
                "status": ArticleStatus.DRAFT,
                "published_at": now - datetime.timedelta(hours=1),
            },
            {
                "headline": f"{HIDDEN_WORD} {SEARCH_WORD} in review",
                "slug": "secret-review",
                "status": ArticleStatus.REVIEW,
                "published_at": now - datetime.timedelta(hours=1),
            },
            {
                "headline": f"{HIDDEN_WORD} {SEARCH_WORD} scheduled",
                "slug": "secret-scheduled",
                "published_at": now + datetime.timedelta(hours=3),
            },
            {
                "headline": f"{HIDDEN_WORD} {SEARCH_WORD} embargoed",
                "slug": "secret-embargoed",
                "published_at": now - datetime.timedelta(minutes=30),
                "embargo_until": now + datetime.timedelta(days=1),
            },
        )
    ]
    for article in hidden:
        RelatedArticle.objects.create(article=public[0], related=article)
        RelatedArticle.objects.create(article=article, related=public[1])
    return {
        "public": public,
        "hidden": hidden,
        "section": section,
        "institutions": [parent, school],
        "person": person,
        "agreement": agreement,
    }
