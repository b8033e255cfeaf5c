from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from newsroom import pagecache


class InstitutionsConfig(AppConfig):
    name = "institutions"
    verbose_name = _("Institutions, people and agreements")

    def ready(self):
        pagecache.watched_apps_register("institutions")
        from institutions import signals  # noqa: F401 (connects the feeds' receivers)
