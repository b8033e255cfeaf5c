from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from newsroom import pagecache


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        # Models load only once the app registry is ready.
        from articles.models import Article

        # Tags are taggit's records, shown on our story pages.
        pagecache.watched_apps_register("articles", "taggit")
        pagecache.schedule_source_register(Article.objects.next_visibility_change)
