from institutions.models import Agreement, Institution, Person
from newsroom.sitemaps import NewsroomSitemap


class InstitutionSitemap(NewsroomSitemap):
    changefreq = "weekly"

    def items(self):
        return Institution.objects.order_by("name").only("slug", "updated_at")

    def lastmod(self, institution):
        return institution.updated_at


class PersonSitemap(NewsroomSitemap):
    changefreq = "weekly"

    def items(self):
        return Person.objects.order_by("name").only("slug", "updated_at")

    def lastmod(self, person):
        return person.updated_at


class AgreementSitemap(NewsroomSitemap):
    changefreq = "monthly"

    def items(self):
        return Agreement.objects.order_by("-signed_on", "title").only("slug", "updated_at")

    def lastmod(self, agreement):
        return agreement.updated_at
