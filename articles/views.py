import datetime

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.generic import (
    DetailView,
    ListView,
    MonthArchiveView,
    TemplateView,
    YearArchiveView,
)
from taggit.models import Tag

from articles.live_drafts import draft_article
from articles.models import (
    Article,
    LiveDraft,
    Section,
    sections_for_navigation,
    tag_in_public_use,
)
from articles.previews import PreviewLinkUnavailable, preview_link_resolve
from articles.related import RelatedArticleSuggestion, related_articles_for
from articles.search import (
    FEW_RESULTS,
    SearchFilterForm,
    search_articles,
    search_is_capped,
    search_names,
    search_suggestion,
    search_text_clean,
)
from articles.workflow import ArticleMoved, article_for_old_url
from institutions.models import Agreement, AgreementParty
from newsroom.pagination import UncountedPaginator
from newsroom.queries import union_of_slices

HOME_PER_SECTION = 3
UPDATE_NOTICE_AFTER = datetime.timedelta(minutes=30)
RELATED_CACHE_TIMEOUT = 600


class ArticleViewMixin:
    """The public queryset every article list starts from.

    Cards show the section, so it is joined here once rather than fetched per
    card; the date-based views read ``date_field`` from here too.
    """

    paginate_by = 20
    paginator_class = UncountedPaginator
    date_field = "published_at"
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().for_cards().newest_first()


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The header's section list, reused here (one cache read or query for both).
        sections = context["nav_sections"] = list(sections_for_navigation())
        # One query for the newest few of every section: a short newest-first
        # list per section, each read from the section's index, joined by
        # UNION. A ranking over every public story cost 0.4 s at 100,000.
        public = Article.objects.published().order_by("-published_at", "-pk").values("pk")
        newest_ids = union_of_slices(
            Article,
            [public.filter(section=section)[: HOME_PER_SECTION + 1] for section in sections],
        )
        ranked = list(
            Article.objects.published()
            .filter(pk__in=newest_ids)
            .for_cards()
            .order_by("section__order", "section__name", "-published_at", "-pk")
        )
        lead = max(ranked, key=lambda a: (a.published_at, a.pk), default=None)
        by_section = {}
        for article in ranked:
            if article != lead:
                by_section.setdefault(article.section, []).append(article)
        context["lead"] = lead
        context["section_groups"] = [
            (section, articles[:HOME_PER_SECTION]) for section, articles in by_section.items()
        ]
        context["recent_agreements"] = (
            Agreement.objects.announced()
            .prefetch_related(
                Prefetch(
                    "party_rows",
                    queryset=AgreementParty.objects.select_related("institution__parent"),
                )
            )
            .order_by("-signed_on", "title")[:5]
        )
        return context


class ArticleIndexView(ArticleViewMixin, ListView):
    template_name = "articles/article_index.html"


class ArchiveMixin(ArticleViewMixin):
    """Date archives that 404 when they hold no public story.

    ``allow_empty`` stays on so Django does not spend queries checking for
    neighbouring periods; the sidebar's month list does that navigation. The
    period's ``date_list`` is fetched anyway, so emptiness costs nothing.
    """

    allow_empty = True

    def get(self, request, *args, **kwargs):
        """One address per period: ``/news/2026/09/`` and ``/news/0999/``
        answer 301 to what ``reverse()`` writes (``/news/2026/9/``,
        ``/news/999/``), query string kept, before any query runs."""
        canonical = reverse(request.resolver_match.view_name, kwargs=self.kwargs)
        if canonical != request.path:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{canonical}?{query}" if query else canonical)
        return super().get(request, *args, **kwargs)

    def get_dated_items(self):
        date_list, object_list, extra = super().get_dated_items()
        if not date_list:
            raise Http404("No published stories from this period.")
        return date_list, object_list, extra


class ArticleYearArchiveView(ArchiveMixin, YearArchiveView):
    template_name = "articles/article_archive_year.html"
    make_object_list = True


class ArticleMonthArchiveView(ArchiveMixin, MonthArchiveView):
    template_name = "articles/article_archive_month.html"
    month_format = "%m"


class SectionView(ArticleViewMixin, ListView):
    template_name = "articles/section_detail.html"

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().in_section(self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class TagView(ArticleViewMixin, ListView):
    """Stories with one tag.

    A tag used only on unpublished stories gives 404, so the tag page never
    hints at what is still in the works.
    """

    template_name = "articles/tag_detail.html"

    def get_queryset(self):
        try:
            self.tag = tag_in_public_use(self.kwargs["slug"])
        except Tag.DoesNotExist:
            raise Http404("No published stories with this tag.") from None
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class SearchView(ArticleViewMixin, ListView):
    """Stories and names matching ``?q=``, narrowed by the filters.

    With neither a query nor a filter the page shows the form only; with
    filters alone it lists the newest stories they allow. A filter value
    that means nothing is left out and the page says so. Few results bring
    a "did you mean" (two more queries), offered only if it finds more.
    """

    template_name = "articles/search.html"
    # Search ranks at most SEARCH_CANDIDATES stories, so counting them is cheap
    # and the page says how many matched.
    paginator_class = Paginator

    def get_queryset(self):
        self.query = search_text_clean(self.request.GET.get("q", ""))
        # The header's section list, reused by the filter (one cache read or query for both).
        self.sections = list(sections_for_navigation())
        self.filters = SearchFilterForm(self.request.GET, sections=self.sections)
        self.criteria = self.filters.criteria()
        if not self.query and not self.criteria:
            return Article.objects.none()
        return search_articles(self.query, **self.criteria)

    def get_context_data(self, **kwargs):
        names = search_names(self.query) if self.query else {"people": [], "institutions": []}
        context = super().get_context_data(
            query=self.query,
            searching=bool(self.query or self.criteria),
            filters=self.filters,
            nav_sections=self.sections,
            matching_people=names.get("people", []),
            matching_institutions=names.get("institutions", []),
            **kwargs,
        )
        paginator = context.get("paginator")
        found = paginator.count if paginator else 0
        context["results_capped"] = search_is_capped(found)
        if self.query and found < FEW_RESULTS:
            suggestion = search_suggestion(self.query, found=found, **self.criteria)
            if suggestion:
                context["suggestion"] = suggestion
        return context


def related_for_page(article, *, limit=6):
    """Further reading for the article page, with the scoring cached briefly.

    Scoring is the costliest step of the page, so its outcome (which stories,
    with which reasons) is kept for ``RELATED_CACHE_TIMEOUT`` seconds, keyed
    by the article's last change. The stories themselves are read again
    through ``published()`` on every request: one withdrawn since never shows.
    """
    key = f"articles:related:{article.pk}:{article.updated_at.timestamp()}:{limit}"
    chosen = cache.get(key)
    if chosen is None:
        suggestions = related_articles_for(article, limit=limit)
        cache.set(
            key,
            [(item.article.pk, item.reason, item.curated) for item in suggestions],
            RELATED_CACHE_TIMEOUT,
        )
        return suggestions
    public = Article.objects.published().for_cards().in_bulk([pk for pk, *_ in chosen])
    return [
        RelatedArticleSuggestion(article=public[pk], reason=reason, curated=curated)
        for pk, reason, curated in chosen
        if pk in public
    ]


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
        return queryset.for_article_page()

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except ArticleMoved as moved:
            return HttpResponsePermanentRedirect(moved.url)

    def get_object(self, queryset=None):
        try:
            datetime.date(self.kwargs["year"], self.kwargs["month"], self.kwargs["day"])
        except (ValueError, OverflowError):
            raise Http404("No such date.") from None
        queryset = self.get_queryset() if queryset is None else queryset
        article = queryset.filter(slug=self.kwargs["slug"]).first()
        if article is None:
            # A corrected slug or date: old addresses answer 301, never 404.
            article = article_for_old_url(queryset, **self.kwargs)
            if article is None:
                raise Http404("No article at this address.")
        if article.get_absolute_url() != self.request.path:
            raise ArticleMoved(article.get_absolute_url())
        return article

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_published():
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        context["is_preview"] = not article.is_published()
        # Saving a story a minute after publishing is not news; a later edit is.
        if article.published_at and article.updated_at - article.published_at > UPDATE_NOTICE_AFTER:
            context["updated_at"] = article.updated_at
        context["related"] = related_for_page(article)
        return context


class ArticlePreviewView(ArticleDetailView):
    """A story that is not public yet, read through a signed preview link.

    No login: the signed, expiring, revocable token is the gate instead of
    ``published()``. Never cached, never indexed; once the story is public
    the link simply leads to its real address.
    """

    def get(self, request, *args, **kwargs):
        try:
            self.link = preview_link_resolve(kwargs["token"])
        except PreviewLinkUnavailable as unavailable:
            response = render(
                request,
                "articles/preview_unavailable.html",
                {"message": unavailable.message},
                status=unavailable.status,
            )
            return self.private(response)
        if self.link.shows_draft:
            draft = LiveDraft.objects.filter(article_id=self.link.article_id).first()
            if draft is not None:
                return draft_preview_response(
                    request, article=self.link.article, draft=draft, preview_link=self.link
                )
        if self.link.article.is_published():
            return self.private(redirect(self.link.article))
        return self.private(DetailView.get(self, request, *args, **kwargs))

    def get_object(self, queryset=None):
        return self.link.article

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_preview=True, preview_link=self.link, **kwargs)

    @staticmethod
    def private(response):
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


def draft_preview_response(request, *, article, draft, preview_link=None):
    """The draft changes to a live story on the public page's template; private.

    Built in memory from the draft (articles.live_drafts), never saved, never
    cached, never indexed. Further reading is scored afresh and not cached:
    the article page's cache is keyed by the live story, and must not learn
    the draft's links.
    """
    shown = draft_article(Article.objects.for_article_page().get(pk=article.pk), draft.content)
    context = {
        "article": shown,
        "object": shown,
        "is_preview": True,
        "draft_preview": True,
        "preview_link": preview_link,
        "related": related_articles_for(shown, limit=6),
    }
    return ArticlePreviewView.private(render(request, "articles/article_detail.html", context))
