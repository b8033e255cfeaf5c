"""Links to the newsroom's feeds: ``{% load syndication %}``.

``{% feed_links subject %}``
    Visible "Follow in a feed reader" links (templates/feeds/follow.html).
``{% feed_autodiscovery subject %}``
    ``<link rel="alternate">`` elements for ``<head>`` (feeds/autodiscovery.html).
``{% feeds_for subject as feeds %}``
    The feeds themselves (``url``, ``type``, ``label``, ``format``) to lay out
    by hand, as the /feeds/ page does with feeds/formats.html.

A subject is a section, a tag, an institution or a person; no subject (or
``None``) means the whole newsroom, and a string names a feed of the "feeds"
URL namespace directly (``"agreements"``, or ``"person"`` with ``slug=``). A
variable that does not resolve gives no links at all, never the site's feed.

Which feed a subject has is read from its model label as a string, so this
module imports no app's models. Every feed comes as RSS, Atom and JSON Feed
(newsroom/urls.py); the formats are still reversed one by one, so a format a
feed lacks would be left out, and a subject without a feed gives nothing
rather than an error. The links lead to the feed documents themselves: a
browser that follows one gets an HTML page of the same items at the same
address, chosen by its Accept header (``newsroom.syndication.feed_variant``).
"""

from dataclasses import dataclass

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()

# Model label -> (URL name in the "feeds" namespace, title of its feeds).
SUBJECT_FEEDS = {
    "articles.section": ("section", "{name}"),
    "taggit.tag": ("tag", "Tagged {name}"),
    "institutions.institution": ("institution", "About {name}"),
    "institutions.person": ("person", "{name} in the news"),
}
SITE_FEED = ("latest", "{name}: latest news")  # (URL name, title)

# (format, URL name suffix, media type, label shown to readers); RSS is the bare name.
FORMATS = (
    ("rss", "", "application/rss+xml", "RSS"),
    ("atom", "-atom", "application/atom+xml", "Atom"),
    ("json", "-json", "application/feed+json", "JSON Feed"),
)


@dataclass(frozen=True)
class FeedLink:
    format: str
    url: str
    type: str
    label: str


@dataclass(frozen=True)
class FeedSource:
    """What a subject's feeds are called: URL name, slug and title template."""

    name: str
    slug: str | None = None
    title: str = "{name}"


def feed_source(subject, slug=None):
    """The ``FeedSource`` of ``subject``, or None when it has no feed."""
    if subject is None:
        return FeedSource(SITE_FEED[0], title=SITE_FEED[1])
    if isinstance(subject, str):
        # "" is also what a variable that does not resolve turns into.
        return FeedSource(subject, slug or None) if subject else None
    meta = getattr(subject, "_meta", None)
    name, title = SUBJECT_FEEDS.get(getattr(meta, "label_lower", None), (None, None))
    subject_slug = getattr(subject, "slug", None)
    if name is None or not subject_slug:
        return None
    return FeedSource(name, subject_slug, title)


def feeds_of(source):
    """Every format of ``source`` that has a URL, RSS first."""
    if source is None:
        return []
    kwargs = {"slug": source.slug} if source.slug else {}
    links = []
    for feed_format, suffix, media_type, label in FORMATS:
        try:
            url = reverse(f"feeds:{source.name}{suffix}", kwargs=kwargs)
        except NoReverseMatch:
            continue
        links.append(FeedLink(feed_format, url, media_type, label))
    return links


@register.simple_tag
def feeds_for(subject=None, slug=None):
    """``{% feeds_for section as feeds %}``: the subject's feeds, RSS first."""
    return feeds_of(feed_source(subject, slug))


@register.inclusion_tag("feeds/follow.html")
def feed_links(subject=None):
    """``{% feed_links person %}``: the visible follow links of a page's subject."""
    source = feed_source(subject)
    if source is None:
        return {"kind": "", "slug": ""}
    return {"kind": source.name, "slug": source.slug}


@register.inclusion_tag("feeds/autodiscovery.html", takes_context=True)
def feed_autodiscovery(context, subject=None):
    """``{% feed_autodiscovery section %}``: ``<link rel="alternate">`` for <head>."""
    source = feed_source(subject)
    if source is None:
        return {"feeds": []}
    if subject is None:
        name = context.get("newsroom_name") or "Newsroom"
    else:
        name = getattr(subject, "name", None) or source.name
    return {"feeds": feeds_of(source), "title": source.title.format(name=name)}
