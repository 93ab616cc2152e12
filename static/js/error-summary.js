// GOV.UK's error summary: when a form comes back refused, its summary of errors takes the focus
// (a screen reader reads it, a keyboard starts there), and each error's link focuses its field,
// its label in view. With JavaScript off, the form's #commenter anchor still lands on the summary.
const summary = document.querySelector("[data-error-summary]");
if (summary) {
  summary.focus();
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
