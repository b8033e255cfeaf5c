from django.core.management.base import BaseCommand

from articles.models import Article, article_renditions_make
from newsroom.renditions import RenditionError, renditions_current


class Command(BaseCommand):
    help = (
        "Make the resized WebP and JPEG copies of lead images that do not have them yet "
        "(images uploaded before renditions existed, or after a failed attempt)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Make every rendition again, replacing the stored copies (after changing sizes).",
        )

    def handle(self, *args, force=False, **options):
        made = skipped = failed = 0
        articles = Article.objects.exclude(lead_image="").only(
            "pk", "lead_image", "lead_image_renditions"
        )
        for article in articles.iterator(chunk_size=200):
            if not force and renditions_current(
                article.lead_image_renditions, article.lead_image.name
            ):
                skipped += 1
                continue
            try:
                article_renditions_make(article, force=force)
            except RenditionError as error:
                failed += 1
                self.stderr.write(f"Article {article.pk}: {error}")
                continue
            made += 1
        self.stdout.write(
            self.style.SUCCESS(
                f"Renditions made for {made} article(s); {skipped} already had them; "
                f"{failed} failed."
            )
        )
