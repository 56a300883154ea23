from financements.views import instruction, porteur

app_name = "financements"

urlpatterns = [
    *porteur.urlpatterns,
    *instruction.urlpatterns,
]
