"""Loading the sample newsroom that ``make run`` shows a newcomer.

The records live in ``sample_newsroom.toml`` next to this module; its header
describes the format. Every record is found by its slug before it is created, so
loading twice changes nothing, and times are fixed the first time a record is made.

Each record is given a first revision, as a save in the admin would: an edit
conflict on its first edit then compares three ways (what the editor opened,
theirs, mine) instead of two.
"""

import datetime
import io
import re
import secrets
import tomllib
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from PIL import Image, ImageColor, ImageDraw

from articles.models import Article, ArticleStatus, Byline, Quote, RelatedArticle, Section
from institutions.models import (
    Agreement,
    AgreementArea,
    AgreementParty,
    Institution,
    Person,
    Position,
)
from newsroom import revisions
from newsroom.models import LibraryImage

SAMPLE_PATH = Path(__file__).with_name("sample_newsroom.toml")

# The kinds of sample record kept in revisions, with the sample's key for them.
# Sections are not registered with revisions (articles/models.py), so they
# have none to start from.
REVISED_KINDS = (
    (Institution, "institutions"),
    (Person, "people"),
    (Agreement, "agreements"),
    (Article, "articles"),
)
REVISION_COMMENT = "Loaded with the sample newsroom."

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_LAST_WEEKDAY = re.compile(
    rf"last (?P<weekday>{'|'.join(WEEKDAYS)})(?: (?P<hour>\d{{1,2}}):(?P<minute>\d{{2}}))?"
)
_OFFSET = re.compile(r"(?P<ahead>in )?(?P<days>\d+) days?(?: (?P<hours>\d+) hours?)?(?P<ago> ago)?")


def sample_data(path=SAMPLE_PATH):
    """The sample records: a dict of record kind -> list of records."""
    with open(path, "rb") as file:
        return tomllib.load(file)


def last_weekday(today, weekday):
    """The last ``weekday`` (0 is Monday) strictly before ``today``."""
    return today - datetime.timedelta(days=(today.weekday() - weekday) % 7 or 7)


def _offset(text):
    match = _OFFSET.fullmatch(text)
    if not match or bool(match["ahead"]) == bool(match["ago"]):
        raise ValueError(f"Not a sample time: {text!r}")
    delta = datetime.timedelta(days=int(match["days"]), hours=int(match["hours"] or 0))
    return delta if match["ahead"] else -delta


def relative_time(text, *, now):
    """The moment ``text`` names, such as "in 5 days" or "last wednesday 14:00"; "" is None."""
    if not text:
        return None
    if match := _LAST_WEEKDAY.fullmatch(text):
        day = last_weekday(timezone.localdate(now), WEEKDAYS.index(match["weekday"]))
        at = datetime.time(int(match["hour"] or 0), int(match["minute"] or 0))
        return timezone.make_aware(datetime.datetime.combine(day, at))
    return now + _offset(text)


def relative_date(text, *, today):
    """The day ``text`` names, such as "40 days ago" or "last wednesday"; "" is None."""
    if not text:
        return None
    match = _LAST_WEEKDAY.fullmatch(text)
    if match and not match["hour"]:
        return last_weekday(today, WEEKDAYS.index(match["weekday"]))
    offset = _offset(text)
    if offset % datetime.timedelta(days=1):
        raise ValueError(f"Not a sample date: {text!r}")
    return today + offset


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


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


def sample_sections_load(records):
    sections = {}
    for order, record in enumerate(records):
        sections[record["slug"]], _ = Section.objects.get_or_create(
            slug=record["slug"],
            defaults={"name": record["name"], "description": record["description"], "order": order},
        )
    return sections


def sample_institutions_load(records):
    institutions = {}
    for record in records:
        institutions[record["slug"]], _ = Institution.objects.get_or_create(
            slug=record["slug"],
            defaults={
                "name": record["name"],
                "short_name": record["short_name"],
                "korean_name": record["korean_name"],
                "kind": record["kind"],
                "parent": institutions[record["parent"]] if record["parent"] else None,
                "city": record["city"],
                "country": record["country"],
                "website": record["website"],
                "aliases": "\n".join(record["aliases"]),
            },
        )
    return institutions


def sample_people_load(records, positions, institutions):
    """Load people, and the positions of those who are new."""
    people, new = {}, set()
    for record in records:
        person, created = Person.objects.get_or_create(
            slug=record["slug"],
            defaults={
                "name": record["name"],
                "korean_name": record["korean_name"],
                "bio": record["bio"],
            },
        )
        people[record["slug"]] = person
        if created:
            new.add(record["slug"])
    new_positions = []
    for position in positions:
        person = people[position["person"]]
        if position["person"] in new:
            new_positions.append(
                Position(
                    person=person,
                    institution=institutions[position["institution"]],
                    title=position["title"],
                    started_on=_date(position["started_on"]),
                    ended_on=_date(position["ended_on"]),
                )
            )
    Position.objects.bulk_create(new_positions)
    return people


def sample_agreements_load(records, institutions, people, *, today):
    agreements = {}
    for record in records:
        agreement, created = Agreement.objects.get_or_create(
            slug=record["slug"],
            defaults={
                "title": record["title"],
                "kind": record["kind"],
                "signed_on": relative_date(record["signed"], today=today),
                "place": record["place"],
                "summary": record["summary"],
                "term_years": record["term_years"],
            },
        )
        if created:
            for order, party in enumerate(record["parties"]):
                AgreementParty.objects.create(
                    agreement=agreement,
                    institution=institutions[party["institution"]],
                    signatory=people[party["signatory"]] if party["signatory"] else None,
                    order=order,
                )
            AgreementArea.objects.bulk_create(
                AgreementArea(agreement=agreement, description=text, order=order)
                for order, text in enumerate(record["areas"])
            )
        agreements[record["slug"]] = agreement
    return agreements


def _article_create(record, *, sections, institutions, people, agreements, now):
    article = Article(
        slug=record["slug"],
        headline=record["headline"],
        section=sections[record["section"]],
        standfirst=record["standfirst"],
        body="".join(f"<p>{escape(paragraph)}</p>" for paragraph in record["paragraphs"]),
        status=ArticleStatus(record["status"]),
        published_at=relative_time(record["published"], now=now),
        embargo_until=relative_time(record["embargo_until"], now=now),
    )
    if record["image_color"]:
        color = ImageColor.getrgb(record["image_color"])
        picture = ContentFile(
            sample_image(color, label=record["headline"]), name=f"{record['slug'][:60]}.jpg"
        )
        if record["image_in_library"]:
            # Shows a newcomer the media library with a picture in use.
            article.lead_library_image = LibraryImage.objects.create(
                image=picture,
                alt_text=record["image_alt"],
                caption=record["image_caption"],
                credit=record["image_credit"],
            )
        else:
            article.lead_image.save(picture.name, picture, save=False)
            article.lead_image_alt = record["image_alt"]
            article.lead_image_caption = record["image_caption"]
            article.lead_image_credit = record["image_credit"]
    article.save()
    article.tags.set(record["tags"])
    article.institutions.set([institutions[slug] for slug in record["institutions"]])
    article.agreements.set([agreements[slug] for slug in record["agreements"]])
    article.people.set([people[quote["person"]] for quote in record["quotes"]])
    for order, quote in enumerate(record["quotes"]):
        Quote.objects.create(
            article=article, person=people[quote["person"]], text=quote["text"], order=order
        )
    for order, slug in enumerate(record["bylines"]):
        Byline.objects.create(article=article, person=people[slug], order=order)
    return article


def sample_articles_load(records, *, sections, institutions, people, agreements, now):
    """Create the articles not loaded yet, then link related stories; return how many."""
    slugs = [record["slug"] for record in records]
    existing = set(Article.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    created = 0
    for record in records:
        if record["slug"] in existing:
            continue
        _article_create(
            record,
            sections=sections,
            institutions=institutions,
            people=people,
            agreements=agreements,
            now=now,
        )
        created += 1
    for record in records:
        for order, related_slug in enumerate(record["related"]):
            RelatedArticle.objects.get_or_create(
                article=Article.objects.get(slug=record["slug"]),
                related=Article.objects.get(slug=related_slug),
                defaults={"order": order},
            )
    return created


def sample_staff_load(records):
    """Create one account per role; return (username, role, password) for new ones."""
    User = get_user_model()
    new_accounts = []
    for record in records:
        username = record["username"]
        if User.objects.filter(username=username).exists():
            continue
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(
            username=username,
            password=password,
            is_staff=True,
            is_superuser=record["superuser"],
            email=record["email"],
        )
        group = Group.objects.filter(name=record["group"]).first()
        if group:
            user.groups.add(group)
        new_accounts.append((username, record["group"], password))
    return new_accounts


def sample_revisions_load(data):
    """A first revision of every sample record that has none; return how many were made.

    Made once everything is loaded, so a person's revision holds their
    positions, an agreement's its parties and areas, and a story's its
    quotes, bylines, tags and related stories. Records loaded before the
    sample made revisions get theirs on the next load.
    """
    made = 0
    for model, key in REVISED_KINDS:
        slugs = [record["slug"] for record in data[key]]
        for obj in model._default_manager.filter(slug__in=slugs).order_by("pk"):
            if revisions.versions_of(obj).exists():
                continue
            with revisions.recorded(user=None, comment=REVISION_COMMENT):
                revisions.add_to_current(obj)
            made += 1
    return made


@transaction.atomic
def sample_newsroom_load(*, now=None, with_staff=None):
    """Load the whole sample newsroom; return a short report of what was added."""
    now = now or timezone.now()
    with_staff = settings.DEBUG if with_staff is None else with_staff
    data = sample_data()
    sections = sample_sections_load(data["sections"])
    institutions = sample_institutions_load(data["institutions"])
    people = sample_people_load(data["people"], data["positions"], institutions)
    agreements = sample_agreements_load(
        data["agreements"], institutions, people, today=timezone.localdate(now)
    )
    created = sample_articles_load(
        data["articles"],
        sections=sections,
        institutions=institutions,
        people=people,
        agreements=agreements,
        now=now,
    )
    sample_revisions_load(data)
    accounts = sample_staff_load(data["staff"]) if with_staff else []
    return {"articles_created": created, "accounts": accounts}
