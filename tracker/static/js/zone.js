// Issue 17: the browser's time zone, offered as the reader's zone until one is chosen.
// Without this file (or without a choice) the server shows each time in its meeting's zone.
"use strict";

(() => {
  const footer = document.querySelector("[data-zone-source]");
  if (!footer) return;
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    return;
  }
  // UTC and Etc/* are what servers and unset machines report, not where a person is.
  if (!zone.includes("/") || zone.startsWith("Etc/")) return;
  // IANA names need no escaping in a cookie; anything else is not a zone the server knows.
  if (!/^[A-Za-z0-9_+\/-]+$/.test(zone)) return;

  // The zone page preselects the browser's zone when nothing else is known.
  const form = document.querySelector("form[data-browser-zone-default]");
  const select = form && form.querySelector("select[name=zone]");
  if (select && [...select.options].some((option) => option.value === zone)) select.value = zone;

  const source = footer.getAttribute("data-zone-source");
  if (source === "account" || source === "chosen") return;
  const name = "tracker_browser_zone";
  const current = document.cookie.split("; ").find((pair) => pair.startsWith(name + "="));
  if (current && current.slice(name.length + 1) === zone) return;
  document.cookie = `${name}=${zone}; path=/; max-age=31536000; samesite=lax`;
  if (!document.cookie.includes(name + "=")) return; // cookies are off: nothing would change
  // Show this page again with the reader's times, if any time on it was in another zone.
  const shown = (footer.getAttribute("data-time-zones") || "").split(" ").filter(Boolean);
  if (shown.some((other) => other !== zone)) window.location.reload();
})();
