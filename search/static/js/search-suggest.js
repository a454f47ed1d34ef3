// Type-ahead for the header's search box (progressive enhancement): as the reader
// types, names of matching records fill a <datalist>, the browser's own
// accessible suggestion list. Choosing one opens that record; pressing Enter
// still submits the form to /search/, which works without this script.
"use strict";
(function () {
  var DELAY = 200;
  var MIN_LENGTH = 2;

  function init(form) {
    var input = form.querySelector("input[name=q]");
    var url = form.dataset.suggestUrl;
    if (!input || !url || !window.fetch) {
      return;
    }
    var list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    form.appendChild(list);
    input.setAttribute("list", list.id);
    var timer = null;
    var latest = "";
    var urls = {};

    function show(suggestions) {
      list.replaceChildren();
      urls = {};
      suggestions.forEach(function (item) {
        var option = document.createElement("option");
        option.value = item.title;
        option.label = item.type;
        urls[item.title] = item.url;
        list.appendChild(option);
      });
    }

    function fetchSuggestions(query) {
      latest = query;
      fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { suggestions: [] };
        })
        .then(function (data) {
          if (query === latest) {
            show(data.suggestions || []);
          }
        })
        .catch(function () {
          show([]);
        });
    }

    input.addEventListener("input", function (event) {
      var value = input.value.trim();
      // A suggestion picked from the list: go straight to its record.
      if (event.inputType === "insertReplacementText" || !event.inputType) {
        if (Object.prototype.hasOwnProperty.call(urls, input.value)) {
          window.location.assign(urls[input.value]);
          return;
        }
      }
      window.clearTimeout(timer);
      if (value.length < MIN_LENGTH) {
        show([]);
        return;
      }
      timer = window.setTimeout(function () {
        fetchSuggestions(value);
      }, DELAY);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-suggest-url]").forEach(init);
  });
})();
