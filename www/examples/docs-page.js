// Drives the second embedded snippet from the host page: set a knob, run, show the time.
document.addEventListener("DOMContentLoaded", function () {
  var snippet = document.getElementById("async");
  var result = document.getElementById("result");
  document.getElementById("run-async").addEventListener("click", function () {
    result.textContent = "running…";
    snippet.setKnobs({ pages: Number(document.getElementById("pages").value) });
    snippet.run();
  });
  snippet.addEventListener("async-tutor-finished", function (event) {
    var d = event.detail;
    result.textContent =
      d.outcome === "finished" ? "finished in " + Math.round(d.elapsed_ms) + " ms" : d.outcome;
  });
  snippet.addEventListener("async-tutor-error", function (event) {
    result.textContent = event.detail.message;
  });
});
