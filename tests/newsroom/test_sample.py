import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from taggit.models import Tag

from articles.models import (
    Article,
    ArticleStatus,
    Byline,
    Quote,
    RelatedArticle,
    Section,
    TaggedArticle,
)
from institutions.models import (
    Agreement,
    AgreementArea,
    AgreementParty,
    Institution,
    Person,
    Position,
)
from newsroom.sample import (
    last_weekday,
    relative_date,
    relative_time,
    sample_data,
    sample_newsroom_load,
)

LOADED_MODELS = (
    Section,
    Institution,
    Person,
    Position,
    Agreement,
    AgreementParty,
    AgreementArea,
    Article,
    Quote,
    Byline,
    RelatedArticle,
    Tag,
    TaggedArticle,
    get_user_model(),
)


def _kind(value):
    return type(value).__name__


def _shape_problems(name, records):
    """Where the records of one kind differ in keys or in the type of a key's value."""
    if not records or not all(isinstance(record, dict) for record in records):
        return [f"{name}: not a non-empty array of tables"]
    problems = []
    keys = set(records[0])
    for index, record in enumerate(records):
        if set(record) != keys:
            problems.append(f"{name}[{index}]: keys {sorted(set(record) ^ keys)} differ")
    for key in keys:
        values = [record[key] for record in records if key in record]
        if len({_kind(value) for value in values}) > 1:
            problems.append(f"{name}.{key}: mixed types")
            continue
        if not isinstance(values[0], list):
            continue
        items = [item for value in values for item in value]
        if items and all(isinstance(item, dict) for item in items):
            problems += _shape_problems(f"{name}.{key}", items)
        elif len({_kind(item) for item in items}) > 1:
            problems.append(f"{name}.{key}: mixed item types")
    return problems


def test_sample_data_has_one_shape_per_record_kind():
    data = sample_data()
    assert {"sections", "institutions", "people", "positions", "agreements", "articles"} <= set(
        data
    )
    problems = [p for name, records in data.items() for p in _shape_problems(name, records)]
    assert problems == []


def test_sample_data_slugs_are_unique():
    data = sample_data()
    for name, records in data.items():
        if "slug" in records[0]:
            slugs = [record["slug"] for record in records]
            assert len(slugs) == len(set(slugs)), name


def test_sample_times_are_relative_to_the_load():
    now = timezone.make_aware(datetime.datetime(2026, 11, 28, 9, 30))  # a Saturday
    assert relative_time("", now=now) is None
    assert relative_time("in 5 days", now=now) == now + datetime.timedelta(days=5)
    assert relative_time("1 day ago", now=now) == now - datetime.timedelta(days=1)
    assert relative_time("10 days 3 hours ago", now=now) == now - datetime.timedelta(
        days=10, hours=3
    )
    assert relative_time("last wednesday 14:00", now=now) == timezone.make_aware(
        datetime.datetime(2026, 11, 25, 14, 0)
    )
    today = datetime.date(2026, 11, 28)
    assert relative_date("last wednesday", today=today) == datetime.date(2026, 11, 25)
    assert relative_date("40 days ago", today=today) == today - datetime.timedelta(days=40)
    for wrong in ("5 days", "in 5 days ago", "next wednesday", "2026-11-28"):
        with pytest.raises(ValueError):
            relative_time(wrong, now=now)
    with pytest.raises(ValueError):
        relative_date("2 days 3 hours ago", today=today)


@pytest.mark.clock_sensitive
@pytest.mark.django_db
def test_sample_newsroom_loads_twice_without_changing_anything():
    first = sample_newsroom_load(with_staff=True)
    counts = {model: model.objects.count() for model in LOADED_MODELS}
    second = sample_newsroom_load(with_staff=True)
    assert first["articles_created"] >= 29
    assert second == {"articles_created": 0, "accounts": []}
    assert counts == {model: model.objects.count() for model in LOADED_MODELS}


@pytest.mark.clock_sensitive
@pytest.mark.django_db
def test_sample_newsroom_loads_every_record_in_the_data():
    data = sample_data()
    report = sample_newsroom_load(with_staff=True)
    assert report["articles_created"] == len(data["articles"]) == Article.objects.count()
    assert [username for username, _role, _password in report["accounts"]] == [
        record["username"] for record in data["staff"]
    ]
    for model, name in (
        (Section, "sections"),
        (Institution, "institutions"),
        (Person, "people"),
        (Position, "positions"),
        (Agreement, "agreements"),
    ):
        assert model.objects.count() == len(data[name]), name
    assert Quote.objects.count() == sum(len(record["quotes"]) for record in data["articles"])
    assert Institution.objects.get(slug="boston-scientific").country == "United States"


@pytest.mark.clock_sensitive
@pytest.mark.django_db
def test_sample_newsroom_has_every_state_the_gate_knows():
    sample_newsroom_load(with_staff=False)
    published = Article.objects.published()
    assert published.count() >= 25
    assert published.values("section").distinct().count() >= 4
    hidden = Article.objects.exclude(pk__in=published)
    assert hidden.filter(status=ArticleStatus.DRAFT).exists()
    assert hidden.filter(status=ArticleStatus.REVIEW).exists()
    assert hidden.filter(status=ArticleStatus.PUBLISHED, embargo_until__isnull=False).exists()
    assert hidden.filter(status=ArticleStatus.PUBLISHED, embargo_until__isnull=True).exists()


@pytest.mark.clock_sensitive
@pytest.mark.django_db
def test_sample_lead_story_links_the_seed_facts():
    sample_newsroom_load(with_staff=False)
    story = Article.objects.get(slug__startswith="yonsei-medicine-and-kaist-gsmse")
    agreement = story.agreements.get()
    assert {i.label for i in agreement.parties.all()} == {
        "Yonsei University College of Medicine",
        "KAIST GSMSE",
    }
    assert agreement.areas.count() == 4
    assert agreement.signed_on.weekday() == 2  # a Wednesday
    titles = {q.person.name: q.printed_title for q in story.quotes.select_related("person")}
    assert titles == {
        "Choi Jae-young": "Dean, Yonsei University College of Medicine",
        "Park Su-hyung": "Dean, KAIST Graduate School of Medical Science and Engineering",
    }
    gsmse = Institution.objects.get(short_name="GSMSE")
    assert gsmse.parent.short_name == "KAIST"
    assert Institution.objects.get(slug="severance-hospital").parent.short_name == "YUHS"


def test_last_weekday_is_strictly_before_today():
    wednesday = datetime.date(2026, 11, 25)
    assert last_weekday(datetime.date(2026, 11, 28), 2) == wednesday
    assert last_weekday(wednesday, 2) == datetime.date(2026, 11, 18)
    assert last_weekday(datetime.date(2026, 11, 26), 2) == wednesday


@pytest.mark.django_db
def test_command_prints_passwords_only_when_debug_is_on(settings, capsys):
    settings.DEBUG = False
    call_command("load_sample_newsroom")
    assert "password" not in capsys.readouterr().out
    assert not get_user_model().objects.filter(username="editor").exists()

    settings.DEBUG = True
    call_command("load_sample_newsroom")
    out = capsys.readouterr().out
    assert "username editor" in out and "password" in out
    assert get_user_model().objects.get(username="editor").is_staff
