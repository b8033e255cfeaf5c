"""Agreements over time: renewals, expiry in the admin, the schedule block, the calendar."""

import datetime
import itertools

import feedparser
import icalendar
import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import ArticleStatus
from institutions.calendar import agreement_calendar_token, agreement_calendar_url
from institutions.models import Agreement
from newsroom.display import newsroom_time_display
from tests.support.admin import admin_form_data
from tests.support.factories import make_agreement, make_article, make_institution, make_staff

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _today():
    return timezone.localdate()


# --- Renewals ---------------------------------------------------------------


def _renewal_errors(agreement):
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    return error.value.message_dict


def test_agreement_cannot_renew_itself():
    agreement = make_agreement()
    agreement.renews = agreement

    assert _renewal_errors(agreement) == {"renews": ["An agreement cannot renew itself."]}


def test_database_refuses_an_agreement_renewing_itself():
    agreement = make_agreement()
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=agreement.pk).update(renews=agreement)


def test_agreement_cannot_renew_a_later_one():
    later = make_agreement(title="2030 MOU", signed_on=datetime.date(2030, 5, 1))
    earlier = make_agreement(signed_on=datetime.date(2025, 5, 1), renews=later)

    errors = _renewal_errors(earlier)

    assert list(errors) == ["renews"]
    assert "2030 MOU was signed on 2030-05-01" in errors["renews"][0]


def test_an_earlier_agreement_cannot_move_after_its_renewal():
    first = make_agreement(signed_on=datetime.date(2020, 1, 1))
    make_agreement(title="Renewal", signed_on=datetime.date(2025, 1, 1), renews=first)
    first.signed_on = datetime.date(2026, 1, 1)

    errors = _renewal_errors(first)

    assert list(errors) == ["signed_on"]
    assert "Renewal renews this agreement" in errors["signed_on"][0]


@pytest.mark.parametrize("links", [2, 3])
def test_renewals_cannot_go_round_in_a_loop(links):
    # Signed the same day, so only the loop rule can refuse them.
    chain = [
        make_agreement(title=f"Link {n}", signed_on=datetime.date(2025, 1, 1)) for n in range(links)
    ]
    for earlier, later in itertools.pairwise(chain):
        later.renews = earlier
        later.save()
    chain[0].renews = chain[-1]

    errors = _renewal_errors(chain[0])

    assert list(errors) == ["renews"]
    assert "cannot go round in a loop" in errors["renews"][0]


def test_a_renewal_of_an_earlier_agreement_is_valid_and_reported_with_other_errors():
    first = make_agreement(signed_on=datetime.date(2020, 1, 1))
    renewal = make_agreement(signed_on=datetime.date(2025, 1, 1), renews=first)
    renewal.full_clean()

    renewal.renews = renewal
    renewal.expires_on = datetime.date(2024, 1, 1)
    assert set(_renewal_errors(renewal)) == {"renews", "expires_on"}


def test_deleting_the_earlier_agreement_keeps_its_renewal():
    first = make_agreement()
    renewal = make_agreement(signed_on=first.signed_on + DAY, renews=first)
    first.delete()

    renewal.refresh_from_db()
    assert renewal.renews is None


def test_both_agreement_pages_link_the_renewal(client):
    first = make_agreement(title="2020 exchange", signed_on=datetime.date(2020, 3, 1))
    renewal = make_agreement(
        title="2025 exchange renewed", signed_on=datetime.date(2025, 3, 1), renews=first
    )

    later_page = client.get(renewal.get_absolute_url())
    earlier_page = client.get(first.get_absolute_url())

    assertContains(later_page, "<dt>Renews</dt>", html=False)
    assertContains(later_page, f'<a href="{first.get_absolute_url()}">2020 exchange</a>')
    assertContains(earlier_page, "<dt>Renewed by</dt>", html=False)
    assertContains(
        earlier_page, f'<a href="{renewal.get_absolute_url()}">2025 exchange renewed</a>'
    )
    assertNotContains(earlier_page, "<dt>Renews</dt>", html=False)
    assertNotContains(later_page, "<dt>Renewed by</dt>", html=False)


def _feed_queries_and_content(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("feeds:agreements"))
    assert response.status_code == 200
    return len(queries.captured_queries), response.content.decode()


def test_agreement_feed_items_mention_renewals_at_no_extra_cost(client):
    first = make_agreement(title="2020 exchange", signed_on=datetime.date(2020, 3, 1))
    before, _ = _feed_queries_and_content(client)
    renewal = make_agreement(
        title="2025 exchange renewed", signed_on=datetime.date(2025, 3, 1), renews=first
    )

    after, content = _feed_queries_and_content(client)

    assert after == before
    items = {entry.title: entry.content[0].value for entry in feedparser.parse(content).entries}
    later_link = (
        f'<a href="http://testserver{renewal.get_absolute_url()}">2025 exchange renewed</a>'
    )
    earlier_link = f'<a href="http://testserver{first.get_absolute_url()}">2020 exchange</a>'
    assert f"Renews {earlier_link}, signed on 1 March 2020." in items["2025 exchange renewed"]
    assert f"Renewed by {later_link}, signed on 1 March 2025." in items["2020 exchange"]


def test_admin_sets_the_renewal_shows_it_back_and_refuses_a_loop(editor_client):
    kaist, yonsei = make_institution(), make_institution()
    first = make_agreement(title="First MOU", parties=[kaist, yonsei])
    # Signed the same day, so the loop rule is what refuses the second link.
    second = make_agreement(title="Second MOU", parties=[kaist, yonsei], signed_on=first.signed_on)
    second_url = reverse("admin:institutions_agreement_change", args=[second.pk])
    first_url = reverse("admin:institutions_agreement_change", args=[first.pk])

    page = editor_client.get(second_url)
    assert "renews" in page.context["adminform"].form.fields
    assertContains(page, 'data-ajax--url="/admin/autocomplete/"', html=False)
    response = editor_client.post(second_url, admin_form_data(page, renews=str(first.pk)))
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.renews == first

    first_page = editor_client.get(first_url)
    assertContains(first_page, f'<a href="{second_url}">Second MOU</a>')
    refused = editor_client.post(first_url, admin_form_data(first_page, renews=str(second.pk)))
    assert refused.status_code == 200
    assert "loop" in refused.context["adminform"].form.errors["renews"][0]
    first.refresh_from_db()
    assert first.renews is None


# --- The expiry filter ------------------------------------------------------


@pytest.fixture
def agreements_by_expiry():
    today = _today()
    signed = today - datetime.timedelta(days=4000)
    return {
        "lapsed": make_agreement(signed_on=signed, expires_on=today - DAY),
        "today": make_agreement(signed_on=signed, expires_on=today),
        "in 90 days": make_agreement(signed_on=signed, expires_on=today + 90 * DAY),
        "in 91 days": make_agreement(signed_on=signed, expires_on=today + 91 * DAY),
        "in 400 days": make_agreement(signed_on=signed, expires_on=today + 400 * DAY),
        "open-ended": make_agreement(signed_on=signed),
        "unsigned": make_agreement(signed_on=today + 10 * DAY),
    }


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("expired", {"lapsed"}),
        ("90-days", {"today", "in 90 days"}),
        ("year", {"today", "in 90 days", "in 91 days"}),
        ("open-ended", {"open-ended", "unsigned"}),
        ("in-force", {"today", "in 90 days", "in 91 days", "in 400 days", "open-ended"}),
    ],
)
def test_agreement_changelist_filters_by_expiry(
    editor_client, agreements_by_expiry, choice, expected
):
    url = reverse("admin:institutions_agreement_changelist")
    response = editor_client.get(url, {"expiry": choice})

    assert response.status_code == 200
    names = {
        name
        for name, agreement in agreements_by_expiry.items()
        if agreement in response.context["cl"].result_list
    }
    assert names == expected


# --- The admin index --------------------------------------------------------

INDEX = reverse("admin:index")


def test_editor_sees_the_schedule_and_agreements_blocks_writer_only_agreements(
    editor_client, writer_client
):
    editor_page = editor_client.get(INDEX)
    writer_page = writer_client.get(INDEX)

    assertContains(editor_page, 'id="publication-schedule"')
    assertContains(editor_page, 'id="agreements-expiring"')
    assertNotContains(writer_page, 'id="publication-schedule"')
    assertContains(writer_page, 'id="agreements-expiring"')
    # The editors' review queue stays where it was.
    assertContains(editor_page, 'id="review-queue"')


def test_staff_without_view_permission_on_agreements_sees_no_agreements_block(django_user_model):
    user = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_section"))
    client = Client()
    client.force_login(user)

    page = client.get(INDEX)

    assert page.status_code == 200
    assertNotContains(page, 'id="agreements-expiring"')
    assertNotContains(page, 'id="publication-schedule"')


def test_agreements_block_lists_expiring_and_recently_lapsed(writer_client):
    today = _today()
    signed = today - datetime.timedelta(days=4000)
    soon = make_agreement(title="Runs out soon", signed_on=signed, expires_on=today + 30 * DAY)
    make_agreement(title="Runs out later", signed_on=signed, expires_on=today + 200 * DAY)
    lapsed = make_agreement(title="Lapsed lately", signed_on=signed, expires_on=today - 20 * DAY)
    make_agreement(title="Lapsed long ago", signed_on=signed, expires_on=today - 400 * DAY)
    make_agreement(title="Never ends", signed_on=signed)

    page = writer_client.get(INDEX)

    block = page.content.decode().split('id="agreements-expiring"', 1)[1].split("</div>", 1)[0]
    assert "Runs out soon" in block and "in 30 days" in block
    assert reverse("admin:institutions_agreement_change", args=[soon.pk]) in block
    assert "Lapsed lately" in block and "20 days ago" in block
    assert reverse("admin:institutions_agreement_change", args=[lapsed.pk]) in block
    for absent in ("Runs out later", "Lapsed long ago", "Never ends"):
        assert absent not in block


def test_agreements_block_shows_the_users_own_calendar_address(writer_client, settings):
    settings.SITE_URL = "https://news.example.ac.kr"
    page = writer_client.get(INDEX)

    url = agreement_calendar_url(writer_client.user)
    assert url.startswith("https://news.example.ac.kr/calendar/agreements/")
    assertContains(page, f'value="{url}" readonly')
    # The address opens the calendar without the session.
    response = Client().get(url.removeprefix(settings.SITE_URL))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")


@pytest.fixture
def seoul(settings):
    settings.TIME_ZONE = "Asia/Seoul"


def test_schedule_block_shows_the_next_seven_days_and_overdue_review_stories(editor_client, seoul):
    now = timezone.now()
    in_three_days = make_article(headline="Goes live in three days", published_at=now + 3 * DAY)
    make_article(headline="Goes live in ten days", published_at=now + 10 * DAY)
    embargoed = make_article(
        headline="Embargo lifts tomorrow",
        published_at=now - DAY,
        embargo_until=now + DAY,
    )
    make_article(headline="Already live", published_at=now - 2 * DAY)
    make_article(headline="Draft planned soon", status=ArticleStatus.DRAFT, published_at=now + DAY)
    overdue = make_article(
        headline="Overdue in review", status=ArticleStatus.REVIEW, published_at=now - 5 * DAY
    )
    make_article(
        headline="In review, due later", status=ArticleStatus.REVIEW, published_at=now + 2 * DAY
    )

    page = editor_client.get(INDEX)

    block = page.content.decode().split('id="publication-schedule"', 1)[1].split("</div>", 1)[0]
    upcoming, late = block.split("In review past their planned publication time", 1)
    assert "Goes live in three days" in upcoming
    assert newsroom_time_display(in_three_days.published_at) in upcoming
    assert newsroom_time_display(in_three_days.published_at).endswith("Asia/Seoul (KST)")
    assert "Embargo lifts tomorrow" in upcoming
    assert newsroom_time_display(embargoed.embargo_until) in upcoming
    assert upcoming.index("Embargo lifts tomorrow") < upcoming.index("Goes live in three days")
    for absent in ("Goes live in ten days", "Already live", "Draft planned soon"):
        assert absent not in block
    assert "Overdue in review" in late
    assert newsroom_time_display(overdue.published_at) in late
    assert "5\xa0days ago" in late
    assert "In review, due later" not in block


def test_schedule_shows_the_later_embargo_as_the_time_a_story_goes_live(editor_client, seoul):
    now = timezone.now()
    story = make_article(
        headline="Scheduled, then embargoed", published_at=now + DAY, embargo_until=now + 9 * DAY
    )

    page = editor_client.get(INDEX)

    block = page.content.decode().split('id="publication-schedule"', 1)[1]
    assert f"{newsroom_time_display(story.embargo_until)} (after this week)" in block


def _index_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(INDEX).status_code == 200
    return len(queries.captured_queries)


def test_admin_index_blocks_run_a_fixed_number_of_queries(editor_client):
    client = editor_client
    client.get(INDEX)
    before = _index_queries(client)
    today, now = _today(), timezone.now()
    for n in range(25):
        make_agreement(signed_on=today - 400 * DAY, expires_on=today + (n % 80) * DAY)
        make_agreement(signed_on=today - 400 * DAY, expires_on=today - (n % 80 + 1) * DAY)
        make_article(published_at=now + (n % 6 + 1) * DAY)
        make_article(status=ArticleStatus.REVIEW, published_at=now - (n + 1) * DAY)

    assert _index_queries(client) == before


# --- The calendar -----------------------------------------------------------


def _calendar_path(user):
    return reverse("agreement-calendar", kwargs={"token": agreement_calendar_token(user)})


@pytest.fixture
def staff_user():
    return make_staff("Writer")


@pytest.fixture
def calendar_agreements(settings):
    settings.SITE_URL = "https://news.example.ac.kr"
    kaist = make_institution(name="KAIST")
    yonsei = make_institution(name="Yonsei University")
    expiring = make_agreement(
        title="Joint research, 2021",
        parties=[kaist, yonsei],
        signed_on=datetime.date(2021, 4, 1),
        term_years=5,
    )
    make_agreement(title="Open-ended exchange", parties=[kaist])
    return {"expiring": expiring}


def _events(response):
    calendar = icalendar.Calendar.from_ical(response.content)
    return calendar, list(calendar.walk("VEVENT"))


def test_calendar_lists_each_expiry_as_an_all_day_event_with_an_alarm(
    client, staff_user, calendar_agreements
):
    agreement = calendar_agreements["expiring"]

    response = client.get(_calendar_path(staff_user))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    calendar, events = _events(response)
    assert str(calendar["VERSION"]) == "2.0"
    assert b"X-PUBLISHED-TTL:PT6H\r\n" in response.content
    assert len(events) == 1
    event = events[0]
    assert str(event["SUMMARY"]) == "Agreement expires: Joint research, 2021"
    assert event.decoded("DTSTART") == datetime.date(2026, 3, 31)
    assert event.decoded("DTEND") == datetime.date(2026, 4, 1)
    assert event.decoded("DTSTAMP") == agreement.updated_at.replace(microsecond=0)
    description = str(event["DESCRIPTION"])
    assert "KAIST, Yonsei University" in description
    admin_url = reverse("admin:institutions_agreement_change", args=[agreement.pk])
    assert f"https://news.example.ac.kr{admin_url}" in description
    assert f"https://news.example.ac.kr{agreement.get_absolute_url()}" in description
    (alarm,) = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == -datetime.timedelta(days=30)


def test_calendar_uids_stay_the_same_across_requests_and_edits(
    client, staff_user, calendar_agreements
):
    path = _calendar_path(staff_user)
    _, before = _events(client.get(path))
    agreement = calendar_agreements["expiring"]
    agreement.title = "Joint research, renamed"
    agreement.slug = "joint-research-renamed"
    agreement.save()
    make_agreement(title="Another", signed_on=datetime.date(2022, 1, 1), term_years=3)

    _, after = _events(client.get(path))

    uid = str(before[0]["UID"])
    assert uid == f"agreement-{agreement.pk}-expiry@news.example.ac.kr"
    by_uid = {str(event["UID"]): event for event in after}
    assert len(by_uid) == 2
    assert str(by_uid[uid]["SUMMARY"]) == "Agreement expires: Joint research, renamed"


def test_the_address_is_the_same_every_time_and_differs_per_user(staff_user):
    other = make_staff("Writer")

    assert agreement_calendar_url(staff_user) == agreement_calendar_url(staff_user)
    assert agreement_calendar_url(staff_user) != agreement_calendar_url(other)


@pytest.mark.parametrize(
    "token",
    ["", "junk", "1", "1.", ".abc", "99999999999999999999999.abc", "9" * 5000, "-1.abc"],
)
def test_a_bad_token_is_not_found(client, staff_user, token):
    response = client.get(f"/calendar/agreements/{token}.ics")

    assert response.status_code == 404


def test_a_tampered_token_is_not_found(client, staff_user):
    other = make_staff("Writer")
    token = agreement_calendar_token(staff_user)
    user_id, signature = token.split(".")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")

    for forged in (f"{user_id}.{flipped}", f"{other.pk}.{signature}"):
        url = reverse("agreement-calendar", kwargs={"token": forged})
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "revoke",
    [
        pytest.param(lambda user: setattr(user, "is_active", False), id="deactivated"),
        pytest.param(lambda user: setattr(user, "is_staff", False), id="no-longer-staff"),
        pytest.param(lambda user: user.set_password("a new password"), id="password-changed"),
        pytest.param(lambda user: user.groups.clear(), id="permission-removed"),
    ],
)
def test_the_address_stops_working_when_access_ends(client, staff_user, revoke):
    path = _calendar_path(staff_user)
    assert client.get(path).status_code == 200

    revoke(staff_user)
    staff_user.save()

    assert client.get(path).status_code == 404


def test_calendar_is_never_stored_by_the_page_cache(client, staff_user, settings):
    settings.NEWSROOM_PAGE_CACHE = True
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 3600
    make_agreement(signed_on=datetime.date(2024, 1, 1), term_years=2)
    path = _calendar_path(staff_user)

    first = client.get(path)
    second = client.get(path)

    assert first.status_code == second.status_code == 200
    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second
    staff_user.is_active = False
    staff_user.save()
    assert client.get(path).status_code == 404


def test_calendar_runs_a_fixed_number_of_queries(client, staff_user, django_assert_num_queries):
    # The user, their own and their groups' permissions, the agreements, their parties.
    make_agreement(parties=[make_institution()], term_years=1)
    path = _calendar_path(staff_user)
    with django_assert_num_queries(5):
        assert client.get(path).status_code == 200
    for n in range(10):
        make_agreement(parties=[make_institution(), make_institution()], term_years=n + 1)
    with django_assert_num_queries(5):
        response = client.get(path)
    assert len(_events(response)[1]) == 11
