// Comportements communs, sans script en ligne (CSP sans 'unsafe-inline').
document.addEventListener("htmx:configRequest", (evenement) => {
  evenement.detail.headers["X-CSRFToken"] = document.body.dataset.csrf;
});

// Un bouton marqué data-confirmer demande confirmation avant d'envoyer son formulaire.
document.addEventListener("submit", (evenement) => {
  const bouton = evenement.submitter;
  if (bouton && bouton.dataset.confirmer && !window.confirm(bouton.dataset.confirmer)) {
    evenement.preventDefault();
  }
});
