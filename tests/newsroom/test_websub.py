"""WebSub pings for what the clock changes, for every feed a rename shows in, and for moved quotes.

The hub is the real HTTP receiver on 127.0.0.1 of test_feed_content.py. A
change the clock makes is queued with ``run_after``; the tests run each
queued task as the worker would, at the moment it waits for (time-machine),
and one test lets the database queue's own worker (``db_worker``) do it.
"""

import datetime
import logging
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction
from django.tasks import default_task_backend
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import ArticleStatus, Byline, Quote
from institutions.models import Agreement
from institutions.signals import agreement_signing_to_come
from newsroom import websub
from tests.newsroom import test_feed_content as feed_content
from tests.newsroom.test_feed_content import IMMEDIATE, every_format, pinged, socket_closed_port
from tests.support.factories import make_agreement, make_article, make_section
from tests.support.feeds import DAY, HOUR
from tests.support.images import make_library_image

# The feed newsroom and the hub of the feed tests, as fixtures here too.
newsroom = feed_content.newsroom
hub = feed_content.hub

QUEUE = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def queue(hub, settings):
    """The hub, with tasks kept in a queue that can wait (``run_after``) instead of run at once."""
    settings.TASKS = QUEUE
    default_task_backend.clear()
    return default_task_backend


def run_due(queue):
    """Run, as the worker would now, every queued task whose time has come; the rest stay."""
    now = timezone.now()
    due = [r for r in queue.results if r.task.run_after is None or r.task.run_after <= now]
    queue.results[:] = [r for r in queue.results if r not in due]
    for result in due:
        result.task.call(*result.args, **result.kwargs)
    return len(due)


def waiting(queue):
    return sorted(r.task.run_after for r in queue.results if r.task.run_after is not None)


def saved(django_capture_on_commit_callbacks, article, **changes):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for field, value in changes.items():
            setattr(article, field, value)
        article.save()
    return article


# --- What the clock changes ------------------------------------------------


def test_a_scheduled_story_is_announced_when_it_goes_live(
    newsroom, queue, hub, django_capture_on_commit_callbacks
):
    story = newsroom.hidden["scheduled"]
    live = timezone.now() + 2 * HOUR
    saved(django_capture_on_commit_callbacks, story, published_at=live)

    run_due(queue)
    assert hub.pings == []  # not public yet: no feed changed
    assert waiting(queue) == [live]

    with time_machine.travel(live - datetime.timedelta(seconds=1), tick=False):
        assert run_due(queue) == 0
    with time_machine.travel(live, tick=False):
        assert run_due(queue) == 1

    assert pinged(hub) == every_format(
        ("latest", None),
        ("section", "science"),
        ("tag", "genomics"),
        ("person", "choi-jae-young"),
        ("institution", "yonsei-medicine"),
        ("institution", "yonsei"),
        ("agreements", None),
    )


def test_the_feeds_announced_are_those_the_story_is_in_when_it_goes_live(
    newsroom, queue, hub, django_capture_on_commit_callbacks
):
    story = newsroom.hidden["scheduled"]
    live = timezone.now() + 2 * HOUR
    saved(django_capture_on_commit_callbacks, story, published_at=live)
    with django_capture_on_commit_callbacks(execute=True):
        story.tags.add("added-later")
        story.tags.remove("genomics")
    run_due(queue)

    with time_machine.travel(live, tick=False):
        run_due(queue)
    assert every_format(("tag", "added-later")) <= pinged(hub)
    assert not every_format(("tag", "genomics")) & pinged(hub)


def test_an_embargoed_story_is_announced_when_the_embargo_lifts(
    newsroom, queue, hub, django_capture_on_commit_callbacks
):
    story = newsroom.hidden["embargoed"]
    lifts = timezone.now() + 3 * HOUR
    saved(django_capture_on_commit_callbacks, story, embargo_until=lifts)
    run_due(queue)

    assert waiting(queue) == [lifts]
    with time_machine.travel(lifts, tick=False):
        run_due(queue)
    assert every_format(("latest", None), ("section", "science")) <= pinged(hub)


def test_a_rescheduled_story_is_announced_once_at_its_new_time(
    newsroom, queue, hub, django_capture_on_commit_callbacks
):
    story = newsroom.hidden["scheduled"]
    first, second = timezone.now() + 2 * HOUR, timezone.now() + 5 * HOUR
    saved(django_capture_on_commit_callbacks, story, published_at=first)
    saved(django_capture_on_commit_callbacks, story, published_at=second)
    run_due(queue)
    assert waiting(queue) == [first, second]

    with time_machine.travel(first, tick=False):
        run_due(queue)
    assert hub.pings == []  # no longer due then
    with time_machine.travel(second, tick=False):
        run_due(queue)
    assert every_format(("latest", None), ("section", "science")) <= pinged(hub)


def test_a_story_moved_earlier_is_not_announced_again_at_its_old_time(
    newsroom, queue, hub, django_capture_on_commit_callbacks
):
    story = newsroom.hidden["scheduled"]
    late, early = timezone.now() + 5 * HOUR, timezone.now() + 2 * HOUR
    saved(django_capture_on_commit_callbacks, story, published_at=late)
    saved(django_capture_on_commit_callbacks, story, published_at=early)
    run_due(queue)

    with time_machine.travel(early, tick=False):
        run_due(queue)
    assert pinged(hub)
    hub.pings.clear()
    with time_machine.travel(late, tick=False):
        run_due(queue)
    assert hub.pings == []


def test_saving_a_scheduled_story_again_queues_nothing_more(
    newsroom, queue, django_capture_on_commit_callbacks
):
    story = newsroom.hidden["scheduled"]
    live = timezone.now() + 2 * HOUR
    saved(django_capture_on_commit_callbacks, story, published_at=live)
    saved(django_capture_on_commit_callbacks, story, headline="Scheduled, with a better headline")

    assert waiting(queue) == [live]


def test_a_scheduled_story_unpublished_before_its_time_is_never_announced(
    newsroom, queue, hub, django_capture_on_commit_callbacks
):
    story = newsroom.hidden["scheduled"]
    live = timezone.now() + 2 * HOUR
    saved(django_capture_on_commit_callbacks, story, published_at=live)
    saved(django_capture_on_commit_callbacks, story, status=ArticleStatus.DRAFT)
    run_due(queue)

    with time_machine.travel(live, tick=False):
        run_due(queue)
    assert hub.pings == []


def test_a_draft_with_a_future_time_waits_for_nothing(
    newsroom, queue, django_capture_on_commit_callbacks
):
    saved(
        django_capture_on_commit_callbacks,
        newsroom.hidden["draft"],
        published_at=timezone.now() + DAY,
    )

    assert waiting(queue) == []


@pytest.mark.clock_sensitive
def test_an_agreement_enters_the_agreements_feed_on_its_signing_day(
    newsroom, queue, hub, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        agreement = make_agreement(
            title="Signed next week", signed_on=timezone.localdate() + datetime.timedelta(days=7)
        )
    run_due(queue)
    hub.pings.clear()
    midnight = agreement_signing_to_come(agreement)
    assert timezone.localtime(midnight).time() == datetime.time()
    assert timezone.localtime(midnight).date() == agreement.signed_on
    assert waiting(queue) == [midnight]

    with time_machine.travel(midnight, tick=False):
        run_due(queue)
    assert pinged(hub) == every_format(("agreements", None))


def test_without_a_hub_nothing_waits_for_the_clock(
    newsroom, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = QUEUE
    default_task_backend.clear()
    saved(
        django_capture_on_commit_callbacks,
        newsroom.hidden["scheduled"],
        published_at=timezone.now() + 2 * HOUR,
    )

    assert default_task_backend.results == []


def test_a_task_that_finds_the_hub_gone_sends_nothing(
    newsroom, queue, hub, settings, django_capture_on_commit_callbacks
):
    live = timezone.now() + 2 * HOUR
    saved(django_capture_on_commit_callbacks, newsroom.hidden["scheduled"], published_at=live)
    run_due(queue)
    settings.NEWSROOM_WEBSUB_HUB = ""

    with time_machine.travel(live, tick=False):
        assert run_due(queue) == 1
    assert hub.pings == []


def test_a_hub_down_at_the_moment_is_logged_and_nothing_raised(
    newsroom, queue, settings, caplog, django_capture_on_commit_callbacks
):
    live = timezone.now() + 2 * HOUR
    saved(django_capture_on_commit_callbacks, newsroom.hidden["scheduled"], published_at=live)
    run_due(queue)
    with socket_closed_port() as port:
        settings.NEWSROOM_WEBSUB_HUB = f"http://127.0.0.1:{port}/hub"

    with (
        time_machine.travel(live, tick=False),
        caplog.at_level(logging.WARNING, logger="newsroom.websub"),
    ):
        run_due(queue)
    assert "unreachable" in caplog.text


def test_a_backend_that_cannot_wait_is_logged_and_the_save_stands(
    newsroom, hub, settings, caplog, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    live = timezone.now() + 2 * HOUR
    with caplog.at_level(logging.WARNING, logger="newsroom.websub"):
        saved(django_capture_on_commit_callbacks, newsroom.hidden["scheduled"], published_at=live)

    newsroom.hidden["scheduled"].refresh_from_db()
    assert newsroom.hidden["scheduled"].published_at == live
    assert "cannot run a task later" in caplog.text
    assert live.isoformat() in caplog.text


@pytest.mark.clock_sensitive
def test_the_catch_up_command_queues_what_was_scheduled_before_the_hub(newsroom, queue, hub):
    """feed_newsroom() was built with no hub: its scheduled and embargoed stories and
    its agreement still to be signed were noted by nobody."""
    assert queue.results == []
    out = StringIO()
    call_command("websub_queue_scheduled", stdout=out)

    assert "Queued 3 WebSub ping tasks" in out.getvalue()
    pending = Agreement.objects.get(title="Agreement still to be signed")
    scheduled, embargoed = newsroom.hidden["scheduled"], newsroom.hidden["embargoed"]
    assert waiting(queue) == sorted(
        [
            scheduled.published_at,
            embargoed.embargo_until,
            agreement_signing_to_come(pending),
        ]
    )
    # Late in the newsroom's evening the agreement's signing day begins before
    # the story's time: that change runs first, on its own (this failed
    # between 14:00 and 15:00 UTC, counting its pings as the story's).
    earlier = [moment for moment in waiting(queue) if moment < scheduled.published_at]
    if earlier:
        with time_machine.travel(earlier[-1], tick=False):
            run_due(queue)
        hub.pings.clear()
    with time_machine.travel(scheduled.published_at, tick=False):
        run_due(queue)
    assert every_format(("latest", None), ("section", "science")) <= pinged(hub)


def test_the_catch_up_command_without_a_hub_queues_nothing(newsroom, settings):
    settings.TASKS = QUEUE
    default_task_backend.clear()
    out = StringIO()
    call_command("websub_queue_scheduled", stdout=out)

    assert "nothing queued" in out.getvalue()
    assert default_task_backend.results == []


def test_the_catch_up_command_refuses_a_backend_that_cannot_wait(newsroom, hub):
    with pytest.raises(CommandError, match="cannot run a task later"):
        call_command("websub_queue_scheduled")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_queues_worker_pings_when_the_story_goes_live(hub, settings):
    """End to end: the save queues in the database; ``db_worker`` runs it when its time comes."""
    settings.TASKS = DATABASE_QUEUE
    section = make_section(name="Research", slug="research")
    live = timezone.now() + 2 * HOUR
    story = make_article(
        headline="Starts at noon", section=section, published_at=live, tags=["grants"]
    )

    call_command("db_worker", batch=True, startup_delay=False, reload=False)
    assert hub.pings == []
    (waiting_row,) = DBTaskResult.objects.filter(status="READY")
    assert waiting_row.run_after == live

    with time_machine.travel(live + datetime.timedelta(seconds=1), tick=False):
        call_command("db_worker", batch=True, startup_delay=False, reload=False)

    assert pinged(hub) == every_format(("latest", None), ("section", "research"), ("tag", "grants"))
    assert story.pk and not DBTaskResult.objects.filter(status="READY").exists()


# --- Every feed a rename shows in ------------------------------------------


@pytest.fixture
def deep_archive(db):
    """An old science story behind 30 newer ones, still shown by a quiet tag's feed.

    "busy" also tags it, but 30 newer campus stories fill that feed.
    """
    science = make_section(name="Science", slug="science")
    campus = make_section(name="Campus", slug="campus")
    now = timezone.now()
    old = make_article(section=science, published_at=now - 400 * DAY, tags=["quiet-topic", "busy"])
    for number in range(30):
        make_article(section=science, published_at=now - datetime.timedelta(days=number + 1))
        make_article(
            section=campus, published_at=now - datetime.timedelta(days=number + 1), tags=["busy"]
        )
    return science, old


def test_renaming_a_section_pings_a_quiet_feed_still_showing_an_old_story(
    deep_archive, hub, django_capture_on_commit_callbacks
):
    science, _old = deep_archive
    with django_capture_on_commit_callbacks(execute=True):
        science.name = "Life sciences"
        science.save()

    assert pinged(hub) == every_format(
        ("latest", None), ("section", "science"), ("tag", "quiet-topic")
    )  # "busy" lists the old story too, but its 30 newest are campus stories


def test_renaming_a_subject_resolves_nothing_in_the_save(
    deep_archive, queue, django_capture_on_commit_callbacks, django_assert_num_queries
):
    science, _old = deep_archive
    science.name = "Life sciences"
    with django_assert_num_queries(1), django_capture_on_commit_callbacks(execute=True):
        science.save()  # the UPDATE: which feeds show it is the worker's to find

    (result,) = queue.results
    assert result.kwargs == {"notes": {"subjects": [["section", science.pk]]}}


def test_deleting_a_tag_pings_the_feeds_that_showed_it(
    deep_archive, hub, django_capture_on_commit_callbacks
):
    _science, old = deep_archive
    tag = old.tags.get(slug="busy")
    with django_capture_on_commit_callbacks(execute=True):
        tag.delete()

    # The quiet topic's feed still shows the old story, which named "busy";
    # science's 30 newest are all newer than it.
    assert pinged(hub) == every_format(
        ("latest", None), ("section", "campus"), ("tag", "busy"), ("tag", "quiet-topic")
    )


# --- Quotes and bylines that change hands ----------------------------------


def test_a_quote_given_to_another_speaker_pings_the_old_speakers_feed(
    newsroom, hub, django_capture_on_commit_callbacks
):
    quote = Quote.objects.get(article=newsroom.older, person=newsroom.dean)
    with django_capture_on_commit_callbacks(execute=True):
        quote.person = newsroom.writer
        quote.save()

    assert every_format(("person", "choi-jae-young"), ("person", "han-seo-yeon")) <= pinged(hub)
    assert every_format(("section", "science"), ("tag", "genomics")) <= pinged(hub)


def test_a_quote_moved_to_another_story_pings_the_feeds_of_both(
    newsroom, hub, django_capture_on_commit_callbacks
):
    quote = Quote.objects.get(article=newsroom.older, person=newsroom.dean)
    with django_capture_on_commit_callbacks(execute=True):
        quote.article = newsroom.campus_story
        quote.save()

    assert every_format(("section", "campus"), ("person", "choi-jae-young")) <= pinged(hub)
    assert every_format(("section", "science"), ("tag", "genomics")) <= pinged(hub)  # left


def test_a_byline_given_to_another_author_pings_the_old_authors_feed(
    newsroom, hub, django_capture_on_commit_callbacks
):
    byline = Byline.objects.get(article=newsroom.newer, person=newsroom.writer)
    with django_capture_on_commit_callbacks(execute=True):
        byline.person = newsroom.dean
        byline.save()

    assert every_format(("person", "han-seo-yeon"), ("person", "choi-jae-young")) <= pinged(hub)


def test_a_quote_edited_in_place_pings_no_other_person(
    newsroom, hub, django_capture_on_commit_callbacks
):
    quote = Quote.objects.get(article=newsroom.older, person=newsroom.dean)
    with django_capture_on_commit_callbacks(execute=True):
        quote.text = "A centre for everyone, and for years."
        quote.save()

    people = {url for url in pinged(hub) if "/person/" in url}
    assert people == every_format(("person", "choi-jae-young"))


def test_notes_travel_to_the_task_as_json_and_back():
    notes = {"sources": {("latest", None), ("tag", "ai")}, "articles": {3, 1}}

    dumped = websub._notes_dump(notes)

    assert dumped == {"sources": [["latest", None], ["tag", "ai"]], "articles": [1, 3]}
    assert websub._notes_load(dumped) == notes


# --- Media library pictures ---------------------------------------------------


def test_editing_a_library_picture_pings_the_feeds_of_the_stories_showing_it(
    db, hub, settings, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_SERVE_MEDIA = True
    with django_capture_on_commit_callbacks(execute=True):
        science = make_section(name="Science", slug="science")
        campus = make_section(name="Campus", slug="campus")
        lead, in_body = make_library_image(), make_library_image()
        make_article(section=science, lead_library_image=lead)
        make_article(
            section=campus,
            body=f'<figure><img src="/x.jpg" data-library-image="{in_body.pk}" alt=""></figure>',
        )
        make_article(section=make_section(name="Hospital", slug="hospital"))
    hub.pings.clear()

    with django_capture_on_commit_callbacks(execute=True):
        lead.alt_text = "The deans sign the agreement"
        lead.save()
    assert pinged(hub) == every_format(("latest", None), ("section", "science"))

    hub.pings.clear()
    with django_capture_on_commit_callbacks(execute=True):
        in_body.delete()
    assert pinged(hub) == every_format(("latest", None), ("section", "campus"))
