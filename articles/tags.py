"""Tag slugs that always make an address.

taggit slugifies a new tag's name, and a name with no letters or digits
("!!!") slugifies to "". ``reverse("articles:tag", kwargs={"slug": ""})``
then fails, so every story carrying that tag answered 500 to everyone. A
slug typed in the admin or imported could hold a "/" and fail the same way.
``tag_slug_ensure`` runs before every tag save (connected in
``ArticlesConfig.ready``) and replaces any such slug; migration 0004 repairs
the tags saved before it.
"""

import hashlib
import re

from django.utils.text import slugify
from taggit.models import Tag

# What taggit's own slugify can produce: letters (any script), digits, "_", "-".
USABLE_SLUG = re.compile(r"[-\w]+")
SLUG_MAX_LENGTH = Tag._meta.get_field("slug").max_length


def tag_slug_is_usable(slug):
    return bool(slug) and USABLE_SLUG.fullmatch(slug) is not None


def tag_slug_choose(*, name, slug, taken):
    """A usable slug for the tag ``name`` whose current slug is ``slug``.

    The current slug if usable; else the name slugified as taggit does
    (Korean letters kept unless TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING says
    otherwise); else, for a name without letters or digits, ``tag-`` and a
    short hash of the name, the same on every database. ``taken(candidate)``
    says whether another tag holds a slug; "-2", "-3", ... break a tie.
    """
    if tag_slug_is_usable(slug):
        return slug
    base = slugify(slug, allow_unicode=True) if slug else ""
    base = base or Tag(name=name).slugify(name)
    if not tag_slug_is_usable(base):
        base = "tag-" + hashlib.sha256(name.encode()).hexdigest()[:8]
    candidate, n = base[:SLUG_MAX_LENGTH], 1
    while taken(candidate):
        n += 1
        suffix = f"-{n}"
        candidate = base[: SLUG_MAX_LENGTH - len(suffix)] + suffix
    return candidate


def tag_slug_ensure(sender, instance, **kwargs):
    """``pre_save`` receiver for ``taggit.Tag``: no tag is saved without a usable slug.

    Costs nothing for the usual tag, whose slug taggit already made usable;
    only a replaced slug is checked against the others.
    """
    if tag_slug_is_usable(instance.slug):
        return
    others = sender._default_manager.using(kwargs.get("using"))
    if instance.pk is not None:
        others = others.exclude(pk=instance.pk)
    instance.slug = tag_slug_choose(
        name=instance.name,
        slug=instance.slug,
        taken=lambda candidate: others.filter(slug=candidate).exists(),
    )
