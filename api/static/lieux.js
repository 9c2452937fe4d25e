/* Small venue maps (Leaflet, no CDN, no background tiles): the venues found, or a geocoder's
 * proposals, as points over the outlines of the QPVs around them and of the departments.
 *
 * A map is a `[data-carte-lieux]` element; its points are the elements with `data-lat` and
 * `data-lon` inside the element named by `data-points`, each saying in `data-choix` which radio
 * or button chooses it: touching the point chooses it (the list stays the way to choose without
 * the map, or by keyboard). With `data-epingle` (the id of a « on the map » radio), touching the
 * map elsewhere — or pressing Enter on the focused map, moved with the arrow keys — places the
 * venue there by hand: the hidden `lat`/`lon` fields are filled and that radio is ticked.
 * With `data-manques` (QPV codes), those quarters are outlined in red, dashed: a campaign's
 * targets left short. Maps arriving in an htmx answer are drawn too.
 */
(function () {
  "use strict";

  var POINT = {
    radius: 8, color: "#1d4f91", weight: 2, fillColor: "#1d4f91", fillOpacity: 0.7,
    bubblingMouseEvents: false /* touching a point chooses it, it does not place a pin */
  };
  var CHOSEN = { color: "#a4161a", fillColor: "#a4161a", fillOpacity: 0.9 };
  var PIN = {
    radius: 9, color: "#5a3e00", weight: 3, fillColor: "#fdae61", fillOpacity: 1,
    interactive: false
  };
  var QPV = { color: "#8a6100", weight: 2, fillColor: "#fdae61", fillOpacity: 0.2 };
  var SHORT = { color: "#a4161a", weight: 2, dashArray: "6 4", fillColor: "#a4161a", fillOpacity: 0.1 };
  var MAX_OUTLINES = 30;
  var DEGREES = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 5 });
  var departments = null; /* fetched once for every map */

  function outlinesOfDepartments(map) {
    if (!departments) {
      departments = fetch("/api/departements.geojson").then(function (r) { return r.json(); });
    }
    departments.then(function (data) {
      L.geoJSON(data, {
        pane: "contours", interactive: false,
        style: { color: "#6a6a6a", weight: 1, fill: true, fillColor: "#f4f1ea", fillOpacity: 1 }
      }).addTo(map);
    }).catch(function () { /* context only: the points stand without it */ });
  }

  function outlineOfQpv(map, code, style, loaded) {
    fetch("/api/qpv/" + encodeURIComponent(code)).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (feature) {
      if (feature) {
        var layer = L.geoJSON(feature, { pane: "quartiers", interactive: false, style: style || QPV });
        layer.addTo(map);
        if (loaded) { loaded(layer.getBounds()); }
      }
    }).catch(function () { /* an outline missing leaves the points */ });
  }

  function choose(element) {
    if (!element) { return; }
    if (element.type === "radio") {
      element.checked = true;
      element.dispatchEvent(new Event("change", { bubbles: true }));
      element.focus();
    } else {
      element.click();
    }
  }

  function draw(box) {
    if (box.dataset.dessinee || !window.L) { return; }
    box.dataset.dessinee = "oui";
    box.hidden = false;
    var form = box.closest("form");
    (form || box.parentNode).querySelectorAll(".si-script").forEach(function (e) {
      e.hidden = false;
    });
    var map = L.map(box, { zoomSnap: 0.25 }).setView([50.0, 2.8], 7); /* a view before layers */
    map.attributionControl.setPrefix("Leaflet");
    map.createPane("contours").style.zIndex = 350;
    map.createPane("quartiers").style.zIndex = 380;
    box.carte = map; /* for the browser test and the curious */
    outlinesOfDepartments(map);

    var list = document.getElementById(box.dataset.points);
    var items = list ? list.querySelectorAll("[data-lat][data-lon]") : [];
    var markers = [];
    var codes = {};
    var extra = null;
    items.forEach(function (item) {
      var at = [parseFloat(item.dataset.lat), parseFloat(item.dataset.lon)];
      var choice = document.getElementById(item.dataset.choix);
      var marker = L.circleMarker(at, POINT).addTo(map);
      marker.bindTooltip(item.dataset.nom);
      marker.on("click", function () { choose(choice); });
      markers.push({ marker: marker, choice: choice });
      (item.dataset.qpv || "").split(" ").forEach(function (code) {
        if (code) { codes[code] = true; }
      });
    });
    Object.keys(codes).slice(0, MAX_OUTLINES).forEach(function (code) { outlineOfQpv(map, code); });
    (box.dataset.manques || "").split(" ").filter(function (code) {
      return code && !codes[code];
    }).slice(0, MAX_OUTLINES).forEach(function (code) {
      outlineOfQpv(map, code, SHORT, function (bounds) { /* the short quarters in view too */
        var all = L.latLngBounds(markers.map(function (m) { return m.marker.getLatLng(); }));
        extra = extra ? extra.extend(bounds) : L.latLngBounds(bounds.getSouthWest(), bounds.getNorthEast());
        map.fitBounds(all.isValid() ? all.extend(extra) : extra, { maxZoom: 15, padding: [12, 12] });
      });
    });

    function recolour() {
      markers.forEach(function (m) {
        m.marker.setStyle(m.choice && m.choice.checked ? CHOSEN : POINT);
      });
    }
    if (form) { form.addEventListener("change", recolour); }
    recolour();

    var pin = null;
    var onMap = box.dataset.epingle ? document.getElementById(box.dataset.epingle) : null;
    var lat = form ? form.querySelector("#lat") : null;
    var lon = form ? form.querySelector("#lon") : null;
    var said = document.getElementById("etat-epingle");
    function place(at, announce) {
      if (pin) { pin.setLatLng(at); } else { pin = L.circleMarker(at, PIN).addTo(map); }
      lat.value = at.lat.toFixed(6);
      lon.value = at.lng.toFixed(6);
      if (announce) {
        choose(onMap);
        if (said) {
          said.textContent = "Lieu placé sur la carte : latitude " + DEGREES.format(at.lat) +
            ", longitude " + DEGREES.format(at.lng) + ".";
        }
      }
    }
    if (onMap && lat && lon) {
      box.tabIndex = 0;
      map.on("click", function (event) { place(event.latlng, true); });
      box.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && event.target === box) {
          event.preventDefault();
          place(map.getCenter(), true);
        }
      });
      if (lat.value && lon.value) {
        place(L.latLng(parseFloat(lat.value), parseFloat(lon.value)), false);
      }
    }

    var points = markers.map(function (m) { return m.marker.getLatLng(); });
    if (pin) { points.push(pin.getLatLng()); }
    if (points.length) {
      map.fitBounds(L.latLngBounds(points).pad(0.4), { maxZoom: 15 });
    }
  }

  function drawWithin(root) {
    if (!root || !root.querySelectorAll) { return; }
    if (root.matches && root.matches("[data-carte-lieux]")) { draw(root); }
    root.querySelectorAll("[data-carte-lieux]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawWithin(document); });
  document.addEventListener("htmx:load", function (event) { drawWithin(event.detail.elt); });
}());
