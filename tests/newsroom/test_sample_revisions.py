"""The sample newsroom's records start with a revision, as if saved once in the admin.

Without one, the first edit conflict on a sample record (everything a
newcomer opens after ``make run``) compared only two ways, so the page could
not say who changed what, and "Mine" on a field only the colleague changed
undid their edit.
"""

import pytest

from articles.models import Article
from institutions.models import Agreement, Institution, Person
from newsroom import revisions
from newsroom.locking import ONLY_MINE, ONLY_THEIRS
from newsroom.sample import REVISED_KINDS, sample_data, sample_newsroom_load
from newsroom.validation import WARNINGS_CONFIRMED
from tests.support.admin import admin_form_data, change_url

pytestmark = [pytest.mark.clock_sensitive, pytest.mark.django_db]


@pytest.mark.parametrize(
    ("model", "key"),
    [
        (Article, "articles"),
        (Person, "people"),
        (Institution, "institutions"),
        (Agreement, "agreements"),
    ],
)
def test_every_sample_record_has_a_revision_of_the_version_it_was_loaded_at(model, key):
    sample_newsroom_load(with_staff=False)
    records = list(model._default_manager.all())
    assert len(records) == len(sample_data()[key])
    for obj in records:
        assert revisions.versions_of(obj).exists(), obj
        assert revisions.revision_at_version(obj, obj.version) is not None, obj


def test_the_revisions_hold_the_inline_rows_and_loading_again_adds_none():
    sample_newsroom_load(with_staff=False)
    person = Person.objects.filter(positions__isnull=False).first()
    held = revisions.revision_held(revisions.versions_of(person).get())
    assert len(held.rows["positions"]) == person.positions.count() > 0
    agreement = Agreement.objects.first()
    held = revisions.revision_held(revisions.versions_of(agreement).get())
    assert len(held.rows["party_rows"]) == agreement.party_rows.count() > 0
    assert len(held.rows["areas"]) == agreement.areas.count()
    article = Article.objects.filter(quotes__isnull=False).first()
    held = revisions.revision_held(revisions.versions_of(article).get())
    assert len(held.rows["quotes"]) == article.quotes.count() > 0
    assert held.values["tags"] == sorted(article.tags.values_list("pk", flat=True))

    counts = {
        model: sum(revisions.versions_of(obj).count() for obj in model.objects.all())
        for model, _key in REVISED_KINDS
    }
    sample_newsroom_load(with_staff=False)
    assert counts == {
        model: sum(revisions.versions_of(obj).count() for obj in model.objects.all())
        for model, _key in REVISED_KINDS
    }


def test_records_loaded_without_a_revision_get_one_on_the_next_load():
    sample_newsroom_load(with_staff=False)
    institution = Institution.objects.first()
    revisions.versions_of(institution).delete()
    sample_newsroom_load(with_staff=False)
    assert revisions.revision_at_version(institution, institution.version) is not None


def test_the_first_edit_conflict_on_a_sample_record_is_three_way(two_editors):
    sample_newsroom_load(with_staff=False)
    institution = Institution.objects.filter(parent__isnull=True).first()
    first, second = two_editors
    url = change_url(institution)
    theirs = admin_form_data(first.get(url), city="Theirs-ville", **{WARNINGS_CONFIRMED: "on"})
    mine = admin_form_data(second.get(url), description="Mine.", **{WARNINGS_CONFIRMED: "on"})
    assert first.post(url, theirs).status_code == 302
    refused = second.post(url, mine)
    assert refused.status_code == 200
    conflict = refused.context["adminform"].form.conflict
    assert conflict is not None and conflict.three_way
    origins = {item.label: item.origin for item in conflict.items}
    assert origins["City"] == ONLY_THEIRS
    assert origins["Description"] == ONLY_MINE
