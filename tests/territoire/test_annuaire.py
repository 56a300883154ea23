"""L'annuaire : recherche (plein texte, fautes de frappe, classement), filtres, visibilité
des professionnels qui n'exercent plus et des coordonnées, fiches."""

import datetime
import html as html_
from types import SimpleNamespace

import pytest
from django.db import connection

from territoire.models import LieuExercice, ModeExercice, Projet, TypeStructure
from territoire.selectors import (
    professionnels_visibles_par,
    rechercher_professionnels,
    rechercher_structures,
    structures_visibles_par,
)
from tests.territoire.factories import (
    AppartenanceFactory,
    CommuneFactory,
    LieuExerciceFactory,
    PoleFactory,
    ProfessionFactory,
    ProfessionnelFactory,
    SpecialiteFactory,
    StructureFactory,
    finess,
)

pytestmark = pytest.mark.django_db

ANNUAIRE = "/annuaire/"
TELEPHONE_CABINET = "02 33 44 55 66"
TELEPHONE_HOPITAL = "02 33 20 70 00"


@pytest.fixture
def territoire():
    """Un petit Cotentin : trois pôles, quatre communes, des professionnels et des structures."""
    cherbourg_pole = PoleFactory(nom="Pôle de Cherbourg")
    hague_pole = PoleFactory(nom="Pôle de la Hague")
    valognes_pole = PoleFactory(nom="Pôle de Valognes")
    cherbourg = CommuneFactory(code_insee="50129", nom="Cherbourg-en-Cotentin", pole=cherbourg_pole)
    tourlaville = CommuneFactory(code_insee="50602", nom="Tourlaville", pole=cherbourg_pole)
    hague = CommuneFactory(code_insee="50041", nom="La Hague", pole=hague_pole)
    valognes = CommuneFactory(code_insee="50615", nom="Valognes", pole=valognes_pole)

    medecin = ProfessionFactory(code="10", libelle="Médecin")
    infirmier = ProfessionFactory(code="60", libelle="Infirmier")
    sage_femme = ProfessionFactory(code="50", libelle="Sage-femme")
    generaliste = SpecialiteFactory(code="SM54", libelle="Médecine générale")

    hopital = StructureFactory(
        nom="Centre hospitalier public du Cotentin",
        nom_long="Centre hospitalier public du Cotentin — site Louis Pasteur",
        type=TypeStructure.CENTRE_HOSPITALIER,
        finess=finess(900101),
        finess_juridique=finess(900100),
        categorie_finess="355",
        libelle_categorie_finess="Centre hospitalier (C.H.)",
        siret="26500028500019",
        commune=cherbourg,
        telephone=TELEPHONE_HOPITAL,
        courriel="accueil@ch-cotentin.exemple.fr",
        site_web="https://www.ch-cotentin.exemple.fr/",
    )
    site_valognes = StructureFactory(
        nom="Centre hospitalier public du Cotentin — site de Valognes",
        type=TypeStructure.CENTRE_HOSPITALIER,
        finess=finess(900102),
        finess_juridique=finess(900100),
        commune=valognes,
    )
    polyclinique = StructureFactory(
        nom="Polyclinique du Cotentin", type=TypeStructure.CLINIQUE, finess=finess(900103), commune=cherbourg
    )
    gcs = StructureFactory(
        nom="Partenaires Santé du Cotentin", type=TypeStructure.GCS, finess=None, commune=cherbourg
    )
    ancienne = StructureFactory(
        nom="Clinique des Dunes", type=TypeStructure.CLINIQUE, finess=finess(900104), commune=hague
    )
    msp = StructureFactory(
        nom="Maison de santé de la Hague", type=TypeStructure.MSP, commune=hague, demo=True
    )
    AppartenanceFactory(
        groupement=gcs, membre=hopital, debut=datetime.date(2017, 10, 12), role="membre fondateur"
    )
    AppartenanceFactory(groupement=gcs, membre=polyclinique, debut=datetime.date(2017, 10, 12))
    AppartenanceFactory(
        groupement=gcs, membre=ancienne, debut=datetime.date(2015, 3, 2), fin=datetime.date(2019, 6, 30)
    )

    lefevre = ProfessionnelFactory(
        nom="Lefèvre",
        prenom="Hélène",
        civilite="Docteur",
        profession=medecin,
        specialite=generaliste,
        mode_exercice=ModeExercice.LIBERAL,
    )
    LieuExerciceFactory(
        professionnel=lefevre,
        commune=cherbourg,
        structure=hopital,
        raison_sociale="Cabinet du Val de Saire",
        adresse="3 rue du Val de Saire",
        code_postal="50100",
        secteur="Cabinet individuel",
        telephone=TELEPHONE_CABINET,
        courriel="cabinet.lefevre@exemple.fr",
    )
    lecoq = ProfessionnelFactory(
        nom="Lecoq", prenom="Jean", profession=infirmier, mode_exercice=ModeExercice.SALARIE
    )
    LieuExerciceFactory(professionnel=lecoq, commune=hague, structure=msp, mode=LieuExercice.Mode.SALARIE)
    guerin = ProfessionnelFactory(
        nom="Guérin", prenom="Marc", profession=medecin, mode_exercice=ModeExercice.MIXTE, demo=True
    )
    # Deux lieux dans le même pôle (deux communes) : une seule ligne dans l'annuaire.
    LieuExerciceFactory(professionnel=guerin, commune=cherbourg, structure=polyclinique)
    LieuExerciceFactory(professionnel=guerin, commune=tourlaville)
    martin = ProfessionnelFactory(nom="Martin", prenom="Paul", profession=medecin)
    LieuExerciceFactory(professionnel=martin, commune=valognes)
    durand = ProfessionnelFactory(nom="Durand", prenom="Martin", profession=infirmier)
    LieuExerciceFactory(professionnel=durand, commune=valognes)
    lefranc = ProfessionnelFactory(nom="Lefranc", prenom="Pierre", profession=medecin)
    LieuExerciceFactory(professionnel=lefranc, commune=hague)
    ancien = ProfessionnelFactory(nom="Ancelin", prenom="Louis", profession=sage_femme, actif=False)
    LieuExerciceFactory(professionnel=ancien, commune=cherbourg, structure=hopital)

    projet = Projet.objects.create(nom="PSLA du Val de Saire", axe="II", nature=Projet.Nature.PSLA)
    projet.porteurs.add(lefevre)

    return SimpleNamespace(**locals())


def _html(reponse) -> str:
    """Le HTML de la page, entités décodées (' → ')."""
    assert reponse.status_code == 200
    return html_.unescape(reponse.content.decode())


def _noms(reponse) -> list[str]:
    return [str(objet) for objet in reponse.context["page"].object_list]


def _page(client, **parametres) -> list[str]:
    reponse = client.get(ANNUAIRE, parametres)
    assert reponse.status_code == 200
    return _noms(reponse)


@pytest.fixture
def membre(client_de):
    return client_de("membre_college")


# --- Recherche -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tape", "trouve"),
    [
        ("Lefèvre", "Hélène Lefèvre"),
        ("lefevre", "Hélène Lefèvre"),
        ("HÉLÈNE", "Hélène Lefèvre"),
        ("Guerin", "Marc Guérin"),
        ("guérin marc", "Marc Guérin"),
    ],
)
def test_recherche_plein_texte_sans_accents(territoire, membre, tape, trouve):
    assert _page(membre, q=tape)[0] == trouve


@pytest.mark.parametrize(
    ("tape", "trouve"),
    [("Lefebvre", "Hélène Lefèvre"), ("Lecoc", "Jean Lecoq"), ("Guérrin", "Marc Guérin")],
)
def test_recherche_tolere_les_fautes_de_frappe(territoire, membre, tape, trouve):
    assert trouve in _page(membre, q=tape)


def test_une_faute_ne_noie_pas_les_resultats(territoire, membre):
    # word_similarity(« lefebvre », « pierre lefranc ») = 0,444 : sous le seuil de 0,45.
    assert _page(membre, q="Lefebvre") == ["Hélène Lefèvre"]
    assert _page(membre, q="Dupuis") == []


@pytest.mark.parametrize(
    ("tape", "trouve"),
    [
        ("hopital", "Centre hospitalier public du Cotentin"),
        ("cherbour hopital", "Centre hospitalier public du Cotentin"),
        ("Polyclinique", "Polyclinique du Cotentin"),
        ("polyclinque", "Polyclinique du Cotentin"),
        ("partenaires sante", "Partenaires Santé du Cotentin"),
    ],
)
def test_recherche_des_structures(territoire, membre, tape, trouve):
    assert _page(membre, onglet="structures", q=tape)[0] == trouve


def test_la_commune_tapee_restreint_les_structures(territoire, membre):
    # « cherbour » désigne la commune : le site de Valognes n'en est pas.
    assert _page(membre, onglet="structures", q="cherbour hopital") == [
        "Centre hospitalier public du Cotentin"
    ]
    assert "Centre hospitalier public du Cotentin — site de Valognes" in _page(
        membre, onglet="structures", q="hopital"
    )


def test_classement_nom_avant_prenom(territoire, membre):
    # Plein texte : le nom (poids A) passe avant le prénom (poids B).
    assert _page(membre, q="Martin")[:2] == ["Paul Martin", "Martin Durand"]


def test_classement_plein_texte_avant_ressemblance(territoire, membre):
    ProfessionnelFactory(nom="Lefebvre", prenom="Anne", profession=territoire.medecin)
    # « lefevre » : Hélène Lefèvre par le plein texte, Anne Lefebvre par les trigrammes.
    assert _page(membre, q="lefevre")[:2] == ["Hélène Lefèvre", "Anne Lefebvre"]
    assert _page(membre, q="lefebvre")[:2] == ["Anne Lefebvre", "Hélène Lefèvre"]


def test_classement_departage_par_mots_entiers(territoire, membre):
    ProfessionnelFactory(nom="Lecomte", prenom="Anne", profession=territoire.medecin)
    # word_similarity 0,667 pour les deux ; la variante stricte préfère Lecoq.
    assert _page(membre, q="lecoc")[:2] == ["Jean Lecoq", "Anne Lecomte"]


def test_recherche_trop_longue_refusee(territoire, membre):
    reponse = membre.get(ANNUAIRE, {"q": "Lefebvre " * 20})
    assert reponse.context["filtres"].form.errors["q"]
    assert "Assurez-vous que cette valeur comporte au plus 100 caractères" in _html(reponse)


@pytest.mark.django_db(transaction=True)
def test_le_seuil_des_trigrammes_ne_fuit_pas_sur_la_connexion(client_de):
    ProfessionnelFactory(nom="Lefèvre", prenom="Hélène")
    assert _page(client_de("membre_college"), q="Lefebvre") == ["Hélène Lefèvre"]
    # Posé pour la seule transaction de la page : la connexion garde le défaut de PostgreSQL.
    with connection.cursor() as curseur:
        curseur.execute("SHOW pg_trgm.word_similarity_threshold")
        assert curseur.fetchone()[0] == "0.6"


def test_selecteurs_de_recherche(territoire, membre_college):
    with_pg_seuil = rechercher_professionnels(professionnels_visibles_par(membre_college), "Lefèvre")
    assert [str(p) for p in with_pg_seuil] == ["Hélène Lefèvre"]
    structures = rechercher_structures(structures_visibles_par(membre_college), "polyclinique")
    assert [s.nom for s in structures] == ["Polyclinique du Cotentin"]
    tout = professionnels_visibles_par(membre_college)
    assert rechercher_professionnels(tout, "   ") is tout


# --- Filtres -----------------------------------------------------------------------


def test_filtre_profession(territoire, membre):
    assert sorted(_page(membre, profession=territoire.infirmier.pk)) == ["Jean Lecoq", "Martin Durand"]


def test_filtre_profession_ne_propose_que_les_professions_exercees(territoire, membre):
    reponse = membre.get(ANNUAIRE)
    choix = [str(p) for p in reponse.context["filtres"].form.fields["profession"].queryset]
    assert choix == ["Infirmier", "Médecin"]


def test_filtre_pole(territoire, membre):
    assert sorted(_page(membre, pole=territoire.hague_pole.pk)) == ["Jean Lecoq", "Pierre Lefranc"]


def test_filtre_commune(territoire, membre):
    assert _page(membre, commune=territoire.tourlaville.pk) == ["Marc Guérin"]


def test_filtre_mode_d_exercice(territoire, membre):
    assert _page(membre, mode=ModeExercice.SALARIE) == ["Jean Lecoq"]
    assert _page(membre, mode=ModeExercice.MIXTE) == ["Marc Guérin"]


def test_filtres_combines_avec_la_recherche(territoire, membre):
    assert _page(membre, q="Lefebvre", pole=territoire.cherbourg_pole.pk) == ["Hélène Lefèvre"]
    assert _page(membre, q="Lefebvre", pole=territoire.hague_pole.pk) == []


def test_deux_lieux_dans_le_meme_pole_une_seule_ligne(territoire, membre):
    LieuExerciceFactory(professionnel=territoire.guerin, commune=territoire.cherbourg)
    reponse = membre.get(ANNUAIRE, {"pole": territoire.cherbourg_pole.pk})
    assert _noms(reponse) == ["Marc Guérin", "Hélène Lefèvre"]
    assert reponse.context["page"].paginator.count == 2
    assert "2 professionnels trouvés" in _html(reponse)
    assert _page(membre, commune=territoire.cherbourg.pk).count("Marc Guérin") == 1


def test_communes_d_exercice_dans_la_ligne(territoire, membre):
    LieuExerciceFactory(professionnel=territoire.guerin, commune=territoire.cherbourg)
    html = _html(membre.get(ANNUAIRE, {"q": "Guérin"}))
    assert "Cherbourg-en-Cotentin, Tourlaville" in html


def test_filtres_des_structures(territoire, membre):
    assert _page(membre, onglet="structures", type=TypeStructure.GCS) == ["Partenaires Santé du Cotentin"]
    assert _page(membre, onglet="structures", pole=territoire.hague_pole.pk) == [
        "Clinique des Dunes",
        "Maison de santé de la Hague",
    ]
    assert _page(membre, onglet="structures", commune=territoire.valognes.pk) == [
        "Centre hospitalier public du Cotentin — site de Valognes"
    ]


def test_valeur_de_filtre_inconnue_signalee(territoire, membre):
    reponse = membre.get(ANNUAIRE, {"commune": 999999})
    assert reponse.status_code == 200
    assert reponse.context["filtres"].form.errors["commune"]


# --- Page, formulaire, onglets -------------------------------------------------------


def test_liste_des_professionnels(territoire, membre):
    reponse = membre.get(ANNUAIRE)
    html = _html(reponse)
    assert "6 professionnels trouvés" in html
    assert "Médecine générale" in html
    assert "Mixte (libéral et salarié)" in html
    assert html.count("(donnée de démonstration)") == 1  # Marc Guérin
    assert "Les fiches marquées « démo » sont fictives" in html
    assert f'href="/annuaire/professionnels/{territoire.lefevre.pk}/"' in html


def test_pas_d_avertissement_de_demonstration_sans_fiche_de_demonstration(territoire, membre):
    html = _html(membre.get(ANNUAIRE, {"q": "Lefèvre"}))
    assert f'href="/annuaire/professionnels/{territoire.lefevre.pk}/"' in html
    assert "(donnée de démonstration)" not in html
    assert "Les fiches marquées « démo » sont fictives" not in html


def test_liste_des_structures(territoire, membre):
    html = _html(membre.get(ANNUAIRE, {"onglet": "structures"}))
    assert "6 structures trouvées" in html
    assert "Groupement de coopération sanitaire (GCS)" in html
    assert "Pôle de la Hague" in html
    assert html.count("(donnée de démonstration)") == 1  # la maison de santé
    assert "Les fiches marquées « démo » sont fictives" in html


def test_le_formulaire_garde_ce_qui_a_ete_tape(territoire, membre):
    html = _html(
        membre.get(ANNUAIRE, {"q": "Lefebvre", "profession": territoire.medecin.pk, "mode": "liberal"})
    )
    assert 'value="Lefebvre"' in html
    assert f'<option value="{territoire.medecin.pk}" selected>Médecin</option>' in html
    assert '<option value="liberal" selected>Libéral</option>' in html
    assert 'for="id_q"' in html


def test_les_onglets_gardent_la_recherche(territoire, membre):
    html = _html(membre.get(ANNUAIRE, {"q": "cotentin", "mode": "liberal"}))
    assert 'href="?q=cotentin&onglet=structures"' in html
    html = _html(membre.get(ANNUAIRE, {"q": "cotentin", "onglet": "structures"}))
    assert 'href="?q=cotentin"' in html
    assert 'name="onglet" value="structures"' in html


def test_aucun_resultat(territoire, membre):
    html = _html(membre.get(ANNUAIRE, {"q": "Zyxwvu"}))
    assert "Aucun professionnel ne correspond à votre recherche." in html
    assert "Vérifiez l'orthographe" in html
    html = _html(membre.get(ANNUAIRE, {"onglet": "structures", "q": "Zyxwvu"}))
    assert "Aucune structure ne correspond à votre recherche." in html


def test_pagination_garde_la_recherche(territoire, membre):
    ProfessionnelFactory.create_batch(30, nom="Lemarchand", profession=territoire.medecin)
    reponse = membre.get(ANNUAIRE, {"q": "Lemarchand"})
    assert reponse.context["page"].paginator.count == 30
    assert len(reponse.context["page"].object_list) == 25
    assert 'href="?q=Lemarchand&page=2"' in _html(reponse)
    assert len(_page(membre, q="Lemarchand", page=2)) == 5


# --- Professionnels qui n'exercent plus ------------------------------------------------


@pytest.mark.parametrize("persona", ["professionnel", "membre_college", "copresident"])
def test_inactif_cache(territoire, client_de, persona):
    client = client_de(persona)
    assert _page(client, q="Ancelin") == []
    assert client.get(f"/annuaire/professionnels/{territoire.ancien.pk}/").status_code == 404


@pytest.mark.parametrize("persona", ["agent", "secretariat", "superutilisateur"])
def test_inactif_visible_du_personnel(territoire, client_de, persona):
    client = client_de(persona)
    reponse = client.get(ANNUAIRE, {"q": "Ancelin"})
    assert _noms(reponse) == ["Louis Ancelin"]
    assert "n'exerce plus sur le territoire" in _html(reponse)
    fiche = client.get(f"/annuaire/professionnels/{territoire.ancien.pk}/")
    assert "n'exerce plus sur le territoire" in _html(fiche)


def test_inactif_absent_des_praticiens_de_la_structure(territoire, client_de):
    html = _html(client_de("agent").get(f"/annuaire/structures/{territoire.hopital.pk}/"))
    assert "Louis Ancelin" not in html


def test_profession_sans_actif_exclue_des_choix_meme_pour_le_personnel(territoire, client_de):
    reponse = client_de("agent").get(ANNUAIRE)
    assert "Sage-femme" not in [str(p) for p in reponse.context["filtres"].form.fields["profession"].queryset]


# --- Coordonnées ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["agent", "secretariat", "copresident"])
def test_coordonnees_visibles_des_officiers(territoire, client_de, persona):
    client = client_de(persona)
    fiche = _html(client.get(f"/annuaire/professionnels/{territoire.lefevre.pk}/"))
    assert TELEPHONE_CABINET in fiche
    assert "cabinet.lefevre@exemple.fr" in fiche
    structure = _html(client.get(f"/annuaire/structures/{territoire.hopital.pk}/"))
    assert TELEPHONE_HOPITAL in structure
    assert "accueil@ch-cotentin.exemple.fr" in structure
    assert "https://www.ch-cotentin.exemple.fr/" in structure


@pytest.mark.parametrize("persona", ["membre_college", "professionnel"])
def test_coordonnees_cachees_aux_autres(territoire, client_de, persona):
    client = client_de(persona)
    fiche = _html(client.get(f"/annuaire/professionnels/{territoire.lefevre.pk}/"))
    assert TELEPHONE_CABINET not in fiche
    assert "cabinet.lefevre@exemple.fr" not in fiche
    assert "réservés au personnel de l'agglomération et aux officiers du Conseil" in fiche
    structure = _html(client.get(f"/annuaire/structures/{territoire.hopital.pk}/"))
    assert TELEPHONE_HOPITAL not in structure
    assert "accueil@ch-cotentin.exemple.fr" not in structure
    assert "ch-cotentin.exemple.fr/" not in structure
    assert "réservés au personnel de l'agglomération" in structure


# --- Fiches --------------------------------------------------------------------------


@pytest.mark.parametrize("chemin", ["/annuaire/professionnels/{}/", "/annuaire/structures/{}/"])
def test_fiche_absente_404(territoire, membre, chemin):
    assert membre.get(chemin.format(987654)).status_code == 404


def test_fiche_du_professionnel(territoire, membre):
    html = _html(membre.get(f"/annuaire/professionnels/{territoire.lefevre.pk}/"))
    assert "<h1>Docteur Hélène Lefèvre</h1>" in html
    assert territoire.lefevre.rpps in html
    assert "Médecin" in html and "Médecine générale" in html
    assert "Cabinet du Val de Saire" in html
    assert f'href="/annuaire/structures/{territoire.hopital.pk}/"' in html
    assert "3 rue du Val de Saire" in html and "50100 Cherbourg-en-Cotentin" in html
    assert "Pôle de Cherbourg" in html
    assert "Cabinet individuel" in html
    assert "PSLA du Val de Saire" in html
    assert "donnée de démonstration" not in html


def test_fiche_d_un_professionnel_de_demonstration(territoire, membre):
    html = _html(membre.get(f"/annuaire/professionnels/{territoire.guerin.pk}/"))
    assert "(donnée de démonstration)" in html
    assert "Polyclinique du Cotentin" in html and "Tourlaville" in html


def test_fiche_du_groupement_et_ses_membres(territoire, membre):
    html = _html(membre.get(f"/annuaire/structures/{territoire.gcs.pk}/"))
    actuels, anciens = html.split("Anciens membres")
    assert "Membres actuels" in actuels
    assert "Centre hospitalier public du Cotentin</a> (Cherbourg-en-Cotentin) :" in actuels
    assert "membre depuis le 12 octobre 2017 (membre fondateur)" in actuels
    assert "Polyclinique du Cotentin" in actuels
    assert "Clinique des Dunes" not in actuels
    assert "Clinique des Dunes" in anciens
    assert "membre du 2 mars 2015 au 30 juin 2019" in anciens


def test_fiche_d_un_membre_cite_ses_groupements(territoire, membre):
    html = _html(membre.get(f"/annuaire/structures/{territoire.hopital.pk}/"))
    assert "Groupements dont la structure est membre" in html
    assert f'href="/annuaire/structures/{territoire.gcs.pk}/">Partenaires Santé du Cotentin</a>' in html
    assert "membre depuis le 12 octobre 2017" in html
    assert "Membres du groupement" not in html


def test_fiche_de_structure(territoire, membre):
    hopital = territoire.hopital
    html = _html(membre.get(f"/annuaire/structures/{hopital.pk}/"))
    assert "<h1>Centre hospitalier public du Cotentin</h1>" in html
    assert "site Louis Pasteur" in html
    assert hopital.finess in html and hopital.finess_juridique in html
    assert "Centre hospitalier (C.H.) (355)" in html
    assert "26500028500019" in html
    assert "Pôle de Cherbourg" in html
    # Les établissements de la même entité juridique.
    assert "Autres établissements de la même entité juridique" in html
    assert f'href="/annuaire/structures/{territoire.site_valognes.pk}/"' in html
    freres = html.split("même entité juridique")[1].split("Professionnels qui y exercent")[0]
    assert "Polyclinique du Cotentin" not in freres
    assert f'href="/annuaire/structures/{hopital.pk}/"' not in freres
    # Les professionnels qui y exercent (en exercice seulement).
    assert "1 professionnel en exercice." in html
    assert f'href="/annuaire/professionnels/{territoire.lefevre.pk}/"' in html


def test_fiche_de_structure_sans_entite_juridique(territoire, membre):
    html = _html(membre.get(f"/annuaire/structures/{territoire.polyclinique.pk}/"))
    assert "même entité juridique" not in html
    assert "Marc Guérin" in html


def test_les_praticiens_d_une_structure_sont_pagines(territoire, membre):
    for _ in range(27):
        LieuExerciceFactory(
            professionnel=ProfessionnelFactory(nom="Praticien"),
            structure=territoire.msp,
            commune=territoire.hague,
        )
    reponse = membre.get(f"/annuaire/structures/{territoire.msp.pk}/")
    assert reponse.context["page"].paginator.count == 28
    assert "28 professionnels en exercice." in _html(reponse)
    assert 'href="?page=2"' in _html(reponse)
    assert (
        len(membre.get(f"/annuaire/structures/{territoire.msp.pk}/?page=2").context["page"].object_list) == 3
    )


def test_le_cout_des_trigrammes_est_declare_au_planificateur(db):
    """Après `migrate`, `%>` a son vrai coût : sans cela, PostgreSQL lit toute la table au lieu
    de l'index des trigrammes (41 ms contre 6 ms sur 20 000 professionnels, territoire/apps.py)."""
    from django.db import connection

    with connection.cursor() as curseur:
        curseur.execute("SELECT procost FROM pg_proc WHERE proname = 'word_similarity_commutator_op'")
        assert curseur.fetchone() == (100,)
