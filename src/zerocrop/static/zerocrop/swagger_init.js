/* The API docs page (templates/ninja/swagger.html): django-ninja's Swagger UI settings come in a
   data attribute rather than an inline JSON <script>, and writes carry the CSRF token. */
(function () {
  "use strict";
  const root = document.getElementById("swagger-ui");
  const config = JSON.parse(root.dataset.settings);
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  const csrf = document.body.dataset.csrfToken;
  if (csrf) {
    config.requestInterceptor = (request) => {
      request.headers["X-CSRFToken"] = csrf;
      return request;
    };
  }
  SwaggerUIBundle(config);
})();
