// « Importer un blog »: follows a stage under way on its admin page. Asks its state (JSON) every
// `data-poll` ms, updates the stage, the sentence and the bar, and reloads the page once the stage has ended,
// so the report is drawn by the server. Without JavaScript the page refreshes itself (noscript).
(function () {
  "use strict";
  const box = document.getElementById("import-progress");
  if (!box) return;
  const url = box.dataset.statusUrl;
  const every = Number(box.dataset.poll) || 1000;
  const text = document.getElementById("import-progress-text");
  const bar = document.getElementById("import-progress-bar");
  const stage = document.getElementById("import-stage");

  async function poll() {
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (response.ok) {
        const state = await response.json();
        if (!state.active) {
          window.location.reload();
          return;
        }
        text.textContent = state.text;
        if (stage) stage.textContent = state.stage_text;
        const total = state.entries_total + state.comments_total;
        if (bar && total) {
          bar.max = total;
          bar.value = state.entries + state.comments;
        }
      }
    } catch (error) {
      // A network hiccup: ask again at the next turn.
    }
    window.setTimeout(poll, every);
  }

  window.setTimeout(poll, every);
})();
