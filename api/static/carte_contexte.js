/* Map bearings without external tiles (issue 17): commune outlines and names served by the
 * app (GET /api/communes.geojson), QPV names at close zooms, background tiles only when the
 * deployment configured a tile server (data-tuiles on the map's element: otherwise no request
 * leaves for another site), and the attribution of every dataset drawn.
 *
 * window.carteContexte.install(map, element) returns { communes(dep), qpvs(geoJsonLayer) }.
 */
(function () {
  "use strict";

  var COMMUNES_ATTRIBUTION = "Communes : IGN, INSEE";
  var QPV_ATTRIBUTION = "QPV : ANCT";
  var QPV_NAMES_FROM_ZOOM = 13;
  /* Smallest population whose name is written, by zoom: the big towns first. */
  var POPULATION_SHOWN = [[8, 100000], [9, 40000], [10, 15000], [11, 5000], [12, 2000]];

  function escaped(value) {
    var span = document.createElement("span");
    span.textContent = value === null || value === undefined ? "" : String(value);
    return span.innerHTML;
  }

  function smallestShown(zoom) {
    for (var i = 0; i < POPULATION_SHOWN.length; i++) {
      if (zoom < POPULATION_SHOWN[i][0]) { return POPULATION_SHOWN[i][1]; }
    }
    return 0;
  }

  function label(lat, lon, name, className) {
    return L.marker([lat, lon], {
      pane: "etiquettes", interactive: false, keyboard: false,
      icon: L.divIcon({ className: className, html: "<span>" + escaped(name) + "</span>",
                        iconSize: null })
    });
  }

  function install(map, element) {
    var tiles = element.dataset.tuiles;
    if (tiles) {
      L.tileLayer(tiles, {
        maxZoom: 19, attribution: escaped(element.dataset.tuilesAttribution || "")
      }).addTo(map);
    }
    map.attributionControl.addAttribution(QPV_ATTRIBUTION);
    map.attributionControl.addAttribution(COMMUNES_ATTRIBUTION);
    map.createPane("communes").style.zIndex = 360;
    var names = map.createPane("etiquettes");
    names.style.zIndex = 420;
    names.style.pointerEvents = "none";
    names.setAttribute("aria-hidden", "true"); /* the table says it all to screen readers */
    var renderer = L.canvas({ pane: "communes" });
    var state = { key: null, outlines: null, communes: [], qpvs: [], shown: L.layerGroup() };
    state.shown.addTo(map);

    /* Names are written greedily, QPVs first then the most populous communes, each only
     * where it overlaps no name already written (its box estimated from its length). */
    function refresh() {
      var zoom = map.getZoom();
      var bounds = map.getBounds().pad(0.1);
      var least = smallestShown(zoom);
      var placed = [];
      function write(entry) {
        if (!bounds.contains(entry.marker.getLatLng())) { return; }
        var p = map.latLngToContainerPoint(entry.marker.getLatLng());
        var w = entry.length * 7 + 6, h = 16;
        var box = [p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2];
        for (var i = 0; i < placed.length; i++) {
          var o = placed[i];
          if (box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]) { return; }
        }
        placed.push(box);
        state.shown.addLayer(entry.marker);
      }
      state.shown.clearLayers();
      if (zoom >= QPV_NAMES_FROM_ZOOM) { state.qpvs.forEach(write); }
      state.communes.forEach(function (c) {
        if ((c.population || 0) >= least) { write(c); }
      });
      element.dataset.etiquettes = String(state.shown.getLayers().length);
    }
    map.on("zoomend moveend", refresh);

    function communes(dep) {
      var key = dep || "";
      if (key === state.key) { return Promise.resolve(); }
      state.key = key;
      var url = "/api/communes.geojson" + (dep ? "?dep=" + encodeURIComponent(dep) : "");
      return fetch(url).then(function (r) { return r.ok ? r.json() : null; }).then(function (d) {
        if (!d || state.key !== key) { return; }
        if (state.outlines) { map.removeLayer(state.outlines); }
        state.outlines = L.geoJSON(d, {
          pane: "communes", renderer: renderer, interactive: false,
          style: { color: "#8c8c8c", weight: 0.7, fill: false }
        }).addTo(map);
        state.communes = d.features.map(function (f) {
          var at = f.properties.etiquette;
          return { population: f.properties.population, length: f.properties.nom.length,
                   marker: label(at[1], at[0], f.properties.nom, "etiquette-commune") };
        }).sort(function (a, b) { return (b.population || 0) - (a.population || 0); });
        refresh();
      }).catch(function () { /* context only: the QPVs stand without it */ });
    }

    function qpvs(layer) {
      state.qpvs = [];
      layer.eachLayer(function (l) {
        var centre = l.getBounds().getCenter();
        var name = l.feature.properties.name;
        state.qpvs.push({ length: name.length,
                          marker: label(centre.lat, centre.lng, name, "etiquette-qpv") });
      });
      refresh();
    }

    return { communes: communes, qpvs: qpvs, tiled: Boolean(tiles) };
  }

  window.carteContexte = { install: install };
})();
