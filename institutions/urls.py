from django.urls import path

from institutions import views

app_name = "institutions"

urlpatterns = [
    path("institutions/<slug:slug>/", views.InstitutionDetailView.as_view(), name="detail"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("agreements/<slug:slug>/", views.AgreementDetailView.as_view(), name="agreement-detail"),
]
