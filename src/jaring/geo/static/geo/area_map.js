// Map of an area's children: shapes only (no tile server, works offline), coloured by worker count.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("area-geojson").textContent);
  var el = document.getElementById("area-map");
  if (!el || !window.L || !data.features.length) { return; }
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: false });
  // "<5" sits low on the scale; "×" (withheld to protect a small count) is grey: its colour must not hint.
  function count(p) { return typeof p.workers === "number" ? p.workers : (p.workers === "×" ? null : 2); }
  var max = Math.max.apply(null, data.features.map(function (f) { return count(f.properties); }).concat([1]));
  function colour(n) {
    if (n === null) { return "#bbbbbb"; }
    var t = Math.sqrt(n / max);
    var light = [237, 248, 233], dark = [0, 90, 50];
    var c = light.map(function (l, i) { return Math.round(l + (dark[i] - l) * t); });
    return "rgb(" + c.join(",") + ")";
  }
  var layer = L.geoJSON(data, {
    style: function (f) {
      return {
        color: "#555", weight: 1, fillOpacity: 0.8, fillColor: colour(count(f.properties)),
        dashArray: f.properties.boundary_approximate ? "4 3" : null
      };
    },
    onEachFeature: function (f, l) {
      var p = f.properties;
      l.bindTooltip(p.name + ": " + p.workers + (p.boundary_approximate ? " (≈)" : ""));
      l.on("click", function () { window.location.href = "/areas/" + encodeURIComponent(p.code) + "/"; });
    }
  }).addTo(map);
  map.fitBounds(layer.getBounds(), { padding: [10, 10] });
})();
