// Behaviours every page shares, declared in the markup with data- attributes instead of inline
// handlers, so the Content-Security-Policy can forbid inline script (docs/deploy.md):
//   <button data-print>            prints the page
//   <select data-autosubmit>       submits its form when changed
//   <form data-ask="question?">    asks for confirmation before it is sent
// and every print of a signed-in page (the button or the browser's menu) is told to the audit
// log (POST /print/, an `export` entry), with the CSRF token of the page's own forms.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
  window.addEventListener("beforeprint", function () {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (!token || !navigator.sendBeacon) return;
    const data = new FormData();
    data.append("csrfmiddlewaretoken", token.value);
    data.append("page", window.location.pathname + window.location.search);
    navigator.sendBeacon("/print/", data);
  });
  document.addEventListener("change", function (event) {
    const select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.submit();
  });
  document.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-ask]");
    if (form && !window.confirm(form.dataset.ask)) event.preventDefault();
  });
})();
