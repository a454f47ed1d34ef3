/*
 * Progressive enhancement for Markdown fields in the admin: a "Preview" button
 * under each textarea marked data-markdown-preview shows the rendered,
 * sanitized HTML (POSTed to the editorial preview endpoint). Without
 * JavaScript the change form still shows a preview of the saved text.
 */
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function enhance(textarea) {
    if (textarea.dataset.previewReady || textarea.name.indexOf("__prefix__") !== -1) return;
    textarea.dataset.previewReady = "1";
    var tools = document.createElement("div");
    tools.className = "editorial-md-tools";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = "Preview";
    button.setAttribute("aria-expanded", "false");
    var output = document.createElement("div");
    output.className = "editorial-md-output";
    output.hidden = true;
    output.setAttribute("aria-live", "polite");
    output.id = textarea.id ? textarea.id + "_preview" : "";
    if (output.id) button.setAttribute("aria-controls", output.id);
    tools.appendChild(button);
    textarea.insertAdjacentElement("afterend", tools);
    tools.insertAdjacentElement("afterend", output);

    button.addEventListener("click", function () {
      if (!output.hidden) {
        output.hidden = true;
        button.textContent = "Preview";
        button.setAttribute("aria-expanded", "false");
        return;
      }
      var body = new FormData();
      body.append("text", textarea.value);
      button.disabled = true;
      fetch(textarea.dataset.markdownPreview, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(textarea.form) },
      })
        .then(function (response) {
          return response.text().then(function (text) {
            if (!response.ok) throw new Error(text || response.statusText);
            return text;
          });
        })
        .then(function (html) {
          // The server returns HTML sanitized by nh3 (core.markdown).
          output.innerHTML = html;
        })
        .catch(function (error) {
          output.textContent = "Preview failed: " + error.message;
        })
        .finally(function () {
          output.hidden = false;
          button.disabled = false;
          button.textContent = "Hide preview";
          button.setAttribute("aria-expanded", "true");
        });
    });
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("textarea[data-markdown-preview]").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  document.addEventListener("formset:added", function (event) { enhanceAll(event.target); });
})();

/*
 * Keeping editors' work (see editorial/conflicts.py):
 * - leaving a change form (or the conflict page) with unsaved changes asks first;
 * - the "who else is here" notice is refreshed while the form is open.
 * Both find their form by its hidden owner field (input[name=_editor]).
 */
(function () {
  "use strict";

  function guard(form) {
    var dirty = form.classList.contains("editorial-conflict-form");
    var submitting = false;
    function mark(event) {
      if (event.target && event.target.name && event.target.name.indexOf("__prefix__") === -1) {
        dirty = true;
      }
    }
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function () { submitting = true; });
    document.addEventListener("formset:added", function () { dirty = true; });
    document.addEventListener("formset:removed", function () { dirty = true; });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty || submitting) return undefined;
      event.preventDefault();
      // Older browsers show a prompt only when returnValue is set.
      event.returnValue = "";
      return "";
    });
  }

  function refreshPresence(box) {
    var url = box.dataset.presenceUrl;
    if (!url) return;
    function refresh() {
      if (document.hidden) return;
      fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          // Server-rendered, escaped by Django's templates.
          if (html === null) return;
          if (html.trim() !== box.innerHTML.trim()) box.innerHTML = html;
          box.hidden = html.trim() === "";
        })
        .catch(function () { /* offline or logged out: keep what is shown */ });
    }
    window.setInterval(refresh, 45000);
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) refresh();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[name=_editor]").forEach(function (owner) {
      if (owner.form) guard(owner.form);
    });
    var box = document.getElementById("editorial-presence");
    if (box) refreshPresence(box);
  });
})();

/*
 * Child rows as a list (editorial.admin.OrderedInline / OrderedStackedInline):
 * django-admin-sortable2 does drag and drop; here the "move up" / "move down"
 * buttons (keyboard), and the row numbers, labels and hidden order inputs kept
 * in step after either. Without JavaScript the rows keep their saved order.
 */
(function () {
  "use strict";

  var ROWS = "tr.has_original, .inline-related.has_original";

  function rowsOf(group) {
    return Array.prototype.filter.call(group.querySelectorAll(ROWS), function (row) {
      return row.closest(".editorial-sortable") === group;
    });
  }

  function renumber(group, changed) {
    rowsOf(group).forEach(function (row, index) {
      var number = index + 1;
      var order = row.querySelector("input._reorder_");
      if (order && order.value !== String(number)) {
        order.value = String(number);
        if (changed) order.dispatchEvent(new Event("change", { bubbles: true }));
      }
      var shown = row.querySelector(".editorial-row-number");
      if (shown) shown.textContent = number + ".";
      row.querySelectorAll("button.editorial-move").forEach(function (button) {
        var name = button.dataset.rowName || "row";
        var direction = button.dataset.move === "up" ? "up" : "down";
        button.setAttribute("aria-label", "Move " + name + " " + number + " " + direction);
      });
    });
  }

  function announce(group, text) {
    var status = group.querySelector(".editorial-sort-status");
    if (status) status.textContent = text;
  }

  function move(button) {
    var group = button.closest(".editorial-sortable");
    var row = button.closest(ROWS);
    if (!group || !row) return;
    var rows = rowsOf(group);
    var index = rows.indexOf(row);
    var name = button.dataset.rowName || "row";
    if (button.dataset.move === "up") {
      if (index <= 0) { announce(group, "The " + name + " is already first."); return; }
      rows[index - 1].insertAdjacentElement("beforebegin", row);
    } else {
      if (index === rows.length - 1) { announce(group, "The " + name + " is already last."); return; }
      rows[index + 1].insertAdjacentElement("afterend", row);
    }
    renumber(group, true);
    var position = rowsOf(group).indexOf(row) + 1;
    button.focus();
    announce(group, "Moved the " + name + " to position " + position + " of " + rows.length + ".");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.editorial-move");
    if (button) {
      event.preventDefault();
      move(button);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".editorial-sortable").forEach(function (group) {
      // After a drag (django-admin-sortable2 moves the row): renumber.
      var list = group.querySelector("tbody") || group.querySelector("fieldset");
      if (!list || !window.MutationObserver) return;
      new MutationObserver(function () { renumber(group, true); }).observe(list, { childList: true });
    });
  });
})();

/*
 * Accessible names for Django's autocomplete widgets (select2): its search box
 * gets the field's label, and its "remove all" cross moves out of the list of
 * chosen items (a list may hold only list items). Folded sections that hold an
 * error open.
 */
(function () {
  "use strict";

  function labelFor(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label) return label.textContent.replace(/:\s*$/, "").trim();
    return select.getAttribute("aria-label") || select.name;
  }

  function fix(container) {
    var select = container.previousElementSibling;
    if (!select || select.tagName !== "SELECT") return;
    var name = labelFor(select);
    container.querySelectorAll(".select2-selection[role=combobox], .select2-selection__rendered[role=textbox]").forEach(function (box) {
      if (box.getAttribute("aria-label") !== name) box.setAttribute("aria-label", name);
    });
    container.querySelectorAll(".select2-search__field").forEach(function (input) {
      if (input.getAttribute("aria-label") !== name) input.setAttribute("aria-label", name);
    });
    container.querySelectorAll("ul.select2-selection__rendered > :not(li)").forEach(function (extra) {
      extra.parentNode.parentNode.insertBefore(extra, extra.parentNode);
    });
  }

  function fixAll() {
    document.querySelectorAll("span.select2-container").forEach(fix);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("details").forEach(function (details) {
      if (details.querySelector(".errorlist, .errors")) details.open = true;
    });
    fixAll();
    if (!window.MutationObserver) return;
    var pending = false;
    new MutationObserver(function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () { pending = false; fixAll(); });
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
