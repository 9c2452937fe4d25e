/* /couverture: coverage map of the QPVs for managers (Leaflet, no CDN; commune outlines and
 * names for bearings, background tiles only when configured: carte_contexte.js).
 *
 * Reads GET /api/coverage (a GeoJSON FeatureCollection, one Feature per QPV) with the bearer
 * token kept in sessionStorage, colours the polygons by the chosen metric, draws the legend of
 * the class breaks, fills the sortable table and, on a click, the QPV's figures, the
 * organisations that led, staffed or partnered its sessions, and its next sessions
 * (GET /api/sessions?qpv=CODE&from=today). The department filter offers the departments of the
 * caller's territory, as the coverage answer lists them (summary.departments). What a QPV's
 * properties say, the columns and the class breaks: couverture_valeurs.js.
 */
(function () {
  "use strict";

  var TOKEN_KEY = "allervers.jeton";
  var V = window.couvertureValeurs; /* values, columns and classes: couverture_valeurs.js */
  var NUMBER = V.NUMBER, DAY = V.DAY, MOMENT = V.MOMENT, STATUS = V.STATUS;
  var STATUS_ORDER = V.STATUS_ORDER, METRICS = V.METRICS, COLUMNS = V.COLUMNS;
  var text = V.text, value = V.value, shown = V.shown;
  var classesFor = V.classesFor, classOf = V.classOf;
  var shareList = V.shareList, forums = V.forums, planned = V.planned;

  var $ = function (id) { return document.getElementById(id); };
  var state = { data: null, layer: null, classes: [], sortKey: "name", sortDir: 1 };

  var map = L.map("carte", { zoomSnap: 0.25, attributionControl: true });
  map.attributionControl.setPrefix("Leaflet");
  map.setView([50.0, 2.8], 7);
  window.carteCouverture = map; /* for the browser test and the curious: the Leaflet map */
  /* Venues get a pane of their own, above the QPV polygons and apart from them. */
  map.createPane("lieux").style.zIndex = 450;
  /* Communes' outlines and names, and tiles when configured (carte_contexte.js). */
  var context = window.carteContexte.install(map, document.getElementById("carte"));
  /* Department outlines give the map its bearings without background tiles. */
  map.createPane("contours").style.zIndex = 350;
  /* Close up, their coarser outline would stray from the communes' borders: hidden there. */
  function departmentStyle() {
    return { color: "#555555", weight: 1.5, opacity: map.getZoom() < 11 ? 1 : 0,
             fill: !context.tiled, fillColor: "#f4f1ea", fillOpacity: 1 };
  }
  fetch("/api/departements.geojson").then(function (r) { return r.json(); }).then(function (d) {
    var departments = L.geoJSON(d, {
      pane: "contours", interactive: false, style: departmentStyle
    }).addTo(map);
    map.on("zoomend", function () { departments.setStyle(departmentStyle); });
  }).catch(function () { /* context only: the QPVs stand without it */ });

  function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }
  /* Signed in on /connexion: the browser session authenticates every request, no token. */
  var signedIn = document.body.dataset.session === "oui";
  function allowed() { return signedIn || Boolean(token()); }

  function say(message, isError) {
    var etat = $("etat");
    etat.textContent = message;
    etat.className = isError ? "erreur" : "";
  }

  function api(path) {
    var headers = { Accept: "application/json" };
    if (token()) { headers.Authorization = "Bearer " + token(); }
    return fetch(path, { headers: headers, credentials: "same-origin" }).then(function (response) {
      if (response.ok) { return response.json(); }
      return response.json().catch(function () { return {}; }).then(function (problem) {
        var error = new Error(problem.detail || response.statusText);
        error.status = response.status;
        throw error;
      });
    });
  }

  function drawLegend(metric) {
    var list = $("legende-classes");
    list.innerHTML = "";
    $("legende-titre").textContent = "Légende — " + METRICS[metric].label;
    state.classes.forEach(function (c) {
      var item = document.createElement("li");
      item.dataset.count = String(c.count);
      if ("value" in c) {
        item.dataset.value = c.value === null ? "" : c.value;
      } else {
        item.dataset.min = String(c.min);
        item.dataset.max = c.max === null ? "" : String(c.max);
      }
      item.innerHTML = '<span class="pastille" style="background:' + c.color + '"></span>' +
        "<span>" + text(c.label) + ' : <strong class="effectif">' + c.count +
        "</strong> quartier" + (c.count > 1 ? "s" : "") + "</span>";
      list.appendChild(item);
    });
  }

  /* ---- the map ---- */

  function style(feature) {
    var c = classOf(state.classes, $("f-metrique").value, feature.properties);
    return { color: "#333", weight: 1, fillColor: c ? c.color : "#ccc", fillOpacity: 0.8 };
  }

  function drawMap(fit) {
    if (state.layer) { map.removeLayer(state.layer); }
    state.layer = L.geoJSON(state.data, {
      style: style,
      onEachFeature: function (feature, layer) {
        layer.bindTooltip(feature.properties.name, { sticky: true });
        layer.on("click", function () { select(feature.properties.code); });
      }
    }).addTo(map);
    state.layer.eachLayer(function (layer) {
      layer.getElement().setAttribute("data-code", layer.feature.properties.code);
    });
    if (fit && state.data.features.length) {
      map.fitBounds(state.layer.getBounds(), { padding: [10, 10] });
    }
    context.qpvs(state.layer);
  }

  function drawVenues() {
    api("/api/venues").then(function (venues) {
      if (state.venues) { map.removeLayer(state.venues); }
      state.venues = L.layerGroup(venues.map(function (v) {
        return L.circleMarker([v.point.lat, v.point.lon], {
          pane: "lieux", radius: 4, color: "#000091", weight: 1.5,
          fillColor: "#ffffff", fillOpacity: 0.9
        }).bindTooltip(text(v.name) + " — " + text(v.kind_label));
      })).addTo(map);
    }).catch(function () { /* venues are a help, not the point: the map stands without */ });
  }

  function featureOf(code) {
    return state.data.features.filter(function (f) { return f.properties.code === code; })[0];
  }

  /* Who held the QPV's sessions: every organisation that led, staffed or partnered one; then
     who will go to the sessions planned in the period. */
  function organisations(p) {
    return shareList("Organisations", "organisations", p.by_organisation, "Aucune séance tenue.") +
      (p.planned_by_organisation && p.planned_by_organisation.length ?
        shareList("Prévu avec", "organisations-prevues", p.planned_by_organisation, "") : "");
  }

  function select(code) {
    var feature = featureOf(code);
    if (!feature) { return; }
    var p = feature.properties;
    var rows = COLUMNS.slice(1).concat([{ key: "first_session", label: "Première séance",
                                          type: "date" }]);
    var fiche = $("fiche");
    fiche.innerHTML = "<h3>" + text(p.name) + "</h3><p>" + text(p.code) + "</p><dl>" +
      rows.map(function (c) {
        return '<dt>' + text(c.label) + '</dt><dd data-cle="' + c.key + '">' +
          text(shown(p, c)) + "</dd>";
      }).join("") + "</dl>" + organisations(p) +
      '<h4>Prochaines séances</h4><div id="prochaines">Chargement…</div>';
    fiche.focus();
    state.layer.eachLayer(function (layer) {
      var mine = layer.feature.properties.code === code;
      layer.setStyle({ weight: mine ? 3 : 1, color: mine ? "#000" : "#333" });
      if (mine) { layer.bringToFront(); }
    });
    var today = new Date().toISOString().slice(0, 10);
    api("/api/sessions?qpv=" + encodeURIComponent(code) + "&from=" + today + "&limit=5")
      .then(function (page) {
        var target = $("prochaines");
        if (!target) { return; }
        if (!page.items || !page.items.length) {
          target.textContent = "Aucune séance prévue.";
          return;
        }
        target.innerHTML = "<ul>" + page.items.map(function (s) {
          return "<li>" + text(MOMENT.format(new Date(s.start))) + " — " + text(s.title) +
            " (" + text(s.venue.name) + ")</li>";
        }).join("") + "</ul>";
      })
      .catch(function () {
        var target = $("prochaines");
        if (target) { target.textContent = "Séances non consultables avec ce jeton."; }
      });
  }

  /* ---- the table ---- */

  function drawTableHead() {
    var row = document.querySelector("#tableau thead tr");
    row.innerHTML = "";
    COLUMNS.forEach(function (c) {
      var th = document.createElement("th");
      th.scope = "col";
      th.dataset.cle = c.key;
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = c.label;
      button.addEventListener("click", function () {
        state.sortDir = state.sortKey === c.key ? -state.sortDir : 1;
        state.sortKey = c.key;
        drawTable();
      });
      th.appendChild(button);
      row.appendChild(th);
    });
  }

  function compare(a, b) {
    var va = value(a.properties, state.sortKey);
    var vb = value(b.properties, state.sortKey);
    if (state.sortKey === "status") {
      va = STATUS_ORDER.indexOf(va);
      vb = STATUS_ORDER.indexOf(vb);
    }
    if (va === null && vb === null) { return 0; }
    if (va === null) { return 1; }
    if (vb === null) { return -1; }
    var order = typeof va === "number" ? va - vb : String(va).localeCompare(String(vb), "fr");
    return order * state.sortDir;
  }

  function drawTable() {
    document.querySelectorAll("#tableau th").forEach(function (th) {
      if (th.dataset.cle === state.sortKey) {
        th.setAttribute("aria-sort", state.sortDir > 0 ? "ascending" : "descending");
      } else {
        th.removeAttribute("aria-sort");
      }
    });
    var body = document.querySelector("#tableau tbody");
    body.innerHTML = "";
    state.data.features.slice().sort(compare).forEach(function (f) {
      var p = f.properties;
      var tr = document.createElement("tr");
      tr.dataset.code = p.code;
      tr.innerHTML = COLUMNS.map(function (c, i) {
        if (i === 0) {
          return '<th scope="row"><button type="button" class="secondaire voir">' +
            text(p.name) + "</button> <small>" + text(p.code) + "</small></th>";
        }
        var numeric = c.type === "number" || c.type === "count";
        return "<td" + (numeric ? ' class="nombre"' : "") + ">" + text(shown(p, c)) + "</td>";
      }).join("");
      tr.querySelector(".voir").addEventListener("click", function () {
        select(p.code);
        var layer = state.layer.getLayers().filter(function (l) {
          return l.feature.properties.code === p.code;
        })[0];
        if (layer) { map.fitBounds(layer.getBounds(), { maxZoom: 14 }); }
        $("carte").scrollIntoView({ behavior: "smooth" });
      });
      body.appendChild(tr);
    });
  }

  /* ---- loading ---- */

  function filterQuery() {
    var params = new URLSearchParams();
    ["from", "to", "kind", "organisation", "dep"].forEach(function (name) {
      var field = $("f-" + name);
      if (field.value) { params.set(name, field.value); }
    });
    return params.toString();
  }

  /* The department of every QPV shown when they share one (a manager's territory): its
   * communes are drawn rather than the whole region's. */
  function onlyDepartment(features) {
    var deps = {};
    features.forEach(function (f) { deps[f.properties.department] = true; });
    var keys = Object.keys(deps);
    return keys.length === 1 ? keys[0] : "";
  }

  /* The departments of the caller's territory, each once: the list is rebuilt, not added to,
   * on every answer (a token given after loading used to add every department again). */
  function fillDepartments(departments) {
    var select = $("f-dep");
    var chosen = select.value;
    select.length = 1;
    (departments || []).forEach(function (d) {
      select.add(new Option(d.code + " — " + d.name, d.code));
    });
    select.value = chosen;
    if (select.value !== chosen) { select.value = ""; }
  }

  function summarise(data) {
    var s = data.summary;
    var resume = $("resume");
    resume.dataset.qpvs = String(data.features.length);
    if (!s) { resume.textContent = data.features.length + " quartiers."; return; }
    if (!$("f-from").value) { $("f-from").value = s.period.start; }
    if (!$("f-to").value) { $("f-to").value = s.period.end; }
    var byStatus = STATUS_ORDER.map(function (k) {
      return text(STATUS[k].label) + " : " + (s.by_status[k] || 0);
    }).join(" · ");
    resume.innerHTML = "Du " + text(DAY.format(new Date(s.period.start))) + " au " +
      text(DAY.format(new Date(s.period.end))) + " : <strong>" + s.qpvs +
      "</strong> quartiers, <strong>" + NUMBER.format(100 * s.reached_share) +
      " %</strong> atteints, <strong>" + s.totals.sessions + "</strong> séances tenues, " +
      NUMBER.format(s.totals.people_met) + " personnes rencontrées, <strong>" +
      s.organisations + "</strong> organisations" + planned(s.planned) + ".<br>" + byStatus +
      forums(s.forums);
    resume.dataset.sessions = String(s.totals.sessions);
  }

  function recolour() {
    if (!state.data) { return; }
    var metric = $("f-metrique").value;
    state.classes = classesFor(metric, state.data.features);
    drawLegend(metric);
    state.layer.setStyle(style);
  }

  function load() {
    if (!allowed()) { return; }
    var query = filterQuery();
    history.replaceState(null, "", "/couverture" + (query ? "?" + query : ""));
    say("Chargement des chiffres…");
    api("/api/coverage" + (query ? "?" + query : "")).then(function (data) {
      state.data = data;
      fillDepartments(data.summary && data.summary.departments);
      var metric = $("f-metrique").value;
      state.classes = classesFor(metric, data.features);
      drawMap(true);
      context.communes($("f-dep").value || onlyDepartment(data.features));
      drawVenues();
      drawLegend(metric);
      drawTable();
      summarise(data);
      say(data.features.length + " quartiers affichés.");
      document.body.dataset.charge = "oui";
    }).catch(function (error) {
      if (error.status === 401) {
        $("aide-jeton").hidden = false;
        say("Ce jeton n'est pas reconnu (expiré ou révoqué) : collez-en un autre.", true);
      } else if (error.status === 403) {
        say("Ce jeton ne donne pas accès à la couverture : réservée aux gestionnaires, à la " +
            "coordination et à l'administration.", true);
      } else {
        say("Les chiffres n'ont pas pu être chargés : " + error.message, true);
      }
    });
  }

  function fillChoices() {
    if (!allowed()) { return; }
    api("/api/organisations").then(function (orgs) {
      var select = $("f-organisation");
      select.length = 1;
      orgs.forEach(function (o) { select.add(new Option(o.name, String(o.id))); });
      restoreFromUrl(["organisation"]);
    }).catch(function () { return null; });
  }

  function restoreFromUrl(names) {
    var params = new URLSearchParams(location.search);
    names.forEach(function (name) {
      if (params.has(name)) { $("f-" + name).value = params.get(name); }
    });
  }

  function showAccess() {
    if (signedIn && !token()) {
      $("acces").hidden = true;
      return;
    }
    $("acces").hidden = false;
    var has = Boolean(token());
    $("aide-jeton").hidden = has;
    $("jeton").placeholder = has ? "jeton enregistré pour cet onglet" : "collez votre jeton ici";
    $("oublier").hidden = !has;
  }

  $("form-jeton").addEventListener("submit", function (event) {
    event.preventDefault();
    var typed = $("jeton").value.trim();
    if (!typed) { return; }
    sessionStorage.setItem(TOKEN_KEY, typed);
    $("jeton").value = "";
    showAccess();
    fillChoices();
    load();
  });
  $("oublier").addEventListener("click", function () {
    sessionStorage.removeItem(TOKEN_KEY);
    showAccess();
    say("Jeton oublié.");
  });
  $("filtres").addEventListener("submit", function (event) {
    event.preventDefault();
    load();
  });
  $("f-metrique").addEventListener("change", recolour);

  restoreFromUrl(["from", "to", "kind"]);
  /* A department in the address is asked for at once; its name comes with the answer. */
  var askedDep = new URLSearchParams(location.search).get("dep");
  if (askedDep) {
    $("f-dep").add(new Option(askedDep, askedDep));
    $("f-dep").value = askedDep;
  }
  drawTableHead();
  showAccess();
  fillChoices();
  if (allowed()) {
    load();
  } else {
    say("Connectez-vous (lien « Se connecter ») ou collez votre jeton pour afficher la carte.");
  }
})();
