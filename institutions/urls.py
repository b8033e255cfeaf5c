from django.urls import path

from institutions import views

app_name = "institutions"

urlpatterns = [
    path("institutions/", views.InstitutionListView.as_view(), name="index"),
    path("institutions/<slug:slug>/", views.InstitutionDetailView.as_view(), name="detail"),
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("agreements/", views.AgreementListView.as_view(), name="agreement-list"),
    path("agreements/<slug:slug>/", views.AgreementDetailView.as_view(), name="agreement-detail"),
]
