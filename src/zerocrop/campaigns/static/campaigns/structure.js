/* The campaign page's remove buttons ask first: <form data-confirm="移除…？"> asks the question
   before it is sent (without JavaScript the form is sent at once; every removal is audited). */
(function () {
  "use strict";
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
})();
