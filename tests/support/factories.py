"""Small builders for test records; keyword overrides change any field."""

import datetime
import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, ArticleStatus, Quote, Section
from institutions.models import Agreement, AgreementParty, Institution, Person, Position

_counter = itertools.count(1)


def _n():
    return next(_counter)


def make_section(**overrides):
    n = _n()
    fields = {"name": f"Section {n}", "slug": f"section-{n}"}
    fields.update(overrides)
    return Section.objects.create(**fields)


def make_article(**overrides):
    n = _n()
    tags = overrides.pop("tags", None)
    fields = {
        "headline": f"Headline {n}",
        "slug": f"headline-{n}",
        "standfirst": f"Standfirst {n}",
        "body": f"<p>Body of story {n}.</p>",
        "status": ArticleStatus.PUBLISHED,
        "published_at": timezone.now() - datetime.timedelta(hours=n),
    }
    fields.update(overrides)
    if "section" not in fields:
        fields["section"] = make_section()
    article = Article.objects.create(**fields)
    if tags:
        article.tags.set(tags)
    return article


def make_institution(**overrides):
    n = _n()
    fields = {"name": f"Institution {n}", "slug": f"institution-{n}"}
    fields.update(overrides)
    return Institution.objects.create(**fields)


def make_person(**overrides):
    n = _n()
    fields = {"name": f"Person {n}", "slug": f"person-{n}"}
    fields.update(overrides)
    return Person.objects.create(**fields)


def make_position(**overrides):
    fields = {"title": "Dean", "started_on": datetime.date(2020, 1, 1)}
    fields.update(overrides)
    if "person" not in fields:
        fields["person"] = make_person()
    if "institution" not in fields:
        fields["institution"] = make_institution()
    return Position.objects.create(**fields)


def make_agreement(*, parties=(), **overrides):
    n = _n()
    fields = {
        "title": f"Agreement {n}",
        "slug": f"agreement-{n}",
        "signed_on": datetime.date(2026, 1, 7),
    }
    fields.update(overrides)
    agreement = Agreement.objects.create(**fields)
    for order, institution in enumerate(parties):
        AgreementParty.objects.create(agreement=agreement, institution=institution, order=order)
    return agreement


def make_quote(**overrides):
    fields = {"text": "We are delighted."}
    fields.update(overrides)
    if "article" not in fields:
        fields["article"] = make_article()
    if "person" not in fields:
        fields["person"] = make_person()
    return Quote.objects.create(**fields)


def image_upload(*, name="photo.jpg", size=(64, 48), image_format="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def make_staff(role, **overrides):
    """A staff account in one of the role groups: "Writer", "Editor" or "Administrator"."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    n = _n()
    fields = {"username": f"{role.lower()}-{n}", "email": f"{role.lower()}-{n}@example.com"}
    fields.update(overrides)
    user = get_user_model().objects.create_user(password="pw", is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role))
    return user
