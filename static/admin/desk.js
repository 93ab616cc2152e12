// The moderators' desk (comments/admin_desk.py): decide without reloading, from the keyboard.
//
// Each card is a plain form posting to the admin's decision endpoint; without this script it still
// works (a POST, then back to the next card). With it, the same form is posted with fetch (the CSRF
// token is the form's own field), the answer is JSON, the card leaves, the next one takes the focus
// and a polite live region says what was done. Keys (never while typing in a field): j/k next and
// previous card, a approve, r refuse (a digit picks a preset, Enter confirms), s spam, t approve and
// trust, e reply (Ctrl+Enter publishes), z undo the last decision (within the minute), f feature a
// published comment among the editors' picks (or take it out), b suspend or ban the author (a button
// of the panel), n a note on the author, h their last comments, x select (shift-click a range: then
// a, r, s, t act on every selected card), o open on the site, / search, ? the list of keys, Escape
// back to the card.
"use strict";

(function () {
  const desk = document.getElementById("desk");
  if (!desk) return;
  const status = document.getElementById("desk-status");
  const help = document.getElementById("desk-help");
  const search = document.getElementById("desk-search");
  const DECISION_KEYS = { a: "approve", s: "spam", t: "approve_trust" };
  let current = null;
  const decided = []; // the cards decided here, latest last: `z` takes the latest back

  const cards = () => Array.from(desk.querySelectorAll(".desk-card:not([hidden])"));

  function select(card, focus = true) {
    if (current) current.classList.remove("desk-current");
    current = card || null;
    if (!current) return;
    current.classList.add("desk-current");
    if (focus) {
      current.focus({ preventScroll: true });
      current.scrollIntoView({ block: "nearest" });
    }
  }

  function move(step) {
    const list = cards();
    if (!list.length) return;
    const at = list.indexOf(current);
    const next = at < 0 ? 0 : Math.min(Math.max(at + step, 0), list.length - 1);
    select(list[next]);
  }

  function announce(message, kind) {
    status.className = "desk-status" + (kind ? " desk-" + kind : "");
    status.textContent = message;
  }

  function countDown(step = -1) {
    const count = desk.querySelector('.desk-tabs a[aria-current="page"] .desk-count');
    if (count && /^\d+$/.test(count.textContent)) count.textContent = String(Math.max(0, Number(count.textContent) + step));
  }

  async function undo() {
    const last = decided.pop();
    if (!last) return;
    const data = new FormData();
    data.set("csrfmiddlewaretoken", last.form.elements.csrfmiddlewaretoken.value);
    const answer = await send(last.card.dataset.undo, data);
    if (answer.status !== 200) return announce(answer.message, "error");
    const cardsBox = document.getElementById("desk-cards");
    if (last.after && last.after.isConnected) last.after.after(last.card);
    else cardsBox.prepend(last.card);
    last.form.elements.expected.value = "pending";
    last.card.hidden = false;
    countDown(1);
    select(last.card);
    announce(answer.message, "");
  }

  const selected = () => cards().filter((card) => card.querySelector(".desk-select:checked"));

  // A decision on the selected cards if there are any, else on `card`; a refusal's reason is `card`'s.
  // One request after the other: each decision is checked and recorded on its own.
  async function act(card, decision) {
    const targets = selected();
    if (!targets.length) return decide(card, decision);
    const reason = new FormData(card.querySelector("form.desk-decide"));
    for (const target of targets) await decide(target, decision, reason);
  }

  async function decide(card, decision, reason) {
    const form = card.querySelector("form.desk-decide");
    if (!form || card.hidden) return;
    const data = new FormData(form);
    data.set("decision", decision);
    data.delete("preset");
    data.delete("reason");
    if (decision === "reject") {
      for (const name of ["preset", "reason"]) {
        const value = (reason || new FormData(form)).get(name);
        if (value) data.set(name, value);
      }
    }
    // The card steps aside at once; the next one takes the focus while the server decides.
    const list = cards();
    const following = list[list.indexOf(card) + 1] || list[list.indexOf(card) - 1];
    card.hidden = true;
    if (card === current || card.contains(document.activeElement)) select(following);
    const answer = await send(form.action, data);
    if (answer.status === 200) decided.push({ card: card, form: form, after: card.previousElementSibling });
    if (answer.status === 200 || answer.status === 409) {
      card.remove();
      countDown();
      announce(answer.message, answer.status === 200 ? "" : "warning");
      if (!cards().length) announce(answer.message + " " + (desk.dataset.empty || ""), "");
    } else {
      card.hidden = false;
      select(card);
      announce(answer.message, "error");
    }
  }

  // Every write of the desk: a POST answered in JSON ({status, message, …}); status 0 when it never arrived.
  async function send(url, data) {
    try {
      const response = await fetch(url, {
        method: "POST",
        body: data,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      return { status: response.status, ...(await response.json()) };
    } catch (error) {
      return { status: 0, message: desk.dataset.failed };
    }
  }

  function post(form) {
    return send(form.action, new FormData(form));
  }

  async function reply(card, form) {
    const answer = await post(form);
    if (answer.status !== 200) return announce(answer.message, "error");
    announce(answer.message, "");
    if (form.elements.expected.value === "pending") {
      const list = cards();
      select(list[list.indexOf(card) + 1] || list[list.indexOf(card) - 1]);
      card.remove();
      countDown();
    } else {
      form.reset();
      form.closest("details").open = false;
      select(card);
    }
  }

  let anchor = null; // the last card selected by hand: shift-click selects from it
  function toggle(card, on) {
    const box = card.querySelector(".desk-select");
    if (!box) return;
    box.checked = on === undefined ? !box.checked : on;
    card.classList.toggle("desk-selected", box.checked);
    anchor = card;
  }

  desk.addEventListener("click", function (event) {
    const box = event.target.closest(".desk-select");
    if (!box) return;
    const card = box.closest(".desk-card");
    if (event.shiftKey && anchor && anchor !== card) {
      const list = cards();
      const [from, to] = [list.indexOf(anchor), list.indexOf(card)].sort((a, b) => a - b);
      list.slice(from, to + 1).forEach((each) => toggle(each, true));
    }
    card.classList.toggle("desk-selected", box.checked);
    anchor = card;
  });

  async function note(form) {
    const answer = await post(form);
    if (answer.status !== 200) return announce(answer.message, "error");
    // The note shows on every card of this author.
    for (const card of desk.querySelectorAll('.desk-card[data-author="' + answer.author + '"]')) {
      const item = document.createElement("li");
      const by = document.createElement("span");
      by.className = "quiet";
      by.textContent = " — " + answer.by;
      item.append(answer.note, by);
      card.querySelector(".desk-notes").prepend(item);
    }
    form.reset();
    form.closest("details").open = false;
    select(form.closest(".desk-card"));
    announce(answer.message, "");
  }

  function openNote(card) {
    const details = card.querySelector(".desk-note");
    if (!details) return;
    details.open = true;
    details.querySelector('input[type="text"]').focus();
  }

  // The author's last comments, fetched the first time the drawer opens (without the script: a link to the list).
  desk.addEventListener(
    "toggle",
    async function (event) {
      const drawer = event.target;
      if (!drawer.classList || !drawer.classList.contains("desk-history") || !drawer.open || drawer.dataset.loaded) return;
      drawer.dataset.loaded = "1";
      try {
        const response = await fetch(drawer.dataset.url, { credentials: "same-origin" });
        if (response.ok) drawer.querySelector(".desk-history-body").innerHTML = await response.text();
      } catch (error) {
        delete drawer.dataset.loaded;
      }
    },
    true,
  );

  // A sanction is weighty: `b` opens its panel, the moderator picks a button (never a stray Enter);
  // it is posted like the rest and shows on every card of that author.
  async function sanction(form, submitter) {
    const answer = await send(form.action, new FormData(form, submitter));
    if (answer.status !== 200) return announce(answer.message, "error");
    for (const card of desk.querySelectorAll('.desk-card[data-author="' + answer.author + '"]')) {
      const badge = card.querySelector(".sanction-badge");
      badge.textContent = answer.state;
      badge.hidden = !answer.state;
      const lift = card.querySelector(".desk-sanction-form .sanction-lift");
      if (lift) lift.hidden = !answer.state;
    }
    form.reset();
    form.closest("details").open = false;
    select(form.closest(".desk-card"));
    announce(answer.message, "");
  }

  function openSanction(card) {
    const details = card.querySelector(".desk-sanction");
    if (!details) return;
    details.open = true;
    details.querySelector('input[type="text"]').focus();
  }

  function openHistory(card) {
    const drawer = card.querySelector(".desk-history");
    drawer.open = !drawer.open;
  }

  function openReply(card) {
    const details = card.querySelector(".desk-reply");
    if (!details) return;
    details.open = true;
    details.querySelector("textarea").focus();
  }

  function openRefusal(card) {
    const refusal = card.querySelector(".desk-refusal");
    if (!refusal) return;
    refusal.open = true;
    const first = refusal.querySelector('input[type="radio"]');
    (first || refusal.querySelector('input[type="text"]')).focus();
  }

  function onRefusalKey(event, card) {
    if (/^[1-9]$/.test(event.key) && event.target.type === "radio") {
      const preset = card.querySelector('.desk-refusal input[data-digit="' + event.key + '"]');
      if (preset) {
        preset.checked = true;
        preset.focus();
      }
      event.preventDefault();
    } else if (event.key === "Enter") {
      event.preventDefault();
      act(card, "reject");
    } else if (event.key === "Escape") {
      card.querySelector(".desk-refusal").open = false;
      select(card);
    }
  }

  function onKey(event) {
    const replying = event.target.closest && event.target.closest(".desk-reply-form");
    if (replying && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      return replying.requestSubmit();
    }
    const sanctioning = event.target.closest && event.target.closest(".desk-sanction-form");
    if (sanctioning && event.key === "Enter" && event.target.type === "text") {
      event.preventDefault(); // no sanction by a stray Enter: the moderator picks its button
      return;
    }
    if (sanctioning && event.key === "Escape") {
      sanctioning.closest("details").open = false;
      return select(sanctioning.closest(".desk-card"));
    }
    const noting = event.target.closest && event.target.closest(".desk-note-form");
    if (noting && event.key === "Escape") {
      noting.closest("details").open = false;
      return select(noting.closest(".desk-card"));
    }
    if (replying && event.key === "Escape") {
      replying.closest("details").open = false;
      return select(replying.closest(".desk-card"));
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const card = event.target.closest && event.target.closest(".desk-card");
    if (card && event.target.closest(".desk-refusal fieldset")) return onRefusalKey(event, card);
    if (event.key === "Escape") {
      help.open = false;
      if (event.target === search) search.blur();
      return select(current || cards()[0]);
    }
    if (event.target.closest('input:not([type="checkbox"]), textarea, select, [contenteditable]')) return;
    const target = current && !current.hidden ? current : null;
    const key = event.key;
    if (key === "j" || key === "k") move(key === "j" ? 1 : -1);
    else if (key === "/") search.focus();
    else if (key === "?") help.open = !help.open;
    else if (key === "z") undo();
    else if (!target) return;
    else if (DECISION_KEYS[key]) act(target, DECISION_KEYS[key]);
    else if (key === "x") toggle(target);
    else if (key === "r") openRefusal(target);
    else if (key === "e") openReply(target);
    else if (key === "n") openNote(target);
    else if (key === "h") openHistory(target);
    else if (key === "b") openSanction(target);
    else if (key === "f" && target.querySelector("form.desk-feature")) feature(target.querySelector("form.desk-feature"));
    else if (key === "o") window.open(target.querySelector(".desk-open").href, "_blank", "noopener");
    else return;
    event.preventDefault();
  }

  // New comments: a light poll (ETag, 304 when nothing changed) shows a notice, never moves a card.
  const notice = document.getElementById("desk-new");
  let etag = "";
  async function poll() {
    if (document.hidden) return;
    try {
      const response = await fetch(notice.dataset.url, {
        headers: etag ? { "If-None-Match": etag, Accept: "application/json" } : { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (response.status !== 200) return;
      etag = response.headers.get("ETag") || "";
      const answer = await response.json();
      const link = notice.querySelector("a");
      link.textContent = answer.message;
      link.hidden = !answer.count;
    } catch (error) {
      /* the next poll will tell */
    }
  }
  if (notice) setInterval(poll, Number(desk.dataset.poll || 20000));

  // `f`: the card stays; its button says what the next press will do.
  async function feature(form) {
    const answer = await post(form);
    if (answer.status !== 200) return announce(answer.message, "error");
    const button = form.querySelector("button");
    form.elements.featured.value = answer.featured ? "0" : "1";
    button.firstChild.textContent = (answer.featured ? button.dataset.unfeature : button.dataset.feature) + " ";
    announce(answer.message, "");
  }

  desk.addEventListener("submit", function (event) {
    const form = event.target;
    if (form.classList.contains("desk-feature")) {
      event.preventDefault();
      return feature(form);
    }
    if (form.classList.contains("desk-sanction-form")) {
      event.preventDefault();
      return sanction(form, event.submitter);
    }
    if (form.classList.contains("desk-note-form")) {
      event.preventDefault();
      return note(form);
    }
    if (form.classList.contains("desk-reply-form")) {
      event.preventDefault();
      return reply(form.closest(".desk-card"), form);
    }
    if (!form.classList.contains("desk-decide")) return;
    event.preventDefault();
    const decision = (event.submitter && event.submitter.value) || "reject";
    act(form.closest(".desk-card"), decision);
  });
  desk.addEventListener("focusin", function (event) {
    const card = event.target.closest(".desk-card");
    if (card && card !== current) select(card, false);
  });
  document.addEventListener("keydown", onKey);
  const first = document.getElementById(location.hash.slice(1)) || cards()[0];
  if (first && first.classList.contains("desk-card")) select(first, !!location.hash);
  else if (first) select(cards()[0], false);
})();
