// Behaviours every page shares, declared in the markup with data- attributes instead of inline
// handlers, so the Content-Security-Policy can forbid inline script (docs/deploy.md):
//   <button data-print>            prints the page
//   <select data-autosubmit>       submits its form when changed
//   <form data-ask="question?">    asks for confirmation before it is sent
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
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
