// Choropleth of registered workers: shapes only (offline, no tile server); data from /maps/data.json.
(function () {
  "use strict";
  var el = document.getElementById("maps-map");
  if (!el || !window.L) { return; }
  var palette = ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"];
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: false });
  var layer = null;
  function colour(p) { return p["class"] === null ? "#bbbbbb" : palette[p["class"]] || palette[4]; }
  function panel(p, data) {
    var box = document.getElementById("maps-panel");
    box.textContent = "";
    var h = document.createElement("strong");
    h.textContent = p.name;
    box.appendChild(h);
    box.appendChild(document.createTextNode(": " + (p.workers === null ? p.workers_note : p.workers)));
    if (p.href) {
      var a = document.createElement("a");
      a.href = p.href;
      a.textContent = " →";
      box.appendChild(a);
    }
    if (data.persons_link) {
      var l = document.createElement("a");
      l.href = "/persons/?village=" + encodeURIComponent(p.code);
      l.className = "persons-link";
      l.textContent = " ☰";
      box.appendChild(l);
    }
  }
  function legend(data) {
    var box = document.getElementById("maps-legend");
    box.textContent = "";
    data.legend.concat([{ "class": null, label: data.withheld_label }]).forEach(function (item) {
      var row = document.createElement("span");
      row.className = "legend-item";
      var sw = document.createElement("span");
      sw.className = "swatch";
      sw.style.background = item["class"] === null ? "#bbbbbb" : palette[item["class"]];
      row.appendChild(sw);
      row.appendChild(document.createTextNode(" " + item.label + " "));
      box.appendChild(row);
    });
  }
  function load() {
    var level = document.getElementById("map-level").value;
    var method = document.getElementById("map-method").value;
    fetch(el.dataset.url + "?level=" + level + "&method=" + method, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (layer) { map.removeLayer(layer); }
        layer = L.geoJSON(data, {
          style: function (f) { return { color: "#555", weight: 1, fillOpacity: 0.85, fillColor: colour(f.properties) }; },
          onEachFeature: function (f, l) {
            l.bindTooltip(f.properties.name + ": " + (f.properties.workers === null ? f.properties.workers_note : f.properties.workers));
            l.on("click", function () { panel(f.properties, data); });
          }
        }).addTo(map);
        if (data.features.length) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); }
        legend(data);
        el.dataset.loaded = String(data.features.length);
      });
  }
  document.getElementById("map-level").addEventListener("change", load);
  document.getElementById("map-method").addEventListener("change", load);
  load();
})();
