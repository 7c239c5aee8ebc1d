// Material's search worker, loaded at the first query instead of at every page load: the page's
// config points its worker here (site/finalize.py rewrites it). Material sends the index
// (SETUP, type 0) at load and queries (type 2) only after a READY (type 1): this stand-in
// answers READY at once (and the empty query with no result), keeps the index, and on the
// first query typed imports Material's worker
// (and through it lunr's French stemmer), hands it the index, waits for its own READY, then
// passes it every query. Same folder as Material's worker, whose `../lunr` paths resolve from
// this file's URL. Names filled in by site/finalize.py: MATERIAL_SEARCH_WORKER.
/* eslint-disable no-var */
(function () {
  var REAL = "MATERIAL_SEARCH_WORKER";
  var toPage = self.postMessage.bind(self);
  var ready = false;
  var loading = false;
  var setup = null;
  var queue = [];
  var real = null;
  self.addEventListener("message", function (event) {
    if (ready) { real(event); return; }
    if (event.data && event.data.type === 0) { setup = event; toPage({ type: 1 }); return; }
    // Material asks for the empty query as soon as the search is ready: no result, no load.
    if (!loading && event.data && event.data.type === 2 && !String(event.data.data).trim()) {
      toPage({ type: 3, data: { items: [] } });
      return;
    }
    queue.push(event);
    if (loading) return;
    loading = true;
    var add = self.addEventListener;
    self.addEventListener = function (type, listener) {
      if (type === "message") { real = listener; } else { add.apply(self, arguments); }
    };
    self.postMessage = function (answer) {
      if (!ready && answer && answer.type === 1) {
        ready = true;
        queue.splice(0).forEach(function (waiting) { real(waiting); });
        return;
      }
      toPage(answer);
    };
    importScripts(REAL);
    real(setup);
  });
})();
