/* The coverage map's values (couverture.js): what a QPV's properties say, how a column shows
 * them in French, and the classes a metric colours the map by (statuses, days since the last
 * session, or quartiles of the positive values, zero apart).
 *
 * window.couvertureValeurs = { NUMBER, DAY, MOMENT, STATUS, STATUS_ORDER, METRICS, COLUMNS,
 *   text(value), value(properties, key), shown(properties, column), classesFor(metric,
 *   features), classOf(classes, metric, properties), shareList(title, id, shares, none),
 *   forums(funnel), planned(planned) } (the last three: HTML of the panel and the summary).
 */
(function () {
  "use strict";
  var NUMBER = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });
  var DAY = new Intl.DateTimeFormat("fr-FR", { dateStyle: "medium" });
  var MOMENT = new Intl.DateTimeFormat("fr-FR", {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
    timeZone: "Europe/Paris"
  });

  var STATUS = {
    reached: { label: "atteint", color: "#1a9850" },
    planned: { label: "prévu", color: "#4575b4" },
    lapsed: { label: "plus visité depuis longtemps", color: "#fdae61" },
    not_reached: { label: "non atteint", color: "#d73027" }
  };
  var STATUS_ORDER = ["reached", "planned", "lapsed", "not_reached"];
  var MORE_IS_BETTER = ["#c7e9b4", "#7fcdbb", "#41b6c4", "#225ea8"];
  var ZERO_COLOR = "#f4a6a6";
  var NEVER_COLOR = "#7f0000";
  var DAYS_BREAKS = [[0, 7, "#1a9850"], [8, 30, "#a6d96a"], [31, 90, "#fdae61"],
                     [91, null, "#d73027"]];

  var METRICS = {
    status: { label: "Statut" },
    sessions: { label: "Séances tenues", unit: "séance(s)" },
    planned_sessions: { label: "Séances prévues", unit: "séance(s)" },
    days_since_last: { label: "Jours depuis la dernière séance", unit: "jour(s)" },
    people_met: { label: "Personnes rencontrées", unit: "personne(s)" }
  };

  var COLUMNS = [
    { key: "name", label: "Quartier", type: "text" },
    { key: "status", label: "Statut", type: "status" },
    { key: "sessions", label: "Séances", type: "number" },
    { key: "planned_sessions", label: "Séances prévues", type: "number" },
    { key: "planned_drafts", label: "dont brouillons", type: "number" },
    { key: "session_hours", label: "Heures de séance", type: "number" },
    { key: "staff_hours", label: "Heures de personnel", type: "number" },
    { key: "organisations", label: "Organisations", type: "count" },
    { key: "last_session", label: "Dernière séance", type: "date" },
    { key: "days_since_last", label: "Jours depuis", type: "number" },
    { key: "next_session", label: "Prochaine séance", type: "date" },
    { key: "people_met", label: "Personnes rencontrées", type: "number" },
    { key: "new_contacts", label: "Nouveaux contacts", type: "number" },
    { key: "job_offers", label: "Offres remises", type: "number" },
    { key: "immersions", label: "Immersions", type: "number" }
  ];

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value === null || value === undefined ? "" : String(value);
    return span.innerHTML;
  }

  /* ---- values of a QPV's properties ---- */

  function first(p, names) {
    for (var i = 0; i < names.length; i++) {
      if (p[names[i]] !== undefined) { return p[names[i]]; }
    }
    return null;
  }

  function value(p, key) {
    if (key === "last_session") { return first(p, ["last_session", "last_session_date"]); }
    if (key === "first_session") { return first(p, ["first_session", "first_session_date"]); }
    if (key === "next_session") {
      var next = first(p, ["next_session", "next_session_start"]);
      return next && typeof next === "object" ? next.start || next.date || null : next;
    }
    if (key === "organisations") {
      var orgs = first(p, ["organisations", "organisation_count"]);
      return Array.isArray(orgs) ? orgs.length : orgs;
    }
    var v = p[key];
    return v === undefined ? null : v;
  }

  function shown(p, column) {
    var v = value(p, column.key);
    if (v === null || v === "") { return "—"; }
    if (column.type === "status") { return p.status_label || (STATUS[v] || { label: v }).label; }
    if (column.type === "date") {
      var d = new Date(v);
      return isNaN(d) ? String(v) : (String(v).length > 10 ? MOMENT : DAY).format(d);
    }
    if (column.type === "number" || column.type === "count") { return NUMBER.format(v); }
    return String(v);
  }

  /* ---- class breaks ---- */

  function quantileClasses(values) {
    var positive = values.filter(function (v) { return v > 0; }).sort(function (a, b) {
      return a - b;
    });
    var classes = [];
    if (values.some(function (v) { return v === 0; })) {
      classes.push({ min: 0, max: 0, color: ZERO_COLOR });
    }
    if (!positive.length) { return classes; }
    var bounds = [];
    for (var q = 1; q <= 4; q++) {
      var at = positive[Math.min(positive.length - 1, Math.ceil(q * positive.length / 4) - 1)];
      if (!bounds.length || at > bounds[bounds.length - 1]) { bounds.push(at); }
    }
    var low = positive[0];
    var palette = MORE_IS_BETTER.slice(MORE_IS_BETTER.length - bounds.length);
    bounds.forEach(function (high, i) {
      classes.push({ min: low, max: high, color: palette[i] });
      low = Math.floor(high) + 1;
    });
    return classes;
  }

  function classesFor(metric, features) {
    var props = features.map(function (f) { return f.properties; });
    var classes;
    if (metric === "status") {
      classes = STATUS_ORDER.map(function (s) {
        return { value: s, label: STATUS[s].label, color: STATUS[s].color };
      });
    } else if (metric === "days_since_last") {
      classes = DAYS_BREAKS.map(function (b) { return { min: b[0], max: b[1], color: b[2] }; });
      classes.push({ value: null, label: "jamais visité", color: NEVER_COLOR });
    } else {
      classes = quantileClasses(props.map(function (p) { return value(p, metric) || 0; }));
    }
    classes.forEach(function (c) {
      if (!c.label) {
        c.label = c.max === null ? "≥ " + NUMBER.format(c.min)
          : c.min === c.max ? NUMBER.format(c.min)
          : NUMBER.format(c.min) + " à " + NUMBER.format(c.max);
      }
      c.count = 0;
    });
    props.forEach(function (p) {
      var c = classOf(classes, metric, p);
      if (c) { c.count += 1; }
    });
    return classes;
  }

  function classOf(classes, metric, p) {
    var v = metric === "status" ? p.status : value(p, metric);
    if (metric !== "status" && metric !== "days_since_last" && v === null) { v = 0; }
    for (var i = 0; i < classes.length; i++) {
      var c = classes[i];
      if ("value" in c) {
        if (c.value === v) { return c; }
      } else if (v !== null && v >= c.min && (c.max === null || v <= c.max)) {
        return c;
      }
    }
    return null;
  }

  /* ---- texts of the panel and the summary ---- */

  function shareList(title, id, shares, none) {
    shares = shares || [];
    if (!shares.length) {
      return "<h4>" + title + '</h4><p id="' + id + '">' + none + "</p>";
    }
    return "<h4>" + title + '</h4><ul id="' + id + '">' + shares.map(function (o) {
      return '<li data-organisation="' + o.id + '" data-seances="' + o.sessions + '">' +
        text(o.name) + " — " + o.sessions + " séance" + (o.sessions > 1 ? "s" : "") + "</li>";
    }).join("") + "</ul>";
  }

  function forums(f) {
    if (!f || !f.forums) { return ""; }
    return "<br>Forums employeurs (" + f.forums + ") : <strong>" + f.registered +
      "</strong> inscrits → <strong>" + f.attended + "</strong> présents → <strong>" +
      f.immersions + "</strong> immersions → <strong>" + f.hires + "</strong> embauches" +
      (f.emplois_francs ? " (dont " + f.emplois_francs + " en emploi franc)" : "") + ".";
  }

  function planned(p) {
    if (!p || !p.sessions) { return ""; }
    return " ; <strong>" + p.sessions + "</strong> séance" + (p.sessions > 1 ? "s" : "") +
      " prévue" + (p.sessions > 1 ? "s" : "") +
      (p.drafts ? " (dont " + p.drafts + " en brouillon)" : "");
  }

  window.couvertureValeurs = {
    NUMBER: NUMBER, DAY: DAY, MOMENT: MOMENT, STATUS: STATUS, STATUS_ORDER: STATUS_ORDER,
    METRICS: METRICS, COLUMNS: COLUMNS, text: text, value: value, shown: shown,
    classesFor: classesFor, classOf: classOf, shareList: shareList, forums: forums,
    planned: planned
  };
})();
