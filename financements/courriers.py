"""Les textes par défaut des courriers ; l'administration les modifie (ModeleCourrier)."""

from django.utils.translation import gettext_lazy as _

from financements.models import NatureModele

SIGNATAIRE = _("Le Président de la Communauté d'agglomération du Cotentin, par délégation")

DEFAUTS: dict[str, tuple[str, str]] = {
    NatureModele.RECEPISSE: (
        "Récépissé de dépôt d'une demande de financement",
        "La Communauté d'agglomération du Cotentin accuse réception de la demande de financement "
        "n° {{ demande.numero }}, « {{ demande.intitule }} » ({{ demande.type }}), "
        "déposée le {{ demande.deposee_le|date:'j F Y à H\\hi' }} par {{ porteur }}.\n\n"
        "Montant demandé à l'agglomération : {{ montant_demande }}.\n\n"
        "Ce récépissé ne vaut pas accord. La demande sera instruite par la Direction de la Santé, "
        "puis soumise à l'avis du Conseil de santé du Cotentin avant la décision. Vous suivez son "
        "état et échangez avec l'instructeur sur le portail.",
    ),
    NatureModele.ACCORD: (
        "Notification d'attribution d'une aide",
        "Madame, Monsieur,\n\n"
        "Après l'avis du Conseil de santé du Cotentin, la Communauté d'agglomération du Cotentin "
        "vous accorde une aide de {{ montant_accorde }} pour le projet « {{ demande.intitule }} » "
        "(demande n° {{ demande.numero }}).\n\n"
        "{% if conditions %}Cette aide est accordée aux conditions suivantes : "
        "{{ conditions }}\n\n{% endif %}"
        "Une convention de financement précisera les modalités de versement. "
        "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
    ),
    NatureModele.REFUS: (
        "Notification de refus d'une aide",
        "Madame, Monsieur,\n\n"
        "Après l'avis du Conseil de santé du Cotentin, la Communauté d'agglomération du Cotentin "
        "ne peut pas donner une suite favorable à votre demande n° {{ demande.numero }}, "
        "« {{ demande.intitule }} ».\n\n"
        "Motifs : {{ motifs_refus }}\n\n"
        "Voies et délais de recours : {{ voies_recours }}\n\n"
        "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
    ),
    NatureModele.CLASSEMENT: (
        "Classement sans suite d'une demande",
        "Madame, Monsieur,\n\n"
        "Votre demande n° {{ demande.numero }}, « {{ demande.intitule }} », est classée sans suite.\n\n"
        "{% if motif %}Motif : {{ motif }}\n\n{% endif %}"
        "Vous pouvez déposer une nouvelle demande sur le portail.",
    ),
    NatureModele.CONVENTION: (
        "Convention de financement",
        "Entre la Communauté d'agglomération du Cotentin, d'une part, et {{ porteur }}, porteur du "
        "projet « {{ demande.intitule }} », d'autre part.\n\n"
        "Article 1 — Objet. La présente convention fixe les conditions dans lesquelles "
        "l'agglomération soutient le projet décrit dans la demande n° {{ demande.numero }} "
        "({{ demande.type }}).\n\n"
        "Article 2 — Montant. L'agglomération attribue une aide de {{ montant_accorde }}."
        "{% if conditions %} Conditions : {{ conditions }}{% endif %}\n\n"
        "Article 3 — Versements. {% for t in tranches %}{{ t.libelle }} : {{ t.montant }}, "
        "{{ t.condition|lower }}{% if t.condition_detail %} ({{ t.condition_detail }}){% endif %}"
        "{% if not forloop.last %} ; {% else %}.{% endif %}{% endfor %}\n\n"
        "Article 4 — Engagements du porteur. Le porteur réalise le projet tel que décrit, "
        "accueille des stagiaires s'il s'y est engagé, mentionne le soutien de l'agglomération et "
        "remet un rapport final accompagné des justificatifs de dépenses.\n\n"
        "Article 5 — Reversement. L'aide non employée conformément à son objet est reversée.",
    ),
}
