from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _

from newsroom import pagecache


class NewsroomConfig(AppConfig):
    """The site's shared machinery: page cache, syndication, revisions, locking, images.

    Registered as an app for its templates, template tags and management
    commands; it has no models of its own beyond abstract bases. Apps tell
    the page cache which of their records public pages show, in their own
    ``ready()``.
    """

    name = "newsroom"
    verbose_name = _("Newsroom site")

    def ready(self):
        from newsroom import locking

        pre_save.connect(locking.version_bump, dispatch_uid="newsroom-version-bump")
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(pagecache.invalidate_on_change, dispatch_uid=f"pagecache-{signal!r}")


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the newsroom's site (labelled choosers); see newsroom/admin_site.py."""

    default = False  # listed by its dotted path in INSTALLED_APPS
    default_site = "newsroom.admin_site.NewsroomAdminSite"
