// Progressive enhancement only: every page works without this file.
"use strict";

// Copy buttons: <button type="button" data-copy="text" data-copied="Copied" hidden>Copy</button>.
// They start hidden (useless without JavaScript) and are shown here when the clipboard is
// available. data-copied is the confirmation shown for a moment, in the reader's language.
document.addEventListener("DOMContentLoaded", () => {
  if (!navigator.clipboard) return;
  document.querySelectorAll("[data-copy][hidden]").forEach((button) => { button.hidden = false; });
});
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button || !navigator.clipboard) return;
  const text = button.getAttribute("data-copy");
  navigator.clipboard.writeText(text).then(() => {
    const old = button.textContent;
    button.textContent = button.getAttribute("data-copied") || old;
    setTimeout(() => { button.textContent = old; }, 1500);
  });
});

// Confirmation before destructive submits: <form data-confirm="Delete this meeting?">.
document.addEventListener("submit", (event) => {
  const message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});

// The main navigation and filter bars are <details> disclosures that CSS keeps open on wide
// screens (::details-content). A browser without that selector gets them opened here on wide
// screens instead; Escape closes an open phone menu and returns focus to its button.
document.addEventListener("DOMContentLoaded", () => {
  const wide = window.matchMedia("(min-width: 641px)");
  const supported = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
  const menus = document.querySelectorAll(".nav-menu, .filter-bar");
  if (!supported) {
    const sync = () => menus.forEach((menu) => { if (wide.matches) menu.open = true; });
    sync();
    wide.addEventListener("change", sync);
  }
  const menu = document.querySelector(".nav-menu");
  if (!menu) return;
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.open && !wide.matches) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
});

// A form that failed validation: move focus to its error summary so it is read out first.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});
