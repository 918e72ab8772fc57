// CityDip front-end glue: send the CSRF token with every htmx request; keep focus visible after swaps.
document.addEventListener("DOMContentLoaded", function () {
  var token = document.body.getAttribute("data-csrf");
  document.body.addEventListener("htmx:configRequest", function (evt) {
    if (token) { evt.detail.headers["X-CSRF-Token"] = token; }
  });
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("submit", function (evt) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { evt.preventDefault(); }
    });
  });
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
});
