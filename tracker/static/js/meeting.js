// Meeting pages: a Print button on the report. Without JavaScript the button stays hidden and
// the browser's own print command prints the same page.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();

// Meeting form: add, remove and reorder organisation and agenda rows in place. Without
// JavaScript the "More rows" button and the order numbers do the same with a round trip.
// The buttons' words come from the form's data-words (JSON, in the reader's language).
(function () {
  "use strict";
  var source = document.getElementById("row-tools-text");
  if (!source) return;
  var words = JSON.parse(source.getAttribute("data-words"));

  function fill(template, name, value) {
    return template.split("{" + name + "}").join(String(value));
  }

  function renumber(list) {
    list.querySelectorAll("[data-row] input[name$='-order']").forEach(function (input, index) {
      input.value = String(index + 1);
    });
  }

  function button(text, label, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button small";
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.addEventListener("click", onClick);
    return b;
  }

  function decorate(row, container) {
    if (row.querySelector(".row-tools")) return;
    var tools = document.createElement("div");
    tools.className = "row-tools";
    var name = (row.querySelector("select") || {}).id || "row";
    tools.appendChild(button(words.remove, fill(words.remove_label, "row", name), function () {
      row.querySelectorAll("select, input").forEach(function (field) {
        if (field.name.slice(-6) === "-order") return;
        field.value = field.tagName === "SELECT" && field.options.length && field.name.slice(-11) === "-attendance" ? field.options[0].value : "";
      });
      row.hidden = true;
    }));
    if (container.hasAttribute("data-ordered")) {
      tools.appendChild(button(words.up, fill(words.up_label, "row", name), function () {
        var prev = row.previousElementSibling;
        if (prev) { row.parentNode.insertBefore(row, prev); renumber(container); }
      }));
      tools.appendChild(button(words.down, fill(words.down_label, "row", name), function () {
        var next = row.nextElementSibling;
        if (next) { row.parentNode.insertBefore(next, row); renumber(container); }
      }));
    }
    row.appendChild(tools);
  }

  function addRow(container) {
    var rows = container.querySelectorAll("[data-row]");
    var last = rows[rows.length - 1];
    if (!last) return;
    var copy = last.cloneNode(true);
    var index = rows.length;
    copy.hidden = false;
    copy.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(/-\d+-/, "-" + index + "-"));
      });
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
    });
    copy.querySelectorAll(".error, .row-tools").forEach(function (el) { el.remove(); });
    copy.querySelectorAll("label").forEach(function (label) {
      label.textContent = label.textContent.replace(/\d+$/, String(index + 1));
    });
    copy.querySelectorAll("input").forEach(function (input) { input.value = ""; });
    copy.querySelectorAll("select").forEach(function (select) {
      if (select.name.slice(-11) !== "-attendance") select.value = "";
    });
    last.parentNode.insertBefore(copy, last.nextSibling);
    decorate(copy, container);
    renumber(container);
    var first = copy.querySelector("select, input");
    if (first) first.focus();
  }

  document.querySelectorAll("[data-rows]").forEach(function (container) {
    container.querySelectorAll("[data-row]").forEach(function (row) { decorate(row, container); });
    var legend = (container.querySelector("legend") || {}).textContent;
    var add = button(words.add, fill(words.add_label, "list", legend), function () {
      addRow(container);
    });
    container.appendChild(add);
  });
  var more = document.querySelector("button[name='more_rows']");
  if (more && document.querySelector("[data-rows]")) more.hidden = true;
})();

// Outcomes page: the per-topic forms and the attendance form save without a full reload. The
// server answers as it would without JavaScript (the page again, with its message); only the
// main content is swapped in, and focus returns to the form that was sent.
(function () {
  "use strict";

  function bind(root) {
    root.querySelectorAll("form[data-inline-save]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.fetch || !window.DOMParser) return;
        event.preventDefault();
        var action = form.getAttribute("action");
        var button = form.querySelector("button[type='submit']");
        if (button) button.disabled = true;
        fetch(action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
          .then(function (response) { return response.text(); })
          .then(function (html) {
            var page = new DOMParser().parseFromString(html, "text/html");
            var fresh = page.querySelector("main");
            var main = document.querySelector("main");
            if (!fresh || !main) { form.submit(); return; }
            main.innerHTML = fresh.innerHTML;
            bind(main);
            var again = main.querySelector("form[action='" + action + "']");
            var status = main.querySelector(".flashes, .error-summary, .has-error");
            var target = (again && again.querySelector("[aria-invalid='true']")) || (again && again.querySelector("textarea, select, input:not([type='hidden'])"));
            if (status) status.setAttribute("tabindex", "-1");
            if (target) { target.focus(); } else if (status) { status.focus(); }
          })
          .catch(function () { if (button) button.disabled = false; form.submit(); });
      });
    });
  }

  bind(document);
})();

// Minutes editor: a live preview through the server's own Markdown sanitiser (the same
// "Preview" submit as without JavaScript, sent in the background while typing).
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-preview]");
  if (!form || !window.fetch || !window.DOMParser) return;
  var text = form.querySelector("textarea");
  var timer = null;
  var sent = 0;
  function refresh() {
    var body = new FormData(form);
    body.set("preview", "1");
    var ticket = ++sent;
    fetch(form.getAttribute("action"), { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (ticket !== sent) return;
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector(".minutes-preview .prose");
        var current = document.querySelector(".minutes-preview .prose");
        if (fresh && current) current.innerHTML = fresh.innerHTML;
      })
      .catch(function () { /* the Preview button still works */ });
  }
  if (text) {
    text.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 600);
    });
  }
})();
