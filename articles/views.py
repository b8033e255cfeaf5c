from django.db.models import Prefetch
from django.http import Http404
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, ListView

from articles.models import Article, Quote


class ArticleViewMixin:
    """The public queryset every article view starts from."""

    paginate_by = 20

    def get_queryset(self):
        return Article.objects.published().select_related("section").newest_first()


class HomeView(ArticleViewMixin, ListView):
    template_name = "articles/home.html"
    context_object_name = "articles"


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        """Public articles for everyone; any article for staff who may edit them.

        Staff preview lets an editor check a draft or scheduled story at its
        real address before it goes live; those responses are never cached.
        """
        if self.request.user.has_perm("articles.change_article"):
            queryset = Article.objects.all()
        else:
            queryset = Article.objects.published()
        return queryset.select_related("section").prefetch_related(
            "bylines__person",
            Prefetch("quotes", queryset=Quote.objects.select_related("person")),
            "institutions__parent",
            "agreements",
            "tags",
        )

    def get_object(self, queryset=None):
        queryset = self.get_queryset() if queryset is None else queryset
        article = queryset.filter(slug=self.kwargs["slug"]).first()
        if article is None:
            raise Http404("No article at this address.")
        return article

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_published():
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = not self.object.is_published()
        return context
