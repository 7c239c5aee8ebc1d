// Material for MkDocs 9.8.2's inline script after the content (partials/javascripts/content.html),
// served as a file so that the Content-Security-Policy forbids inline scripts: a link to a
// content tab's anchor opens that tab.
(function () {
  var target = document.getElementById(location.hash.slice(1));
  if (target && target.name) {
    target.checked = target.name.startsWith("__tabbed_");
  }
})();
