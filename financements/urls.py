
from financements.views import instruction, porteur

app_name = "financements"

urlpatterns: list = [  # type: ignore[type-arg]
    *porteur.urlpatterns,
    *instruction.urlpatterns,
]
