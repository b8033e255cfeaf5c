import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article, ArticleStatus, Quote, Section
from articles.sample import last_wednesday, sample_newsroom_load
from institutions.models import Agreement, Institution, Person


@pytest.mark.django_db
def test_sample_newsroom_loads_twice_without_changing_anything():
    first = sample_newsroom_load(with_staff=True)
    counts = {
        model: model.objects.count()
        for model in (Article, Quote, Section, Institution, Person, Agreement)
    }
    second = sample_newsroom_load(with_staff=True)
    assert first["articles_created"] >= 29
    assert second == {"articles_created": 0, "accounts": []}
    assert counts == {model: model.objects.count() for model in counts}


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
    titles = {q.person.name: q.speaker_title for q in story.quotes.select_related("person")}
    assert titles == {
        "Choi Jae-young": "Dean, Yonsei University College of Medicine",
        "Park Su-hyung": "Dean, KAIST Graduate School of Medical Science and Engineering",
    }
    gsmse = Institution.objects.get(short_name="GSMSE")
    assert gsmse.parent.short_name == "KAIST"
    assert Institution.objects.get(slug="severance-hospital").parent.short_name == "YUHS"


def test_last_wednesday_is_strictly_before_today():
    wednesday = datetime.date(2026, 11, 25)
    assert last_wednesday(datetime.date(2026, 11, 28)) == wednesday
    assert last_wednesday(wednesday) == datetime.date(2026, 11, 18)
    assert last_wednesday(datetime.date(2026, 11, 26)) == wednesday


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
