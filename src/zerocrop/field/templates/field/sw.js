/* The field app's service worker (served by zerocrop.field.views_app.service_worker). The
   shell and its files are precached with a SHA-256 revision each; the API is never cached. */
importScripts("{{ workbox_sw }}");

const VENDOR = {{ vendor_prefix|safe }};
const SHELL = {{ shell_url|safe }};

workbox.setConfig({
  debug: false,
  modulePathCb: (name) => `${VENDOR}${name}/${name}.prod.js`,
});
workbox.core.setCacheNameDetails({ prefix: "zerocrop-field" });
workbox.core.skipWaiting();
workbox.core.clientsClaim();

workbox.precaching.cleanupOutdatedCaches();
workbox.precaching.precacheAndRoute({{ precache_json|safe }}, {
  ignoreURLParametersMatching: [/.*/],
});

// Every navigation inside the app (#routes, ?query) opens the precached shell, online or not.
workbox.routing.registerRoute(
  new workbox.routing.NavigationRoute(workbox.precaching.createHandlerBoundToURL(SHELL), {
    allowlist: [new RegExp(`^${SHELL}$`)],
  }),
);

// The sync API: always the network, never a cache (writes are not routed here at all).
workbox.routing.registerRoute(
  ({ url }) => url.origin === self.location.origin && url.pathname.startsWith("/api/"),
  new workbox.strategies.NetworkOnly(),
);
