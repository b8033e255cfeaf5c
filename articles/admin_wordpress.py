"""The WordPress import in the admin: upload, read the dry run, then import.

Mounted at ``admin/import/wordpress/`` by ``newsroom.urls`` (an include of
this module, so the URL map names no view here). The two steps are two
requests: the upload is kept in a private folder on the server (never in
media storage) under a random token that only this session holds, and the
second step imports exactly the files the dry run read. Staged files are
deleted after the import and, if abandoned, a day later.

The import runs inside the request: fine for a department blog, but a site
with thousands of posts belongs to ``manage.py import_wordpress``.
"""

import re
import shutil
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.wordpress import (
    DEFAULT_MAX_SECTIONS,
    MAX_EXPORT_BYTES,
    ExportUnreadable,
    export_read,
    uploads_open,
    wordpress_import,
)

app_name = "wordpress"

# Creating stories, publishing them, and making their sections and people.
IMPORT_PERMISSIONS = (
    "articles.add_article",
    "articles.change_article",
    "articles.publish_article",
    "articles.add_section",
    "institutions.add_person",
)
MAX_UPLOADS_ZIP_BYTES = 2 * 1024 * 1024 * 1024
SESSION_KEY = "wordpress-import"
STAGING_FOLDER = "newsroom-wordpress-imports"
STAGED_FOR = 24 * 60 * 60
EXPORT_NAME, UPLOADS_NAME = "export.xml", "uploads.zip"
TOKEN = re.compile(r"[0-9a-f]{32}")


class WordPressUploadForm(forms.Form):
    export = forms.FileField(
        label=_("WordPress export"),
        help_text=_(
            "The .xml file from WordPress's Tools → Export (“All content” or “Posts”), "
            "at most %(size)s."
        )
        % {"size": filesizeformat(MAX_EXPORT_BYTES)},
    )
    uploads = forms.FileField(
        label=_("Uploads folder, zipped"),
        required=False,
        help_text=_(
            "Optional: a zip of the site's wp-content/uploads folder, for the lead images. "
            "Images are never downloaded from the old site."
        ),
    )
    max_sections = forms.IntegerField(
        label=_("Sections"),
        min_value=1,
        max_value=50,
        initial=DEFAULT_MAX_SECTIONS,
        help_text=_(
            "The most-used top-level categories that become sections; the others become tags."
        ),
    )

    def clean_export(self):
        export = self.cleaned_data["export"]
        if export.size > MAX_EXPORT_BYTES:
            raise forms.ValidationError(
                _(
                    "This file is %(size)s; the largest export the import reads is %(limit)s. "
                    "Export a range of dates or one category at a time and import the parts."
                )
                % {
                    "size": filesizeformat(export.size),
                    "limit": filesizeformat(MAX_EXPORT_BYTES),
                }
            )
        return export

    def clean_uploads(self):
        uploads = self.cleaned_data["uploads"]
        if uploads is None:
            return None
        if uploads.size > MAX_UPLOADS_ZIP_BYTES:
            raise forms.ValidationError(
                _("This zip is larger than %(limit)s; import with manage.py import_wordpress.")
                % {"limit": filesizeformat(MAX_UPLOADS_ZIP_BYTES)}
            )
        if not zipfile.is_zipfile(uploads):
            raise forms.ValidationError(_("This is not a zip file."))
        uploads.seek(0)
        return uploads


def staging_root():
    root = Path(settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir()) / STAGING_FOLDER
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return root


def _stale_forget(root, *, now):
    for folder in root.iterdir():
        if folder.is_dir() and now - folder.stat().st_mtime > STAGED_FOR:
            shutil.rmtree(folder, ignore_errors=True)


def _stage(*, export, uploads):
    """Keep the uploaded files for the second step; return their token."""
    root = staging_root()
    _stale_forget(root, now=time.time())
    token = uuid.uuid4().hex
    folder = root / token
    folder.mkdir(mode=0o700)
    for upload, name in ((export, EXPORT_NAME), (uploads, UPLOADS_NAME)):
        if upload is None:
            continue
        with open(folder / name, "wb") as copy:
            for chunk in upload.chunks():
                copy.write(chunk)
    return token


def _staged_folder(token):
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None
    folder = staging_root() / token
    return folder if (folder / EXPORT_NAME).is_file() else None


def _sources(folder):
    """(export, uploads or None) from the staged files; raises ``ExportUnreadable``.

    The error's ``field`` says which upload is at fault.
    """
    try:
        export = export_read(folder / EXPORT_NAME)
    except ExportUnreadable as error:
        error.field = "export"
        raise
    if not (folder / UPLOADS_NAME).is_file():
        return export, None
    try:
        return export, uploads_open(folder / UPLOADS_NAME)
    except ExportUnreadable as error:
        error.field = "uploads"
        raise


def _import_run(folder, *, max_sections, dry_run, user):
    export, uploads = _sources(folder)
    try:
        return wordpress_import(
            export=export, uploads=uploads, dry_run=dry_run, max_sections=max_sections, user=user
        )
    finally:
        if uploads is not None:
            uploads.close()


def _page(request, template, **context):
    return render(
        request,
        template,
        {**admin.site.each_context(request), "title": gettext("Import from WordPress"), **context},
    )


def wordpress_import_view(request):
    """Step 1 (GET, POST of files): the form, then the dry run's report.

    Step 2 (POST of the token): the import itself, and its report.
    """
    if not request.user.has_perms(IMPORT_PERMISSIONS):
        raise PermissionDenied
    if request.method == "POST" and "token" in request.POST:
        return _import_confirmed(request)
    form = WordPressUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        token = _stage(export=data["export"], uploads=data["uploads"])
        folder = staging_root() / token
        try:
            report = _import_run(
                folder, max_sections=data["max_sections"], dry_run=True, user=request.user
            )
        except ExportUnreadable as error:
            shutil.rmtree(folder, ignore_errors=True)
            form.add_error(error.field, str(error))
        else:
            request.session[SESSION_KEY] = {"token": token, "max_sections": data["max_sections"]}
            return _page(
                request,
                "admin/wordpress/import_report.html",
                report=report,
                token=token,
                export_name=data["export"].name,
                uploads_name=data["uploads"].name if data["uploads"] else "",
            )
    return _page(request, "admin/wordpress/import_form.html", form=form)


def _import_confirmed(request):
    staged = request.session.get(SESSION_KEY) or {}
    token = request.POST["token"]
    folder = _staged_folder(token) if staged.get("token") == token else None
    if folder is None:
        messages.error(
            request,
            gettext("That upload is no longer waiting to be imported. Upload the export again."),
        )
        return redirect("wordpress:import")
    try:
        report = _import_run(
            folder, max_sections=staged["max_sections"], dry_run=False, user=request.user
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        request.session.pop(SESSION_KEY, None)
    return _page(request, "admin/wordpress/import_report.html", report=report)


urlpatterns = [path("", admin.site.admin_view(wordpress_import_view), name="import")]
