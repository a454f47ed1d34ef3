/* Reader feedback forms on record pages: progressive enhancement.
 *
 * Record pages are cached and shared, so their forms carry no CSRF token.
 * When a reader starts using a form (focus) or sends it, this fetches their
 * token from data-feedback-token (which also sets the CSRF cookie) and adds it
 * to the form, so the post is stored in one step. Without JavaScript, or if
 * the fetch fails, the form is sent as it is and the server asks the reader
 * to confirm on a page that carries a token (feedback/guard.py).
 */
(function () {
  "use strict";

  var pending = null;

  function fetchToken(url) {
    if (!pending) {
      pending = fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("token " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          return data.token;
        });
      pending.catch(function () {
        pending = null; // try again next time
      });
    }
    return pending;
  }

  function setHidden(form, name, value) {
    var input = form.querySelector('input[type="hidden"][name="' + name + '"]');
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    input.value = value;
  }

  function hasToken(form) {
    return Boolean(form.querySelector('input[name="csrfmiddlewaretoken"]'));
  }

  document.querySelectorAll("form[data-feedback-token]").forEach(function (form) {
    var url = form.getAttribute("data-feedback-token");

    form.addEventListener(
      "focusin",
      function () {
        fetchToken(url)
          .then(function (token) {
            setHidden(form, "csrfmiddlewaretoken", token);
          })
          .catch(function () {});
      },
      { once: true }
    );

    form.addEventListener("submit", function (event) {
      if (hasToken(form) || form.getAttribute("data-feedback-sending")) {
        return;
      }
      event.preventDefault();
      form.setAttribute("data-feedback-sending", "1");
      // form.submit() leaves out the pressed button: carry its name and value.
      var button = event.submitter;
      if (button && button.name) {
        setHidden(form, button.name, button.value);
      }
      fetchToken(url)
        .then(function (token) {
          setHidden(form, "csrfmiddlewaretoken", token);
        })
        .catch(function () {})
        .then(function () {
          form.submit();
        });
    });
  });
})();
