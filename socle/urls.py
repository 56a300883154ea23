from django.urls import path

from socle import views

app_name = "socle"

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/tout-lire/", views.notifications_tout_lire, name="notifications_tout_lire"),
    path("notifications/<int:pk>/", views.notification_ouvrir, name="notification_ouvrir"),
    path("documents/<int:pk>/", views.document, name="document"),
]
