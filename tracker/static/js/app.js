// Progressive enhancement only: every page works without this file.
"use strict";

// Copy buttons: <button type="button" data-copy="text" hidden>Copy</button>. They start
// hidden (useless without JavaScript) and are shown here when the clipboard is available.
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
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = old; }, 1500);
  });
});

// Confirmation before destructive submits: <form data-confirm="Delete this meeting?">.
document.addEventListener("submit", (event) => {
  const message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});

// On phones the main navigation scrolls sideways: bring the current section into view.
document.addEventListener("DOMContentLoaded", () => {
  const list = document.querySelector(".site-header .nav");
  const current = list && list.querySelector('[aria-current="page"]');
  if (!current || list.scrollWidth <= list.clientWidth) return;
  const item = current.closest("li") || current;
  list.scrollLeft = item.offsetLeft - (list.clientWidth - item.offsetWidth) / 2;
});

// A form that failed validation: move focus to its error summary so it is read out first.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});
