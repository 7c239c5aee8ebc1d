// The form's pages (formulaire.html, mon-dossier.html) and the long text pages (the notice,
// personal data) load Material's bundle at the first gesture (a key, a touch, a click, a
// scroll, the mouse moved) instead of at load (overrides/premier-geste.html): what the form
// needs at once is its own module, and the text is there without it; what the bundle brings
// (the search and its index, the header's title on scroll, the sidebars' heights, the table of
// contents following the reading, the keyboard shortcuts) waits for the first use.
// Until then the page keeps Material's `no-js` styles (search button hidden, sidebars at
// their natural height) and the menu drawer, a checkbox and its labels, works without it.
// The bundle starts its components on DOMContentLoaded: loaded later, it is given that event
// once it has run. MATERIAL_BUNDLE, the path of Material's hashed bundle from this file, is
// filled in by site/finalize.py.
(function () {
  var bundle = new URL("MATERIAL_BUNDLE", document.currentScript.src).href;
  var gestures = ["keydown", "pointerdown", "pointermove", "touchstart", "wheel", "scroll",
    "focusin"];
  var loaded = false;
  // This script runs at the end of the body, before the page's DOMContentLoaded: a bundle in
  // before that event gets the real one, a bundle after it gets it from here (and the page's
  // other listeners never get it twice).
  var ready = document.readyState === "complete";
  document.addEventListener("DOMContentLoaded", function () { ready = true; });
  function load() {
    if (loaded) return;
    loaded = true;
    gestures.forEach(function (type) { removeEventListener(type, load, true); });
    var script = document.createElement("script");
    script.src = bundle;
    script.addEventListener("load", function () {
      if (ready) document.dispatchEvent(new Event("DOMContentLoaded"));
    });
    document.body.appendChild(script);
  }
  gestures.forEach(function (type) {
    addEventListener(type, load, { capture: true, passive: true });
  });
})();
