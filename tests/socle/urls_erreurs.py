"""Les adresses du portail, plus une page qui lève : pour voir la page 500 telle qu'un usager
la verrait (`@pytest.mark.urls`), et une qui passe à PostgreSQL une valeur qu'il refuse."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.urls import path

from cotentin_sante.urls import handler400, handler500, urlpatterns  # noqa: F401  (repris tels quels)


@login_not_required
def boum(request):
    raise RuntimeError("panne d'essai")


@login_not_required
def illisible(request):
    """Une valeur que PostgreSQL refuse : un entier hors de ses limites (DataError)."""
    with connection.cursor() as curseur:
        curseur.execute("SELECT %s::integer", [2**40])


urlpatterns = [*urlpatterns, path("essai/boum/", boum), path("essai/illisible/", illisible)]
