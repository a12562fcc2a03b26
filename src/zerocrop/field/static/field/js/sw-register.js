/* Registers the field app's service worker (scope /field/app/). A classic script, so it runs
   even where ES modules fail; the registration's outcome is kept for the self-test. */
(function () {
  "use strict";
  var body = document.body;
  window.zerocropSw = { supported: "serviceWorker" in navigator, registered: false, error: "" };
  if (!window.zerocropSw.supported) return;
  window.zerocropSw.ready = navigator.serviceWorker
    .register(body.dataset.sw, { scope: body.dataset.scope })
    .then(function (registration) {
      window.zerocropSw.registered = true;
      // look for a new version every hour, as Enketo does
      setInterval(function () {
        registration.update().catch(function () {});
      }, 60 * 60 * 1000);
      return registration;
    })
    .catch(function (error) {
      window.zerocropSw.error = String((error && error.message) || error);
      return null;
    });
})();
