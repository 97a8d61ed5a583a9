// Progressive enhancement only: every page works without it.
(function () {
  "use strict";
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", function (e) {
    window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
  });
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("button.expand-all");
    buttons.forEach(function (b) {
      b.addEventListener("click", function () {
        var root = document.getElementById(b.getAttribute("data-target"));
        if (!root) { return; }
        var nodes = root.querySelectorAll("details");
        var open = b.getAttribute("aria-pressed") !== "true";
        nodes.forEach(function (d) { d.open = open; });
        b.setAttribute("aria-pressed", open ? "true" : "false");
        b.textContent = open ? "Collapse all" : "Expand all";
      });
    });
  });
})();
