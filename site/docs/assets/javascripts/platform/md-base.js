// Material for MkDocs 9.8.2's inline head script (partials/javascripts/base.html), served as a
// file so that the Content-Security-Policy forbids inline scripts. Same code, one difference:
// the scope was written into each page ("base_url"); here it is the site's root, three folders
// above this file, which is what base_url points to on every page.
/* eslint-disable no-var */
var __md_scope = new URL("../../../", document.currentScript.src);
var __md_hash = function (e) {
  return [...e].reduce(function (h, c) { return (h << 5) - h + c.charCodeAt(0); }, 0);
};
var __md_get = function (e, _ = localStorage, t = __md_scope) {
  return JSON.parse(_.getItem(t.pathname + "." + e));
};
var __md_set = function (e, _, t = localStorage, a = __md_scope) {
  try { t.setItem(a.pathname + "." + e, JSON.stringify(_)); } catch (err) { /* storage full */ }
};
