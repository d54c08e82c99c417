// Behaviours every page shares, declared in the markup with data- attributes instead of inline
// handlers, so the Content-Security-Policy can forbid inline script (docs/deploy.md):
//   <button data-print>            prints the page
//   <select data-autosubmit>       submits its form when changed (from the keyboard: on Enter)
//   <form data-ask="question?">    asks for confirmation before it is sent
//   <button hidden data-scripted>  a control that works only with scripts (printing, the
//                                  declaration grid's row buttons, the indicator library's
//                                  search and insert): hidden without them, so no button does
//                                  nothing, and shown here
// and every print of a signed-in page (the button or the browser's menu) is told to the audit
// log (POST /print/, an `export` entry), with the CSRF token of the page's own forms.
//
// Boxes of long text grow with it through app.css (`field-sizing: content`). Browsers without
// that property, such as the older Chromium cores of the browsers many offices run, get the
// same from here: the boxes grow as they are filled, and on paper each box's text is printed
// whole from a copy of it, since heights set for the screen's widths would cut it.
(function () {
  "use strict";
  document.querySelectorAll("[data-scripted]").forEach(function (control) {
    control.hidden = false;
  });
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
  // A list chosen with the mouse submits at once. With the keyboard, the arrow keys step
  // through the options and each step is a change (WCAG 3.2.2): the form is sent on Enter, or
  // when the list is left with another option than it had.
  function autosubmitted(event) {
    return event.target.closest && event.target.closest("select[data-autosubmit]");
  }
  document.addEventListener("change", function (event) {
    const select = autosubmitted(event);
    if (select && select.form && !select.dataset.keyed) select.form.submit();
  });
  document.addEventListener("focusin", function (event) {
    const select = autosubmitted(event);
    if (select) select.dataset.was = select.value;
  });
  document.addEventListener("mousedown", function (event) {
    const select = autosubmitted(event);
    if (select) delete select.dataset.keyed;
  });
  document.addEventListener("keydown", function (event) {
    const select = autosubmitted(event);
    if (!select || event.key === "Tab" || event.key === "Shift") return;
    if (event.key === "Enter" && select.form) {
      event.preventDefault();
      if (select.value !== select.dataset.was) select.form.submit();
    } else {
      select.dataset.keyed = "1";
    }
  });
  document.addEventListener("focusout", function (event) {
    const select = autosubmitted(event);
    if (select && select.dataset.keyed && select.form && select.value !== select.dataset.was) {
      select.form.submit();
    }
  });
  document.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-ask]");
    if (form && !window.confirm(form.dataset.ask)) event.preventDefault();
  });

  // The idle limit (session-timeout middleware, JIXIAO_SESSION_IDLE_SECONDS). Typing is not
  // idleness: while someone types, the page tells the server now and then. Shortly before an
  // idle session would end, a notice offers to go on; once it has ended, the notice says so and
  // offers to sign in again in another window, after which this page's form is sent with the
  // new CSRF token (Django changes it at sign-in) instead of failing and losing what was typed.
  const notice = document.getElementById("session-notice");
  if (notice) {
    const idle = Number(notice.dataset.idle) * 1000;
    const lead = Math.min(5 * 60 * 1000, idle / 6); // the warning comes this long before the end
    const every = Math.min(3 * 60 * 1000, idle / 10); // typing is told at most this often
    let seen = Date.now(); // when the server last saw this page
    let asking = false;

    const csrf = function () {
      const cookie = document.cookie.split("; ").find(function (c) { return c.startsWith("csrftoken="); });
      if (cookie) return cookie.slice("csrftoken=".length);
      const field = document.querySelector("input[name=csrfmiddlewaretoken]");
      return field ? field.value : "";
    };
    const show = function (state) {
      notice.hidden = !state;
      notice.dataset.state = state || "";
      if (state === "warn") {
        const end = new Date(seen + idle);
        notice.querySelector(".session-end").textContent =
          `${String(end.getHours()).padStart(2, "0")}:${String(end.getMinutes()).padStart(2, "0")}`;
      }
    };
    const alive = function () {
      if (asking) return;
      asking = true;
      fetch("/session/alive/", {
        method: "POST", credentials: "same-origin", redirect: "manual",
        headers: { "X-CSRFToken": csrf() },
      }).then(function (answer) {
        if (answer.status === 204) { seen = Date.now(); show(null); } else show("ended");
      }).catch(function () { /* offline: the timer says what it can */ })
        .finally(function () { asking = false; });
    };
    const active = function () {
      if (notice.dataset.state !== "ended" && Date.now() - seen > every) alive();
    };
    ["input", "keydown", "change"].forEach(function (kind) {
      document.addEventListener(kind, active, true);
    });
    notice.querySelector("[data-keep-alive]").addEventListener("click", alive);
    window.addEventListener("focus", function () { if (notice.dataset.state === "ended") alive(); });
    window.setInterval(function () {
      const left = seen + idle - Date.now();
      if (left <= 0) show("ended");
      else if (left <= lead && notice.dataset.state !== "warn") show("warn");
    }, Math.min(15000, idle / 10));
    document.body.addEventListener("htmx:configRequest", function (event) {
      event.detail.headers["X-CSRFToken"] = csrf();
    });
    document.addEventListener("submit", function (event) {
      const field = event.target.querySelector("input[name=csrfmiddlewaretoken]");
      const token = csrf();
      if (field && token) field.value = token;
    }, true);
  }

  if (window.CSS && CSS.supports && CSS.supports("field-sizing", "content")) return;
  const GROWING = [
    "textarea.prose", "form.prose textarea", "table.selfeval-grid textarea",
    "table.framework-grid td.standard textarea", ".indicator-grid textarea.cell",
  ].join(", ");
  const SIZED = "table.selfeval-grid input[name^=actual-]";

  function grow(box) {
    if (box.matches(".indicator-grid textarea.cell")) return; // targets.js fits those
    box.style.height = "auto";
    box.style.height = `${box.scrollHeight + box.offsetHeight - box.clientHeight}px`;
  }
  function size(input) {
    input.size = Math.max(6, Math.min(input.value.length + 1, 20));
  }
  document.querySelectorAll(GROWING).forEach(grow);
  document.querySelectorAll(SIZED).forEach(size);
  document.addEventListener("input", function (event) {
    if (event.target.matches(GROWING)) grow(event.target);
    else if (event.target.matches(SIZED)) size(event.target);
  });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll(GROWING).forEach(function (box) {
      const copy = document.createElement("div");
      copy.className = "print-copy";
      copy.textContent = box.value;
      box.classList.add("has-print-copy");
      box.after(copy);
    });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll(".print-copy").forEach(function (copy) { copy.remove(); });
    document.querySelectorAll(".has-print-copy").forEach(function (box) {
      box.classList.remove("has-print-copy");
    });
  });
})();
