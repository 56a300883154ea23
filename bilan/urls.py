from bilan.views import urlpatterns as urlpatterns

app_name = "bilan"
