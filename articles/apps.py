from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from articles.pagecache import invalidate_on_change

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(invalidate_on_change, dispatch_uid=f"pagecache-{signal!r}")
