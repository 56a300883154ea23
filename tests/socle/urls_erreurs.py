"""Les adresses du portail, plus une page qui lève : pour voir la page 500 telle qu'un usager
la verrait (`@pytest.mark.urls`)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from cotentin_sante.urls import handler500, urlpatterns  # noqa: F401  (handler500 : repris tel quel)


@login_not_required
def boum(request):
    raise RuntimeError("panne d'essai")


urlpatterns = [*urlpatterns, path("essai/boum/", boum)]
