from recrutement import views

app_name = "recrutement"

urlpatterns = views.urlpatterns
