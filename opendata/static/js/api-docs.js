// Starts Swagger UI (drf-spectacular-sidecar's copy, our static files) on /api/docs/.
// A static file rather than drf-spectacular's inline script, so the CSP holds.
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    domNode: root,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: false, // its links sit inside the expand buttons (nested-interactive)
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    displayRequestDuration: true,
    validatorUrl: null, // no calls to swagger.io
    tryItOutEnabled: true,
  });
});
