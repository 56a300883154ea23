"""Les écritures d'une candidature : le dépôt (candidat, pièces, consentements, vivier, demande
d'aide), d'une seule transaction, après que tous les contrôles ont passé.

Un dépôt refusé n'écrit rien : les fichiers sont tous contrôlés par leur contenu (socle) avant
la première écriture, et les refus (offre close ou échue, employeur obligatoire non coché, CV
manquant, fichier refusé, déjà candidat à cette offre) sont des `ValidationError` rangées par
champ, que la vue replace sur le formulaire.
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recrutement.jetons import VALIDITE, cle_de_l_adresse
from recrutement.models import (
    TYPES_PIECES,
    Candidat,
    Candidature,
    Consentement,
    EtapeCandidature,
    NaturePiece,
    ObjetConsentement,
    Offre,
    PieceCandidature,
    SourceCandidature,
)
from recrutement.selectors import employeurs_a_choisir
from recrutement.tasks import (
    envoyer_confirmation_de_candidature,
    envoyer_lien_de_candidature,
    envoyer_lien_de_l_espace,
)
from recrutement.workflows import recruteurs_des_employeurs
from socle.documents import verifier_fichier
from socle.services import apres_validation, document_deposer, evenement_enregistrer, notifier
from socle.verbes import Verbe
from territoire.models import PoleDeProximite, Structure

CANDIDATURE_DEPOSEE = Verbe("recrutement.candidature.deposee", gettext_lazy("Candidature déposée"))
VIVIER_REJOINT = Verbe("recrutement.vivier.rejoint", gettext_lazy("Inscription au vivier"))
VIVIER_QUITTE = Verbe("recrutement.vivier.quitte", gettext_lazy("Sortie du vivier"))
LIEN_DE_CANDIDATURE_DEMANDE = Verbe(
    "recrutement.candidature.lien_demande", gettext_lazy("Lien de candidature demandé par courriel")
)
LIEN_DE_L_ESPACE_DEMANDE = Verbe(
    "recrutement.candidat.lien_demande", gettext_lazy("Lien de l'espace candidat demandé par courriel")
)
CANDIDATURE_RETIREE = Verbe(
    "recrutement.candidature.retiree", gettext_lazy("Candidature retirée par le candidat")
)
CONSENTEMENT_RETIRE = Verbe(
    "recrutement.consentement.retire",
    gettext_lazy("Candidature retirée à un employeur par le candidat"),
    precision="employeur",
)

# Le vivier garde un candidat deux ans au plus après son dernier contact (CNIL).
DUREE_VIVIER = timedelta(days=2 * 365)


def texte_consentement_employeur(employeur: Structure, membres: Sequence[Structure] = ()) -> str:
    """Le texte exact que le candidat accepte pour un employeur, gardé avec son consentement."""
    texte = _(
        "J'accepte que les recruteurs de « %(e)s » reçoivent ma candidature, mon CV et mes "
        "documents, et les étudient avec les autres employeurs que j'ai choisis. Je peux "
        "retirer ce choix à tout moment depuis mon espace candidat."
    ) % {"e": employeur.nom}
    if membres:
        texte += " " + _("Les recruteurs de ses membres (%(m)s) la voient aussi.") % {
            "m": ", ".join(m.nom for m in membres)
        }
    return texte


def texte_consentement_vivier() -> str:
    return _(
        "J'accepte que le GCS « Partenaires Santé du Cotentin » garde ma candidature dans son "
        "vivier pour me proposer d'autres offres, deux ans au plus après mon dernier contact ; "
        "un mois avant la fin, on me demandera si je veux rester. Je peux en sortir à tout "
        "moment depuis mon espace candidat."
    )


@dataclass(frozen=True)
class SaisieCandidature:
    """Ce qu'un candidat remplit pour postuler."""

    nom: str
    prenom: str
    email: str
    cv: UploadedFile | None
    employeurs: Sequence[Structure]
    telephone: str = ""
    rpps: str = ""
    message: str = ""
    source: str = SourceCandidature.PORTAIL
    autres_pieces: Sequence[tuple[str, UploadedFile]] = field(default_factory=tuple)
    vivier: bool = False
    poles_souhaites: Sequence[PoleDeProximite] = ()
    aide_emploi_conjoint: bool = False
    aide_logement: bool = False
    aide_precisions: str = ""


def _refuser_si_close(offre: Offre, jour: date) -> None:
    if not offre.est_en_ligne(jour):
        raise ValidationError(
            _(
                "Cette offre n'accepte plus de candidatures : elle est close ou sa date limite "
                "est passée. Les offres semblables restent ouvertes."
            ),
            code="offre_close",
        )


def employeurs_et_textes(offre: Offre, jour: date) -> list[tuple[Structure, bool, str]]:
    """Les employeurs proposés au candidat, chacun avec « obligatoire » et le texte exact de
    son consentement (celui que `candidature_deposer` garde) : le formulaire les montre."""
    obligatoires, facultatifs = employeurs_a_choisir(offre, jour)
    tous = [*obligatoires, *facultatifs]
    membres = [e for e in tous if not e.est_groupement]
    return [
        (e, e in obligatoires, texte_consentement_employeur(e, membres if e.est_groupement else []))
        for e in tous
    ]


def _verifier(
    offre: Offre, saisie: SaisieCandidature, *, candidat: Candidat | None, maintenant: datetime
) -> dict[int, list[Structure]]:
    """Tous les refus à la fois, chacun sur son champ. Rend, par employeur choisi, les membres
    qui voient aussi la candidature (groupement), pour le texte de son consentement."""
    jour = timezone.localdate(maintenant)
    erreurs: dict[str, list[str]] = {}

    def refus(champ: str, message: str) -> None:
        erreurs.setdefault(champ, []).append(message)

    _refuser_si_close(offre, jour)
    if candidat is not None and Candidature.objects.filter(candidat=candidat, offre=offre).exists():
        raise ValidationError(
            _("Vous avez déjà postulé à cette offre : votre candidature est dans votre espace candidat."),
            code="deja_candidat",
        )
    obligatoires, facultatifs = employeurs_a_choisir(offre, jour)
    choisis = {e.pk for e in saisie.employeurs}
    manquants = [e for e in obligatoires if e.pk not in choisis]
    if manquants:
        refus(
            "employeurs",
            _("Cochez « %(e)s » : c'est l'employeur de cette offre, il doit recevoir votre candidature.")
            % {"e": ", ".join(e.nom for e in manquants)},
        )
    permis = {e.pk for e in [*obligatoires, *facultatifs]}
    if choisis - permis:
        refus("employeurs", _("Vous ne pouvez confier cette candidature qu'aux employeurs proposés."))
    if not saisie.nom.strip():
        refus("nom", _("Indiquez votre nom."))
    if not saisie.prenom.strip():
        refus("prenom", _("Indiquez votre prénom."))
    if saisie.cv is None:
        refus("cv", _("Joignez votre CV (PDF, DOCX ou ODT)."))
    else:
        try:
            verifier_fichier(saisie.cv, types_acceptes=TYPES_PIECES)
        except ValidationError as erreur:
            refus("cv", " ".join(erreur.messages))
    for nature, fichier in saisie.autres_pieces:
        try:
            verifier_fichier(fichier, types_acceptes=TYPES_PIECES)
        except ValidationError as erreur:
            refus("autres_pieces", f"{fichier.name} : {' '.join(erreur.messages)}")
        if nature not in NaturePiece.values or nature == NaturePiece.CV:
            refus("autres_pieces", _("Nature de document inconnue."))
    if (saisie.aide_emploi_conjoint or saisie.aide_logement) is False and saisie.aide_precisions.strip():
        refus("aide_precisions", _("Cochez l'aide que vous demandez (emploi du conjoint, logement)."))
    if erreurs:
        raise ValidationError(erreurs)
    groupements = {e.pk for e in [*obligatoires, *facultatifs] if e.est_groupement}
    membres_visibles = [e for e in [*obligatoires, *facultatifs] if not e.est_groupement]
    return {pk: (membres_visibles if pk in groupements else []) for pk in choisis}


def _fiche_existante(*, compte: Any, email: str) -> Candidat | None:
    """La fiche du candidat, verrouillée : celle de son compte, ou celle d'une visiteuse à cette
    adresse (confirmée) ; ni effacée ni absorbée par une fusion."""
    fiches = Candidat.objects.select_for_update().filter(
        anonymise_le__isnull=True, fusionne_dans__isnull=True
    )
    if compte is not None:
        return fiches.filter(compte=compte).first()
    return fiches.filter(compte__isnull=True, email__iexact=email).order_by("pk").first()


def _candidat_pour(
    *, candidat: Candidat | None, compte: Any, email: str, saisie: SaisieCandidature, maintenant: datetime
) -> Candidat:
    """La fiche du candidat (`_fiche_existante`), créée au besoin ; mise à jour de ce qu'il vient
    d'écrire."""
    champs = {
        "nom": saisie.nom.strip(),
        "prenom": saisie.prenom.strip(),
        "email": email,
        "telephone": saisie.telephone.strip(),
        "rpps": saisie.rpps.strip(),
        "dernier_contact_le": maintenant,
    }
    if candidat is None:
        candidat = Candidat.objects.create(compte=compte, **champs)
    else:
        for nom, valeur in champs.items():
            if valeur or nom in ("nom", "prenom", "email", "dernier_contact_le"):
                setattr(candidat, nom, valeur)
        candidat.save()
    return candidat


def vivier_consentir(
    *, candidat: Candidat, poles: Sequence[PoleDeProximite] = (), maintenant: datetime | None = None
) -> Consentement:
    """Entre au vivier (ou y prolonge son séjour : deux ans de plus depuis aujourd'hui)."""
    maintenant = maintenant or timezone.now()
    with transaction.atomic():
        actif = (
            Consentement.objects.select_for_update()
            .filter(candidat=candidat, objet=ObjetConsentement.VIVIER, retire_le__isnull=True)
            .first()
        )
        if actif is not None:
            actif.echeance = maintenant + DUREE_VIVIER
            actif.renouvellement_demande_le = None
            actif.save(update_fields=["echeance", "renouvellement_demande_le"])
        else:
            actif = Consentement.objects.create(
                candidat=candidat,
                objet=ObjetConsentement.VIVIER,
                texte=texte_consentement_vivier(),
                donne_le=maintenant,
                echeance=maintenant + DUREE_VIVIER,
            )
        if poles:
            candidat.poles_souhaites.set(poles)
        evenement_enregistrer(
            verbe=VIVIER_REJOINT,
            acteur=candidat.compte,
            cible=candidat,
            donnees={"echeance": str(actif.echeance)},
        )
    return actif


def candidature_deposer(
    *,
    offre: Offre,
    saisie: SaisieCandidature,
    compte: Any = None,
    email_confirme: str = "",
    maintenant: datetime | None = None,
) -> Candidature:
    """Dépose la candidature de `compte` (connecté) ou d'une visiteuse dont `email_confirme` a
    été vérifié par un lien. Refuse tout ou écrit tout."""
    maintenant = maintenant or timezone.now()
    if compte is None and not email_confirme:
        raise ValidationError(_("Confirmez d'abord votre adresse électronique."), code="email")
    email = compte.email if compte is not None else email_confirme
    with transaction.atomic():
        offre = Offre.objects.select_for_update().get(pk=offre.pk)
        existant = _fiche_existante(compte=compte, email=email)
        membres = _verifier(offre, saisie, candidat=existant, maintenant=maintenant)
        candidat = _candidat_pour(
            candidat=existant, compte=compte, email=email, saisie=saisie, maintenant=maintenant
        )
        if offre.profession_id and candidat.profession_id is None:
            candidat.profession_id = offre.profession_id
            candidat.specialite_id = offre.specialite_id
            candidat.save(update_fields=["profession", "specialite"])
        candidature = Candidature.objects.create(
            candidat=candidat,
            offre=offre,
            message=saisie.message.strip(),
            source=saisie.source,
            deposee_le=maintenant,
            etape_le=maintenant,
            aide_emploi_conjoint=saisie.aide_emploi_conjoint,
            aide_logement=saisie.aide_logement,
            aide_precisions=saisie.aide_precisions.strip(),
        )
        pieces = [(NaturePiece.CV.value, saisie.cv), *saisie.autres_pieces] if saisie.cv else []
        for nature, fichier in pieces:
            document = document_deposer(
                fichier=fichier,
                acteur=compte,
                titre=f"{NaturePiece(nature).label} — {candidat}",
                objet=candidature,
                types_acceptes=TYPES_PIECES,
            )
            PieceCandidature.objects.create(candidature=candidature, document=document, nature=nature)
        employeurs = {e.pk: e for e in saisie.employeurs}
        Consentement.objects.bulk_create(
            Consentement(
                candidat=candidat,
                objet=ObjetConsentement.EMPLOYEUR,
                candidature=candidature,
                employeur=employeur,
                texte=texte_consentement_employeur(employeur, membres.get(pk, [])),
                donne_le=maintenant,
            )
            for pk, employeur in employeurs.items()
        )
        if saisie.vivier:
            vivier_consentir(candidat=candidat, poles=saisie.poles_souhaites, maintenant=maintenant)
        evenement_enregistrer(
            verbe=CANDIDATURE_DEPOSEE,
            acteur=compte,
            cible=candidature,
            donnees={
                "offre": offre.pk,
                "employeurs": sorted(employeurs),
                "vivier": saisie.vivier,
                "aide": candidature.demande_une_aide,
            },
        )
        notifier(
            destinataires=recruteurs_des_employeurs(list(employeurs)),
            verbe=CANDIDATURE_DEPOSEE,
            titre=_("Nouvelle candidature : %(o)s") % {"o": offre.titre},
            gabarit="recrutement/notifications/candidature_deposee.txt",
            contexte={"offre": offre},
            url=candidature.get_absolute_url(),
        )
        apres_validation(envoyer_confirmation_de_candidature, candidature.pk)
    return candidature


def candidature_lien_demander(*, offre: Offre, email: str, maintenant: datetime | None = None) -> None:
    """Envoie à `email` le lien signé qui ouvre le formulaire de candidature à `offre` (une
    visiteuse sans compte prouve ainsi qu'elle lit ce courrier). Refuse une offre close ou
    échue.

    L'adresse ne va ni au journal ni dans la boîte d'envoi des tâches (qui ne garde que des
    identifiants, docs/rgpd.md §14) : elle attend la tâche dans le cache, sous une clé
    aléatoire, le temps de validité du lien. Perdue (cache vidé), le courriel ne part pas et la
    visiteuse redemande le lien, comme la page le lui dit."""
    maintenant = maintenant or timezone.now()
    _refuser_si_close(offre, timezone.localdate(maintenant))
    cle = secrets.token_urlsafe(24)
    with transaction.atomic():
        evenement_enregistrer(verbe=LIEN_DE_CANDIDATURE_DEMANDE, cible=offre)
        cache.set(cle_de_l_adresse(cle), email.strip(), timeout=int(VALIDITE.total_seconds()))
        apres_validation(envoyer_lien_de_candidature, offre.pk, cle)


def espace_lien_demander(*, email: str) -> int:
    """Envoie le lien de son espace à chaque fiche (ni effacée ni fusionnée) à cette adresse ;
    rend leur nombre, que la page ne dit pas (même réponse pour une adresse inconnue)."""
    with transaction.atomic():
        fiches = list(
            Candidat.objects.filter(
                email__iexact=email.strip(), anonymise_le__isnull=True, fusionne_dans__isnull=True
            )
        )
        for candidat in fiches:
            evenement_enregistrer(verbe=LIEN_DE_L_ESPACE_DEMANDE, acteur=candidat.compte, cible=candidat)
            apres_validation(envoyer_lien_de_l_espace, candidat.pk)
    return len(fiches)


def candidature_retirer(
    *, candidature: Candidature, acteur: Any = None, maintenant: datetime | None = None
) -> Candidature:
    """Le candidat retire sa candidature : elle est close (le délai de conservation court) ;
    les recruteurs qui la voient en sont prévenus."""
    maintenant = maintenant or timezone.now()
    with transaction.atomic():
        verrouillee = (
            Candidature.objects.select_for_update(of=("self",)).select_related("offre").get(pk=candidature.pk)
        )
        if verrouillee.est_close:
            raise ValidationError(_("Cette candidature est déjà close."), code="close")
        avant = verrouillee.etape
        verrouillee.etape = EtapeCandidature.RETIREE
        verrouillee.etape_le = verrouillee.close_le = maintenant
        verrouillee.save(update_fields=["etape", "etape_le", "close_le"])
        evenement_enregistrer(
            verbe=CANDIDATURE_RETIREE,
            acteur=acteur,
            cible=verrouillee,
            etat_avant=avant,
            etat_apres=EtapeCandidature.RETIREE,
        )
        employeurs = list(
            verrouillee.consentements.filter(retire_le__isnull=True).values_list("employeur_id", flat=True)
        )
        notifier(
            destinataires=recruteurs_des_employeurs(employeurs),
            verbe=CANDIDATURE_RETIREE,
            titre=_("Candidature retirée : %(o)s") % {"o": verrouillee.offre.titre},
            gabarit="recrutement/notifications/candidature_retiree.txt",
            contexte={"offre": verrouillee.offre},
            url=verrouillee.get_absolute_url(),
        )
    return verrouillee


def consentement_retirer(
    *, consentement: Consentement, acteur: Any = None, maintenant: datetime | None = None
) -> Consentement:
    """Le candidat retire sa candidature à un employeur : ses recruteurs (et, pour un
    groupement, ceux de ses membres) ne la voient plus, dès maintenant. Le texte accepté reste,
    daté du retrait. Rejoué sur un consentement déjà retiré, ne fait rien."""
    maintenant = maintenant or timezone.now()
    with transaction.atomic():
        verrouille = Consentement.objects.select_for_update().get(pk=consentement.pk)
        if verrouille.objet != ObjetConsentement.EMPLOYEUR:
            raise ValidationError(_("Pour quitter le vivier, utilisez le bouton du vivier."), code="objet")
        if verrouille.retire_le is not None:
            return verrouille
        verrouille.retire_le = maintenant
        verrouille.save(update_fields=["retire_le"])
        evenement_enregistrer(
            verbe=CONSENTEMENT_RETIRE,
            acteur=acteur,
            cible=verrouille.candidature,
            donnees={"employeur": consentement.employeur.nom if consentement.employeur else ""},
        )
    return verrouille


def vivier_quitter(*, candidat: Candidat, acteur: Any = None, maintenant: datetime | None = None) -> bool:
    """Sort du vivier (le consentement est retiré, son texte gardé) ; faux s'il n'y était pas."""
    maintenant = maintenant or timezone.now()
    with transaction.atomic():
        retires = Consentement.objects.filter(
            candidat=candidat, objet=ObjetConsentement.VIVIER, retire_le__isnull=True
        ).update(retire_le=maintenant)
        if retires:
            evenement_enregistrer(verbe=VIVIER_QUITTE, acteur=acteur, cible=candidat)
    return bool(retires)
