from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext_lazy as _

from newsroom import pagecache


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        # Models load only once the app registry is ready.
        # The Notification admin registers itself, with the mark-read address.
        from articles import admin_notifications  # noqa: F401
        from articles.models import Article
        from articles.notifications import status_change_notify
        from articles.tags import tag_slug_ensure
        from newsroom import library

        # Tags are taggit's records, shown on our story pages.
        pagecache.watched_apps_register("articles", "taggit")
        pagecache.schedule_source_register(Article.objects.next_visibility_change)
        # Media library pictures are public while a public story shows them,
        # in its body or as its lead image.
        library.body_source_register(Article.objects.published, field="body")
        library.reference_source_register(Article.objects.published, field="lead_library_image")
        pre_save.connect(tag_slug_ensure, sender="taggit.Tag", dispatch_uid="articles-tag-slug")
        post_save.connect(
            status_change_notify,
            sender="articles.ArticleStatusChange",
            dispatch_uid="articles-status-change-notify",
        )
