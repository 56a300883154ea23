"""Les services et le workflow des offres : qui peut quoi, et ce qui est refusé (en français)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from recrutement import services
from recrutement.models import ModePart, Offre, PartOffre, StatutOffre, TypeContrat
from recrutement.services import Part
from socle.models import Evenement
from socle.workflows import TransitionRefusee
from tests.recrutement import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def g() -> f.Gcs:
    return f.gcs_et_recruteurs()


# --- Qui recrute pour qui ---------------------------------------------------------------

CREATIONS = [
    # (acteur, employeur, accepté)
    ("recruteur_chpc", "chpc", True),
    ("recruteur_chpc", "gcs", True),  # le CHPC est membre du GCS : il publie en son nom
    ("recruteur_chpc", "pcc", False),
    ("recruteur_chpc", "msp", False),
    ("recruteur_pcc", "pcc", True),
    ("recruteur_pcc", "gcs", True),
    ("recruteur_pcc", "chpc", False),
    ("moderateur", "gcs", True),
    ("moderateur", "chpc", False),
    ("agent", "chpc", False),
]


@pytest.mark.parametrize(("acteur", "employeur", "accepte"), CREATIONS)
def test_un_recruteur_ne_publie_que_pour_sa_structure_ou_son_groupement(g, acteur, employeur, accepte):
    saisie = f.saisie(getattr(g, employeur))
    if accepte:
        offre = services.offre_creer(acteur=getattr(g, acteur), saisie=saisie)
        assert offre.statut == StatutOffre.BROUILLON
        assert Evenement.objects.filter(verbe="recrutement.offre.creee", cible_id=str(offre.pk)).exists()
    else:
        with pytest.raises(ValidationError) as refus:
            services.offre_creer(acteur=getattr(g, acteur), saisie=saisie)
        assert "Vous ne recrutez pas pour" in refus.value.message_dict["employeur"][0]
        assert not Offre.objects.exists()


def test_un_membre_qui_a_quitte_le_groupement_ne_publie_plus_en_son_nom(g):
    g.chpc.appartenances.update(fin=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError):
        services.offre_creer(acteur=g.recruteur_chpc, saisie=f.saisie(g.gcs))


# --- Saisies refusées ----------------------------------------------------------------------

SAISIES_REFUSEES = [
    ("date passée", {"date_limite": timezone.localdate() - timedelta(days=1)}, "date_limite", "déjà passée"),
    (
        "remplacement sans dates",
        {"type_contrat": TypeContrat.REMPLACEMENT},
        "fin",
        "date de début et une date de fin",
    ),
    (
        "remplacement à l'envers",
        {
            "type_contrat": TypeContrat.REMPLACEMENT,
            "debut": timezone.localdate() + timedelta(days=20),
            "fin": timezone.localdate() + timedelta(days=10),
        },
        "fin",
        "précède son début",
    ),
    (
        "rémunération inversée",
        {"remuneration_min": 6000, "remuneration_max": 5000},
        "remuneration_max",
        "inférieure à la minimale",
    ),
    ("parts hors exercice mixte", {"parts": "deux"}, "parts", "Seule une offre d'exercice mixte"),
]


@pytest.mark.parametrize(
    ("cas", "champs", "champ", "message"), SAISIES_REFUSEES, ids=[c[0] for c in SAISIES_REFUSEES]
)
def test_saisies_refusees(g, cas, champs, champ, message):
    if champs.get("parts") == "deux":
        champs = {"parts": [Part(g.chpc, ModePart.SALARIE, 50), Part(g.msp, ModePart.LIBERAL, 50)]}
    with pytest.raises(ValidationError) as refus:
        services.offre_creer(acteur=g.recruteur_chpc, saisie=f.saisie(g.chpc, **champs))
    assert any(message in m for m in refus.value.message_dict[champ]), refus.value.message_dict


PARTS = [
    ("50 + 50 pour un temps plein", 100, [50, 50], None),
    ("60 + 30 pour un temps plein", 100, [60, 30], "Les parts font 90 % en tout"),
    ("40 + 40 pour 80 %", 80, [40, 40], None),
    ("une seule part", 100, [100], "au moins deux parts"),
]


@pytest.mark.parametrize(("cas", "quotite", "parts", "erreur"), PARTS, ids=[p[0] for p in PARTS])
def test_les_parts_d_une_offre_mixte_font_son_temps_de_travail(g, cas, quotite, parts, erreur):
    employeurs = [g.chpc, g.msp]
    saisie = f.saisie_mixte(g).__class__(
        **{
            **f.saisie_mixte(g).__dict__,
            "quotite": quotite,
            "parts": [
                Part(employeurs[i], ModePart.SALARIE if i == 0 else ModePart.LIBERAL, q)
                for i, q in enumerate(parts)
            ],
        }
    )
    if erreur is None:
        offre = services.offre_creer(acteur=g.recruteur_chpc, saisie=saisie)
        assert sorted(p.quotite for p in offre.parts.all()) == sorted(parts)
    else:
        with pytest.raises(ValidationError) as refus:
            services.offre_creer(acteur=g.recruteur_chpc, saisie=saisie)
        assert erreur in " ".join(refus.value.message_dict["parts"])


def test_une_offre_mixte_nomme_son_employeur_parmi_ses_parts(g):
    saisie = f.saisie(
        g.chpc,
        type_contrat=TypeContrat.MIXTE,
        parts=[Part(g.pcc, ModePart.SALARIE, 50), Part(g.msp, ModePart.LIBERAL, 50)],
    )
    with pytest.raises(ValidationError) as refus:
        services.offre_creer(acteur=g.recruteur_chpc, saisie=saisie)
    assert "L'une des parts est celle de l'employeur" in refus.value.message_dict["parts"][0]


# --- Le workflow ----------------------------------------------------------------------------

TRANSITIONS = [
    # (état de départ, vers, acteur, accepté)
    (StatutOffre.BROUILLON, StatutOffre.SOUMISE, "recruteur_chpc", True),
    (StatutOffre.BROUILLON, StatutOffre.SOUMISE, "recruteur_pcc", False),
    (StatutOffre.BROUILLON, StatutOffre.SOUMISE, "moderateur", False),
    (StatutOffre.BROUILLON, StatutOffre.PUBLIEE, "moderateur", False),  # pas sans modération
    (StatutOffre.SOUMISE, StatutOffre.PUBLIEE, "moderateur", True),
    (StatutOffre.SOUMISE, StatutOffre.PUBLIEE, "agent", True),
    (StatutOffre.SOUMISE, StatutOffre.PUBLIEE, "recruteur_chpc", False),
    (StatutOffre.SOUMISE, StatutOffre.BROUILLON, "recruteur_chpc", False),
    (StatutOffre.PUBLIEE, StatutOffre.POURVUE, "recruteur_chpc", True),
    (StatutOffre.PUBLIEE, StatutOffre.POURVUE, "recruteur_pcc", False),
    (StatutOffre.PUBLIEE, StatutOffre.POURVUE, "agent", True),
    (StatutOffre.PUBLIEE, StatutOffre.RETIREE, "recruteur_chpc", True),
    (StatutOffre.PUBLIEE, StatutOffre.EXPIREE, "recruteur_chpc", False),
    (StatutOffre.PUBLIEE, StatutOffre.EXPIREE, None, True),  # la tâche
    (StatutOffre.BROUILLON, StatutOffre.RETIREE, "recruteur_chpc", True),
    (StatutOffre.POURVUE, StatutOffre.PUBLIEE, "moderateur", False),
    (StatutOffre.EXPIREE, StatutOffre.PUBLIEE, "moderateur", False),
]


@pytest.mark.parametrize(("depuis", "vers", "acteur", "accepte"), TRANSITIONS)
def test_transitions(g, depuis, vers, acteur, accepte):
    offre = f.offre(g, depuis)
    qui = getattr(g, acteur) if acteur else None
    if accepte:
        services.offre_transition(offre=offre, vers=vers, acteur=qui)
        offre.refresh_from_db()
        assert offre.statut == vers
        evenement = Evenement.objects.filter(cible_id=str(offre.pk)).latest("cree_le", "id")
        assert (evenement.etat_avant, evenement.etat_apres) == (depuis, vers)
        assert evenement.acteur == qui
    else:
        with pytest.raises(TransitionRefusee):
            services.offre_transition(offre=offre, vers=vers, acteur=qui)
        offre.refresh_from_db()
        assert offre.statut == depuis


def test_le_refus_est_motive_et_revient_au_recruteur(g):
    offre = f.offre(g, StatutOffre.SOUMISE)
    with pytest.raises(TransitionRefusee, match="motif"):
        services.offre_transition(offre=offre, vers=StatutOffre.BROUILLON, acteur=g.moderateur)
    services.offre_transition(
        offre=offre, vers=StatutOffre.BROUILLON, acteur=g.moderateur, motif="Précisez la rémunération."
    )
    offre.refresh_from_db()
    assert (offre.statut, offre.motif_refus) == (StatutOffre.BROUILLON, "Précisez la rémunération.")
    assert g.recruteur_chpc.notifications.filter(verbe="recrutement.offre.refusee").exists()


def test_soumettre_previent_les_moderateurs_du_gcs_et_les_agents(g):
    f.offre(g, StatutOffre.SOUMISE)
    for moderateur in (g.moderateur, g.agent):
        assert moderateur.notifications.filter(verbe="recrutement.offre.soumise").exists()
    assert not g.recruteur_pcc.notifications.exists()


def test_une_offre_echue_ne_se_publie_pas(g, monkeypatch):
    offre = f.offre(g, StatutOffre.SOUMISE, date_limite=timezone.localdate() + timedelta(days=1))
    plus_tard = timezone.now() + timedelta(days=3)
    monkeypatch.setattr(timezone, "now", lambda: plus_tard)
    with pytest.raises(TransitionRefusee, match="date limite de candidature est passée"):
        services.offre_transition(offre=offre, vers=StatutOffre.PUBLIEE, acteur=g.moderateur)


def test_un_brouillon_se_modifie_avec_son_journal(g):
    offre = f.offre(g)
    services.offre_modifier(
        offre=offre, acteur=g.recruteur_chpc, saisie=f.saisie(g.chpc, titre="Médecin urgentiste (SMUR)")
    )
    offre.refresh_from_db()
    assert offre.titre == "Médecin urgentiste (SMUR)"
    evenement = Evenement.objects.get(verbe="recrutement.offre.modifiee")
    assert evenement.donnees["modifications"]["titre"] == ["Médecin urgentiste", "Médecin urgentiste (SMUR)"]
    with pytest.raises(ValidationError):
        services.offre_modifier(offre=offre, acteur=g.recruteur_pcc, saisie=f.saisie(g.chpc))


def test_changer_les_seules_parts_d_une_offre_mixte_va_au_journal(g):
    offre = services.offre_creer(acteur=g.recruteur_chpc, saisie=f.saisie_mixte(g))
    saisie = f.saisie_mixte(g)
    nouvelle = saisie.__class__(
        **{
            **saisie.__dict__,
            "parts": [Part(g.chpc, ModePart.SALARIE, 70), Part(g.msp, ModePart.LIBERAL, 30)],
        }
    )
    services.offre_modifier(offre=offre, acteur=g.recruteur_chpc, saisie=nouvelle)
    assert sorted(offre.parts.values_list("quotite", flat=True)) == [30, 70]
    evenement = Evenement.objects.get(verbe="recrutement.offre.modifiee")
    avant, apres = evenement.donnees["parts"]
    assert sorted(q for _e, _m, q in avant) == [50, 50] and sorted(q for _e, _m, q in apres) == [30, 70]
    # Rien n'a changé : rien n'est écrit.
    services.offre_modifier(offre=offre, acteur=g.recruteur_chpc, saisie=nouvelle)
    assert Evenement.objects.filter(verbe="recrutement.offre.modifiee").count() == 1


def test_une_offre_du_gcs_est_celle_de_tous_ses_membres(g):
    offre = f.offre(g, employeur=g.gcs, acteur=g.recruteur_pcc)
    services.offre_transition(offre=offre, vers=StatutOffre.SOUMISE, acteur=g.recruteur_chpc)


CONTRAINTES = [
    ("date limite avant la création", {"date_limite": timezone.localdate() - timedelta(days=3)}),
    ("quotité nulle", {"quotite": 0}),
    ("rémunération négative", {"remuneration_min": -1}),
    ("remplacement sans fin", {"type_contrat": "remplacement", "debut": timezone.localdate()}),
    ("publiée sans date", {"statut": "publiee"}),
]


@pytest.mark.parametrize(("cas", "champs"), CONTRAINTES, ids=[c[0] for c in CONTRAINTES])
def test_la_base_refuse_ce_qui_ne_doit_jamais_arriver(g, cas, champs):
    offre = f.offre(g)
    for nom, valeur in champs.items():
        setattr(offre, nom, valeur)
    with pytest.raises(IntegrityError), transaction.atomic():
        offre.save()


def test_une_part_a_une_quotite_positive(g):
    offre = services.offre_creer(acteur=g.recruteur_chpc, saisie=f.saisie_mixte(g))
    with pytest.raises(IntegrityError), transaction.atomic():
        PartOffre.objects.create(offre=offre, employeur=g.pcc, mode=ModePart.SALARIE, quotite=0)
