// Listing filters (partials/filter_panel.html): on a wide screen the panel is a
// sidebar and always open. site.css does that with ::details-content; this opens
// the <details> in browsers without it. Nothing here is needed to use the filters.
"use strict";
(function () {
  var wide = window.matchMedia("(min-width: 60em)");
  function sync() {
    document.querySelectorAll("details.filters-disclosure").forEach(function (panel) {
      if (wide.matches) {
        panel.open = true;
      }
    });
  }
  sync();
  wide.addEventListener("change", sync);
})();
