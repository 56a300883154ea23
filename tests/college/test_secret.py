"""Le secret du vote : rien, dans les tables ni dans les traces, ne relie un votant à son
choix.

Pendant le vote, les colonnes cachées de PostgreSQL rapprochent un bulletin de son émargement
pour qui lit la base elle-même (l'ordre physique des lignes, `ctid`, et la transaction qui les
a écrites, `xmin`) : c'est pourquoi un bulletin secret n'est écrit que scellé
(`BulletinScelle`, college/chiffrement.py), et l'urne en clair (`Bulletin`) d'un bloc à la
clôture. Ces tests-ci regardent la forme des tables et les traces de l'application ;
test_secret_lecteur_de_base.py joue celui qui lit la base, ses fichiers et sa sauvegarde
(docs/scrutin-secret.md).
"""

import logging
import uuid
from typing import Any

import pytest
from django.db import connection, models

from college import services
from college.chiffrement import TAILLE_SCELLEE, UrneIllisible
from college.models import Bulletin, BulletinScelle, Choix, Emargement, Scrutin, StatutScrutin, TypeScrutin
from comptes.models import Utilisateur
from conseil.models import Instance
from socle.models import Evenement, Notification
from tests.college.factories import ScrutinFactory, urne_ouverte
from tests.conseil.factories import CollegeFactory, MandatFactory

pytestmark = pytest.mark.django_db

CHAMPS_DATES = {"DateTimeField", "DateField", "TimeField", "DurationField"}


def type_de(colonne: Any) -> str:
    """Le type de champ Django d'une colonne (« Array » pour un tableau, que l'introspection
    de Django ne nomme pas)."""
    try:
        return connection.introspection.get_field_type(colonne.type_code, colonne)
    except KeyError:
        return "Array"


def colonnes(table: str) -> dict[str, str]:
    """nom de colonne → type de champ Django correspondant, d'après la base."""
    with connection.cursor() as curseur:
        description = connection.introspection.get_table_description(curseur, table)
    return {c.name: type_de(c) for c in description}


def cles_etrangeres(table: str) -> dict[str, tuple[str, str]]:
    with connection.cursor() as curseur:
        contraintes = connection.introspection.get_constraints(curseur, table)
    return {c["columns"][0]: c["foreign_key"] for c in contraintes.values() if c["foreign_key"]}


def test_l_urne_n_a_ni_date_ni_autre_personne_que_le_votant_nominatif():
    table_utilisateurs = Utilisateur._meta.db_table
    types = colonnes(Bulletin._meta.db_table)
    assert set(types) == {
        "id",
        "scrutin_id",
        "choix",
        "candidats",
        "motivation",
        "recu",
        "personne_id",
        "vote_par_id",
    }
    assert not CHAMPS_DATES & set(types.values())
    cles = cles_etrangeres(Bulletin._meta.db_table)
    vers_une_personne = {colonne for colonne, (cible, _) in cles.items() if cible == table_utilisateurs}
    assert vers_une_personne == {"personne_id", "vote_par_id"}
    assert cles["scrutin_id"] == (Scrutin._meta.db_table, "id")
    assert set(cles) == {"scrutin_id", "personne_id", "vote_par_id"}
    # Côté modèle, aucune relation vers l'émargement, aucune date, aucun champ automatique.
    champs = [f for f in Bulletin._meta.get_fields() if f.concrete]
    assert {f.name for f in champs if f.is_relation} == {"scrutin", "personne", "vote_par"}
    assert not [
        f for f in champs if isinstance(f, models.DateField | models.TimeField | models.DurationField)
    ]


def test_la_cle_du_bulletin_est_aleatoire():
    pk = Bulletin._meta.pk
    assert isinstance(pk, models.UUIDField)
    # uuid4 : aléatoire. (Un uuid7 ou uuid1 porterait l'heure et l'ordre d'arrivée.)
    assert pk.default is uuid.uuid4
    assert pk.db_default is models.NOT_PROVIDED
    assert colonnes(Bulletin._meta.db_table)["id"] == "UUIDField"
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT column_default, is_identity FROM information_schema.columns "
            "WHERE table_name = %s AND column_name = 'id'",
            [Bulletin._meta.db_table],
        )
        assert curseur.fetchone() == (None, "NO")  # ni séquence, ni identité


def test_l_emargement_n_a_ni_date_ni_lien_vers_l_urne():
    types = colonnes(Emargement._meta.db_table)
    assert set(types) == {"id", "scrutin_id", "personne_id", "vote_par_id"}
    assert not CHAMPS_DATES & set(types.values())
    cibles = {cible for cible, _ in cles_etrangeres(Emargement._meta.db_table).values()}
    assert Bulletin._meta.db_table not in cibles
    assert {f.name for f in Emargement._meta.get_fields() if f.concrete and f.is_relation} == {
        "scrutin",
        "personne",
        "vote_par",
    }
    # Et rien, ailleurs, ne pointe vers un bulletin.
    assert [f for f in Bulletin._meta.get_fields() if f.auto_created and not f.concrete] == []


@pytest.fixture
def college() -> Instance:
    return CollegeFactory()


@pytest.fixture
def electeurs(college: Instance) -> list[Utilisateur]:
    return [MandatFactory(instance=college).personne for _ in range(4)]


def test_le_bulletin_scelle_n_a_que_son_scrutin_et_son_chiffre():
    types = colonnes(BulletinScelle._meta.db_table)
    assert types == {"id": "UUIDField", "scrutin_id": "BigIntegerField", "chiffre": "BinaryField"}
    assert BulletinScelle._meta.pk.default is uuid.uuid4
    assert set(cles_etrangeres(BulletinScelle._meta.db_table)) == {"scrutin_id"}


def test_un_bulletin_secret_ne_porte_pas_son_votant(college, electeurs, secretariat):
    scrutin = services.scrutin_ouvrir(
        scrutin=ScrutinFactory(instance=college, secret=True), acteur=secretariat
    )
    alice, bruno = electeurs[:2]
    services.procuration_vote_donner(scrutin=scrutin, mandant=alice, mandataire=bruno, acteur=alice)
    services.bulletin_deposer(scrutin=scrutin, votant=bruno, choix=Choix.POUR, pour=alice)
    services.bulletin_deposer(scrutin=scrutin, votant=bruno, choix=Choix.CONTRE)
    # Pendant le vote : deux bulletins scellés, de même longueur, et rien en clair.
    assert not Bulletin.objects.exists()
    longueurs = {len(c) for c in BulletinScelle.objects.values_list("chiffre", flat=True)}
    assert longueurs == {TAILLE_SCELLEE}
    services.scrutin_clore(scrutin=scrutin, acteur=secretariat, motif="Tous ont voté")
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT personne_id, vote_par_id FROM college_bulletin WHERE scrutin_id = %s", [scrutin.pk]
        )
        assert curseur.fetchall() == [(None, None), (None, None)]
    assert all(uuid.UUID(str(b.pk)).version == 4 for b in Bulletin.objects.all())


def _traces(caplog: pytest.LogCaptureFixture, mailoutbox: list[Any], avant: dict[str, int]) -> str:
    """Tout ce que le dépôt a laissé hors de l'urne : journaux Python, événements d'audit,
    notifications et courriels créés pendant le vote."""
    morceaux: list[str] = []
    for enregistrement in caplog.records:
        morceaux += [enregistrement.getMessage(), repr(enregistrement.args), repr(enregistrement.__dict__)]
    for evenement in Evenement.objects.filter(pk__gt=avant["evenement"]):
        morceaux += [
            evenement.verbe,
            evenement.cible_libelle,
            evenement.etat_avant,
            evenement.etat_apres,
            evenement.motif,
            repr(evenement.donnees),
        ]
    for notification in Notification.objects.filter(pk__gt=avant["notification"]):
        morceaux += [notification.titre, notification.message, notification.url]
    for courriel in mailoutbox:
        morceaux += [
            courriel.subject,
            courriel.body,
            *(contenu for contenu, _ in getattr(courriel, "alternatives", [])),
        ]
    return "\n".join(morceaux)


@pytest.mark.parametrize("secret", [True, False])
def test_le_choix_n_apparait_que_dans_l_urne(
    college, electeurs, secretariat, caplog, mailoutbox, django_capture_on_commit_callbacks, secret
):
    motivation = "Motivation-témoin-7Q4Z : le plan de financement ne tient pas."
    scrutin = services.scrutin_ouvrir(
        scrutin=ScrutinFactory(
            instance=college, type_scrutin=TypeScrutin.AVIS, titre="Avis sur le projet", secret=secret
        ),
        acteur=secretariat,
    )
    alice, bruno, chloe = electeurs[:3]
    services.procuration_vote_donner(scrutin=scrutin, mandant=chloe, mandataire=bruno, acteur=chloe)
    mailoutbox.clear()
    avant = {
        "evenement": Evenement.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        "notification": Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
    }
    caplog.set_level(logging.DEBUG)  # tous les journaux, à tous les niveaux
    with django_capture_on_commit_callbacks(execute=True) as rappels:
        recu_alice = services.bulletin_deposer(
            scrutin=scrutin, votant=alice, choix=Choix.DEFAVORABLE, motivation=motivation
        )
        recu_chloe = services.bulletin_deposer(
            scrutin=scrutin, votant=bruno, pour=chloe, choix=Choix.DEFAVORABLE, motivation=motivation
        )

    traces = _traces(caplog, mailoutbox, avant)
    assert Evenement.objects.filter(pk__gt=avant["evenement"], verbe="college.bulletin.depose").count() == 2
    for revelateur in (
        motivation,
        "7Q4Z",
        Choix.DEFAVORABLE.value,
        "Défavorable",
        "défavorable",
        recu_alice,
        recu_chloe,
    ):
        assert revelateur not in traces, revelateur
    assert rappels is not None
    # Le choix et la motivation sont bien dans l'urne (le test n'est pas vide de sens) : en
    # clair pour un scrutin nominatif ; scellés pour un scrutin secret, en clair nulle part
    # avant la clôture.
    if secret:
        assert _tables_contenant(motivation) == set()
        assert [(b.choix, b.motivation) for b in urne_ouverte(scrutin)] == [
            (Choix.DEFAVORABLE.value, motivation)
        ] * 2
        services.scrutin_clore(scrutin=scrutin, acteur=secretariat, motif="Tous ont voté")
    with connection.cursor() as curseur:
        curseur.execute("SELECT choix, motivation FROM college_bulletin WHERE scrutin_id = %s", [scrutin.pk])
        assert curseur.fetchall() == [(Choix.DEFAVORABLE.value, motivation)] * 2
    # Et nulle part ailleurs en base, hors de l'urne : on cherche dans toutes les autres tables.
    assert _tables_contenant(motivation) == {Bulletin._meta.db_table}


def _tables_contenant(texte: str) -> set[str]:
    trouvees = set()
    with connection.cursor() as curseur:
        for table in connection.introspection.table_names(curseur):
            colonnes_texte = [
                c.name
                for c in connection.introspection.get_table_description(curseur, table)
                if type_de(c) in {"TextField", "CharField", "JSONField"}
            ]
            if not colonnes_texte:
                continue
            conditions = " OR ".join(f'"{c}"::text LIKE %s' for c in colonnes_texte)
            curseur.execute(
                f'SELECT 1 FROM "{table}" WHERE {conditions} LIMIT 1',  # noqa: S608 (noms lus dans le catalogue)
                [f"%{texte}%"] * len(colonnes_texte),
            )
            if curseur.fetchone():
                trouvees.add(table)
    return trouvees


def test_la_cloture_publie_l_urne_d_un_bloc_et_efface_la_cle(college, electeurs, secretariat):
    scrutin = services.scrutin_ouvrir(
        scrutin=ScrutinFactory(instance=college, secret=True), acteur=secretariat
    )
    recus = [
        services.bulletin_deposer(scrutin=scrutin, votant=electeur, choix=choix)
        for electeur, choix in zip(
            electeurs, (Choix.POUR, Choix.CONTRE, Choix.POUR, Choix.ABSTENTION), strict=True
        )
    ]
    scrutin.refresh_from_db()
    assert scrutin.cle_publique is not None and scrutin.cle_privee_enveloppee is not None
    with connection.cursor() as curseur:
        curseur.execute("SELECT xmin::text FROM college_bulletinscelle WHERE scrutin_id = %s", [scrutin.pk])
        assert len({ligne[0] for ligne in curseur.fetchall()}) == 4  # un dépôt, une transaction

    services.scrutin_clore(scrutin=scrutin, acteur=secretariat, motif="Tous ont voté")

    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT xmin::text, recu, choix FROM college_bulletin WHERE scrutin_id = %s", [scrutin.pk]
        )
        lignes = curseur.fetchall()
    assert sorted(ligne[1] for ligne in lignes) == sorted(recus)  # rien de perdu
    assert len({ligne[0] for ligne in lignes}) == 1  # une transaction pour toute l'urne
    assert not BulletinScelle.objects.filter(scrutin=scrutin).exists()
    publique, enveloppee, resultat = Scrutin.objects.values_list(
        "cle_publique", "cle_privee_enveloppee", "resultat"
    ).get(pk=scrutin.pk)
    assert enveloppee is None
    assert publique is not None and resultat is not None
    assert resultat["decompte"] == {"pour": 2, "contre": 1, "abstention": 1}


def test_une_urne_qui_ne_s_ouvre_pas_n_est_pas_publiee(college, electeurs, secretariat, settings):
    scrutin = services.scrutin_ouvrir(
        scrutin=ScrutinFactory(instance=college, secret=True), acteur=secretariat
    )
    services.bulletin_deposer(scrutin=scrutin, votant=electeurs[0], choix=Choix.POUR)
    settings.SCRUTINS_CLE_MAITRE = "une-autre-cle-maitresse-" + "z" * 40
    with pytest.raises(UrneIllisible, match="ne s'ouvre pas"):
        services.scrutin_clore(scrutin=scrutin, acteur=secretariat, motif="Tous ont voté")
    scrutin.refresh_from_db()
    assert scrutin.statut == StatutScrutin.OUVERT
    assert BulletinScelle.objects.filter(scrutin=scrutin).count() == 1
