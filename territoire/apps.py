from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# Le planificateur de PostgreSQL croit `%>` (word_similarity de pg_trgm) aussi peu coûteux
# qu'une comparaison (COST 1) : il préfère alors lire toute la table plutôt que l'index GIN
# des trigrammes. Calculée ligne à ligne, elle coûte en réalité environ 2 µs : sur 20 000
# professionnels, « lefebvre » prend 41 ms en lecture séquentielle et 6 ms par les index.
# Déclarer son vrai coût rend l'index évident. La fonction appartient à l'extension : il faut
# en être propriétaire (superutilisateur ; c'est le cas de l'image postgres de docker compose
# et des services embarqués) ; sinon la recherche reste juste, seulement plus lente.
# Appliqué après chaque `migrate` : une base restaurée (pg_dump ne garde pas ce réglage d'une
# fonction d'extension) le retrouve au démarrage suivant.
COUT_DES_TRIGRAMMES = """
DO $$
BEGIN
    ALTER FUNCTION word_similarity_commutator_op(text, text) COST 100;
EXCEPTION WHEN insufficient_privilege OR undefined_function THEN
    RAISE NOTICE 'Coût de word_similarity_commutator_op inchangé : %', SQLERRM;
END
$$;
"""


def declarer_cout_des_trigrammes(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    with connections[using].cursor() as curseur:
        curseur.execute(COUT_DES_TRIGRAMMES)


class TerritoireConfig(AppConfig):
    name = "territoire"
    verbose_name = _("Territoire et acteurs de santé")

    def ready(self) -> None:
        post_migrate.connect(declarer_cout_des_trigrammes, sender=self)
        # Import local : les modules des applications se chargent une fois le registre prêt.
        from socle.bilan import Section, ajouter_section
        from socle.navigation import Entree, ajouter

        # Enregistrent workflow et données personnelles ; déclarent les verbes du journal.
        from territoire import bilan, donnees, services, workflows  # noqa: F401
        from territoire.permissions import peut_voir_annuaire, peut_voir_indicateurs

        ajouter(Entree(_("Annuaire"), "territoire:annuaire", peut_voir_annuaire, ordre=100))
        ajouter(Entree(_("Indicateurs"), "territoire:indicateurs", peut_voir_indicateurs, ordre=110))
        # La carte publique : pour qui n'a pas les indicateurs, qui la contiennent.
        ajouter(
            Entree(
                _("Carte de l'offre de soins"),
                "territoire:carte_offre",
                lambda utilisateur: not peut_voir_indicateurs(utilisateur),
                ordre=110,
            )
        )
        ajouter_section(
            Section(
                cle="territoire",
                titre=_("L'offre de santé du territoire"),
                ordre=40,
                gabarit="territoire/bilan_section.html",
                donnees=bilan.donnees_territoire,
            )
        )
