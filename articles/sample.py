"""Loading the sample newsroom that ``make run`` shows a newcomer.

Every record is found by its slug before it is created, so loading twice
changes nothing; dates are fixed the first time a record is made.
"""

import datetime
import io
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from PIL import Image, ImageDraw

from articles import sample_content as content
from articles.models import Article, ArticleStatus, Byline, Quote, RelatedArticle, Section
from institutions.models import (
    Agreement,
    AgreementArea,
    AgreementParty,
    Institution,
    Person,
    Position,
)

STAFF_ACCOUNTS = [
    ("writer", "Writer", False),
    ("editor", "Editor", False),
    ("admin", "Administrator", True),
]


def last_wednesday(today):
    return today - datetime.timedelta(days=(today.weekday() - 2) % 7 or 7)


def sample_image(color, *, label):
    """A generated lead image: a colour field with simple shapes, as JPEG bytes."""
    width, height = 1600, 900
    image = Image.new("RGB", (width, height), color)
    draw = ImageDraw.Draw(image)
    light = tuple(min(255, c + 70) for c in color)
    dark = tuple(max(0, c - 40) for c in color)
    for i in range(6):
        draw.ellipse(
            (180 * i - 100, 420 - 40 * i, 180 * i + 420, 940 - 40 * i), outline=light, width=6
        )
    draw.rectangle((0, height - 140, width, height), fill=dark)
    draw.text((60, height - 100), label[:80], fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def sample_sections_load():
    sections = {}
    for order, (name, slug, description) in enumerate(content.SECTIONS):
        sections[slug], _ = Section.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "order": order}
        )
    return sections


def sample_institutions_load():
    institutions = {}
    for slug, name, short, korean, kind, parent, city, website, aliases in content.INSTITUTIONS:
        institutions[slug], _ = Institution.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "short_name": short,
                "korean_name": korean,
                "kind": kind,
                "parent": institutions.get(parent),
                "city": city,
                "country": "United States" if slug == "boston-scientific" else "South Korea",
                "website": website,
                "aliases": aliases,
            },
        )
    return institutions


def sample_people_load(institutions):
    people = {}
    for slug, name, korean, bio, positions in content.PEOPLE:
        person, created = Person.objects.get_or_create(
            slug=slug, defaults={"name": name, "korean_name": korean, "bio": bio}
        )
        if created:
            Position.objects.bulk_create(
                Position(
                    person=person,
                    institution=institutions[institution],
                    title=title,
                    started_on=_date(started),
                    ended_on=_date(ended),
                )
                for institution, title, started, ended in positions
            )
        people[slug] = person
    return people


def sample_agreements_load(institutions, people, *, today):
    agreements = {}
    for slug, title, kind, days_ago, place, summary, term, parties, areas in content.AGREEMENTS:
        signed_on = (
            last_wednesday(today) if days_ago is None else today - datetime.timedelta(days_ago)
        )
        agreement, created = Agreement.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "kind": kind,
                "signed_on": signed_on,
                "place": place,
                "summary": summary,
                "term_years": term,
            },
        )
        if created:
            for order, (institution, signatory) in enumerate(parties):
                AgreementParty.objects.create(
                    agreement=agreement,
                    institution=institutions[institution],
                    signatory=people.get(signatory),
                    order=order,
                )
            AgreementArea.objects.bulk_create(
                AgreementArea(agreement=agreement, description=text, order=order)
                for order, text in enumerate(areas)
            )
        agreements[slug] = agreement
    return agreements


def _story_time(days_ago, *, now):
    if days_ago == "wednesday":
        day = last_wednesday(timezone.localdate(now))
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(14, 0)))
    return now - datetime.timedelta(days=days_ago, hours=3)


def _article_create(spec, *, sections, institutions, people, agreements, now):
    published_at = _story_time(spec["days_ago"], now=now)
    body = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in spec["paragraphs"])
    article = Article(
        slug=spec["slug"],
        headline=spec["headline"],
        section=sections[spec["section"]],
        standfirst=spec["standfirst"],
        body=body,
        status=ArticleStatus.PUBLISHED,
        published_at=published_at,
    )
    if color := spec.get("image"):
        article.lead_image.save(
            f"{spec['slug'][:60]}.jpg",
            ContentFile(sample_image(color, label=spec["headline"])),
            save=False,
        )
        article.lead_image_alt = "An abstract illustration in the newsroom's colours"
        article.lead_image_caption = "Illustration for: " + spec["headline"]
        article.lead_image_credit = "Communications Office"
    article.save()
    article.tags.set(spec.get("tags", []))
    article.institutions.set([institutions[slug] for slug in spec.get("institutions", [])])
    article.agreements.set([agreements[slug] for slug in spec.get("agreements", [])])
    quoted = [people[slug] for slug, _words in spec.get("quotes", [])]
    article.people.set(quoted)
    for order, (slug, words) in enumerate(spec.get("quotes", [])):
        Quote.objects.create(article=article, person=people[slug], text=words, order=order)
    for order, slug in enumerate(spec.get("bylines", [])):
        Byline.objects.create(article=article, person=people[slug], order=order)
    return article


def _extra_spec(row):
    slug, headline, section, days_ago, standfirst, tags, institution_slugs, speaker = row
    paragraphs = [
        standfirst,
        content.EXTRA_DETAILS[slug],
    ]
    return {
        "slug": slug,
        "headline": headline,
        "section": section,
        "days_ago": days_ago,
        "standfirst": standfirst,
        "paragraphs": paragraphs,
        "tags": tags,
        "institutions": institution_slugs,
        "quotes": [(speaker, content.EXTRA_QUOTES[speaker])] if speaker else [],
        "bylines": ["han-seo-yeon" if days_ago % 2 else "lee-jun-ho"],
    }


def sample_articles_load(*, sections, institutions, people, agreements, now):
    specs = list(content.ARTICLES) + [_extra_spec(row) for row in content.EXTRA_STORIES]
    created = 0
    existing = set(
        Article.objects.filter(slug__in=[s["slug"] for s in specs]).values_list("slug", flat=True)
    )
    for spec in specs:
        if spec["slug"] in existing:
            continue
        _article_create(
            spec,
            sections=sections,
            institutions=institutions,
            people=people,
            agreements=agreements,
            now=now,
        )
        created += 1
    for spec in specs:
        for order, related_slug in enumerate(spec.get("related", [])):
            RelatedArticle.objects.get_or_create(
                article=Article.objects.get(slug=spec["slug"]),
                related=Article.objects.get(slug=related_slug),
                defaults={"order": order},
            )
    for slug, headline, section, status, timing in content.UNPUBLISHED:
        if Article.objects.filter(slug=slug).exists():
            continue
        days_ahead = timing.get("days_ahead")
        embargo_days = timing.get("embargo_days_ahead")
        Article.objects.create(
            slug=slug,
            headline=headline,
            section=sections[section],
            standfirst="Not yet public: this sample story shows how the newsroom keeps "
            "unfinished, scheduled and embargoed work out of sight.",
            body="<p>Details are held back until the story is cleared for release.</p>",
            status=status,
            published_at=now + datetime.timedelta(days=days_ahead)
            if days_ahead is not None
            else None,
            embargo_until=now + datetime.timedelta(days=embargo_days) if embargo_days else None,
        )
        created += 1
    return created


def sample_staff_load():
    """Create one account per role; return (username, password) for new ones."""
    User = get_user_model()
    new_accounts = []
    for username, group_name, is_superuser in STAFF_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(
            username=username,
            password=password,
            is_staff=True,
            is_superuser=is_superuser,
            email=f"{username}@newsroom.example",
        )
        group = Group.objects.filter(name=group_name).first()
        if group:
            user.groups.add(group)
        new_accounts.append((username, group_name, password))
    return new_accounts


@transaction.atomic
def sample_newsroom_load(*, now=None, with_staff=None):
    """Load the whole sample newsroom; return a short report of what was added."""
    now = now or timezone.now()
    with_staff = settings.DEBUG if with_staff is None else with_staff
    sections = sample_sections_load()
    institutions = sample_institutions_load()
    people = sample_people_load(institutions)
    agreements = sample_agreements_load(institutions, people, today=timezone.localdate(now))
    created = sample_articles_load(
        sections=sections, institutions=institutions, people=people, agreements=agreements, now=now
    )
    accounts = sample_staff_load() if with_staff else []
    return {"articles_created": created, "accounts": accounts}
