"""Which lead image renditions a reader may fetch, and at which address.

A story's renditions are public once the story is (``published()``), at
their storage address under ``renditions/``. Before that, the page that shows
them is either a staff preview, whose images go through the staff route, or
a preview link, whose images go through that link's own address
(``/preview/<token>/media/<name>``) and so end with it: revoked or expired,
the images stop too. The original upload is never among them
(``newsroom.media``).
"""

from django.core.files.storage import default_storage
from django.http import Http404
from django.urls import reverse

from articles import live_drafts
from articles.models import Article
from articles.previews import PreviewLinkUnavailable, preview_link_resolve, preview_link_token
from newsroom.library import body_rendition_names
from newsroom.media import media_response, staff_media_url
from newsroom.renditions import RENDITIONS_FOLDER

PREVIEW_MEDIA_URL_NAME = "preview-media"


def lead_image_renditions(article):
    """The renditions of the current lead image (uploaded or from the library), or none.

    None while they are being made; lists made for an earlier image, or
    before renditions recorded their source, are left out
    (``Article.lead_picture``), so a page never names a file that is not served.
    """
    picture = article.lead_picture
    return picture.renditions if picture else []


def lead_image_jpegs(article):
    """The JPEG renditions, largest first: what sharing, feeds and enclosures name."""
    jpegs = [item for item in lead_image_renditions(article) if item["format"] == "jpg"]
    return sorted(jpegs, key=lambda item: item["width"], reverse=True)


def rendition_url_function(article, *, preview_link=None, draft=False):
    """``name -> address`` of the article's renditions for the reader at hand.

    ``draft`` is the draft changes to a live story, shown to staff or through
    a preview link: its pictures may be ones no public story shows yet.
    """
    if article.is_published() and not draft:
        return default_storage.url
    if preview_link is not None and preview_link.article_id == article.pk:
        token = preview_link_token(preview_link)
        return lambda name: reverse(PREVIEW_MEDIA_URL_NAME, kwargs={"token": token, "path": name})
    return staff_media_url


def rendition_folder_public(token):
    """Whether a public story shows the renditions in ``renditions/<token>/``."""
    return (
        Article.objects.published()
        .filter(lead_image_renditions__0__name__startswith=f"{RENDITIONS_FOLDER}/{token}/")
        .exists()
    )


def preview_media(request, token, path):
    """One rendition of the story a live preview link shows; never the original."""
    try:
        link = preview_link_resolve(token)
    except PreviewLinkUnavailable:
        raise Http404("No such file.") from None
    if path not in preview_media_names(link):
        raise Http404("No such file.")
    return media_response(path)


def preview_media_names(link):
    """What a preview link may serve: the lead image's and the body pictures' renditions.

    The story's own, and its draft's too when the link shows the draft, so
    the pictures the recipient's page names all load.
    """
    article = link.article
    shown = [article]
    if link.shows_draft and (draft := live_drafts.draft_of(article)) is not None:
        shown.append(live_drafts.draft_article(Article.objects.get(pk=article.pk), draft.content))
    names = set()
    for story in shown:
        names |= {item["name"] for item in lead_image_renditions(story)}
        names |= body_rendition_names(story.body)
    return names
