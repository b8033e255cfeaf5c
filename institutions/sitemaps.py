from django.db.models import Max

from institutions.models import Agreement, Institution, Person
from newsroom.sitemaps import NamedPagesSitemap, NewsroomSitemap


class DirectorySitemap(NamedPagesSitemap):
    """The lists of institutions, people and agreements."""

    changefreq = "weekly"
    url_names = ("institutions:index", "institutions:person-list", "institutions:agreement-list")
    models = {
        "institutions:index": Institution,
        "institutions:person-list": Person,
        "institutions:agreement-list": Agreement,
    }

    def lastmod(self, name):
        records = self.models[name].objects.all()
        if hasattr(records, "confirmed"):  # a writer's proposal changes no public list
            records = records.confirmed()
        return records.aggregate(latest=Max("updated_at"))["latest"]

    def get_latest_lastmod(self):
        return max(filter(None, map(self.lastmod, self.url_names)), default=None)


class InstitutionSitemap(NewsroomSitemap):
    changefreq = "weekly"

    def items(self):
        return Institution.objects.confirmed().order_by("name").only("slug", "updated_at")

    def lastmod(self, institution):
        return institution.updated_at

    def get_latest_lastmod(self):
        return Institution.objects.confirmed().aggregate(latest=Max("updated_at"))["latest"]


class PersonSitemap(NewsroomSitemap):
    changefreq = "weekly"

    def items(self):
        return Person.objects.confirmed().order_by("name").only("slug", "updated_at")

    def lastmod(self, person):
        return person.updated_at

    def get_latest_lastmod(self):
        return Person.objects.confirmed().aggregate(latest=Max("updated_at"))["latest"]


class AgreementSitemap(NewsroomSitemap):
    changefreq = "monthly"

    def items(self):
        return Agreement.objects.order_by("-signed_on", "title").only("slug", "updated_at")

    def lastmod(self, agreement):
        return agreement.updated_at

    def get_latest_lastmod(self):
        return Agreement.objects.aggregate(latest=Max("updated_at"))["latest"]
