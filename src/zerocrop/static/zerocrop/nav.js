/* Mark the side-navigation link whose path is the longest prefix of the current page. */
(function () {
  "use strict";
  let best = null;
  let bestLength = 0;
  for (const link of document.querySelectorAll("#sidenav .nav-link")) {
    const path = new URL(link.href).pathname;
    if (path !== "/" && location.pathname.startsWith(path) && path.length > bestLength) {
      best = link;
      bestLength = path.length;
    }
  }
  if (best) {
    best.classList.add("active");
    best.setAttribute("aria-current", "page");
  }
})();
