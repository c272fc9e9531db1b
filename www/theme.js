// Applies the colour theme before the page paints: the reader's choice (light or dark, kept in
// localStorage by the app), else the system's. Loaded as a plain script in <head> so there is no
// flash of the wrong theme, and as a file (not inline) so it works under a strict CSP.
(function () {
  var KEY = "async-tutor.theme";
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  // The embed page takes its theme from its URL (embed.html?…&theme=dark), as the host asked.
  var asked = null;
  if (document.documentElement.getAttribute("data-page") === "embed") {
    var t = new URLSearchParams(location.search).get("theme");
    if (t === "light" || t === "dark") asked = t;
  }
  // The reader's choice made on this page, kept here too: storage may be blocked or full.
  var picked;
  function chosen() {
    if (asked) return asked;
    if (picked !== undefined) return picked;
    try {
      var t = localStorage.getItem(KEY);
      // Anything else stored (garbage, "auto") means the system's.
      return t === "light" || t === "dark" ? t : null;
    } catch (e) {
      return null;
    }
  }
  function apply() {
    var theme = chosen() || (media && media.matches ? "dark" : "light");
    document.documentElement.setAttribute("data-theme", theme);
  }
  apply();
  if (media && media.addEventListener) media.addEventListener("change", apply);
  // The app calls this with the reader's choice ("auto", "light" or "dark") after storing it.
  window.asyncTutorApplyTheme = function (choice) {
    if (choice === "light" || choice === "dark") picked = choice;
    else if (choice === "auto") picked = null;
    apply();
  };
})();
