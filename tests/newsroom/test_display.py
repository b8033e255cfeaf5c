"""Times shown to people: in the newsroom's zone, with the zone named."""

import datetime

from django.test import override_settings

from newsroom.display import newsroom_time_display, newsroom_zone_label


def test_editors_read_times_in_the_newsroom_zone_with_its_name():
    moment = datetime.datetime(2026, 11, 30, 0, 30, tzinfo=datetime.UTC)
    assert newsroom_zone_label(moment) == "Asia/Seoul (KST)"
    assert newsroom_time_display(moment) == "2026-11-30 09:30 Asia/Seoul (KST)"
    # Lists name the zone by its abbreviation, to stay within a laptop's width.
    assert newsroom_time_display(moment, short=True) == "2026-11-30 09:30 KST"


@override_settings(TIME_ZONE="Europe/London")
def test_zone_name_follows_the_setting_and_daylight_saving():
    summer = datetime.datetime(2026, 7, 1, 12, 0, tzinfo=datetime.UTC)
    winter = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)
    assert newsroom_zone_label(summer) == "Europe/London (BST)"
    assert newsroom_zone_label(winter) == "Europe/London (GMT)"
