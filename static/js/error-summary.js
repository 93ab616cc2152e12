// GOV.UK's error summary. A refused form comes back at #commenter, the summary itself: the browser
// focuses it as the anchor's target (JavaScript off too); this makes sure of it once the page has
// loaded, and makes each error's link focus its field with its label in view.
const summary = document.querySelector("[data-error-summary]");
if (summary) {
  const focusSummary = () => {
    if (document.activeElement === document.body || document.activeElement === null) summary.focus();
  };
  focusSummary();
  window.addEventListener("load", focusSummary);
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const field = link && document.getElementById(link.hash.slice(1));
    if (!field) return;
    event.preventDefault();
    const label = document.querySelector(`label[for='${field.id}']`);
    (label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
}
