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
