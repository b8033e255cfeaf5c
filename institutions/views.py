from django.views.generic import DetailView

from articles.models import Article
from institutions.models import Agreement, Institution, Person


class InstitutionDetailView(DetailView):
    model = Institution
    queryset = Institution.objects.select_related("parent")
    context_object_name = "institution"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["articles"] = (
            Article.objects.published().about_institution(self.object).newest_first()[:20]
        )
        return context


class PersonDetailView(DetailView):
    model = Person
    context_object_name = "person"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["articles"] = (
            Article.objects.published().about_person(self.object).newest_first()[:20]
        )
        return context


class AgreementDetailView(DetailView):
    model = Agreement
    context_object_name = "agreement"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["articles"] = (
            Article.objects.published().filter(agreements=self.object).newest_first()
        )
        return context
