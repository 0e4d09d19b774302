/* The committee's network map (admin: /admin/portfolio/portfolio/map/).
 *
 * Reads the map's JSON (portfolio.selectors.network_map, served by portfolio.admin_views) from the
 * URL in #network-map's data-source, and draws it with Cytoscape.js (vendored, portfolio/static/
 * portfolio/vendor/) at the positions the server computed (the `preset` layout: the browser lays
 * nothing out, so 2,000 use cases draw at once). A click on a use case opens its admin page.
 *
 * A file of its own, never inline: the Content Security Policy allows scripts from this origin only.
 * Text from the data is set with textContent, never as HTML.
 */
(function () {
  "use strict";

  var LARGE = 800; // above this many use cases: straight edges, no edges while panning, no labels far out

  function edgeStyles() {
    return [
      {
        selector: "edge",
        style: {
          width: "mapData(weight, 0, 2, 1, 5)",
          "line-color": "#9aa3ad",
          opacity: 0.85,
          "arrow-scale": 1.1,
        },
      },
      { selector: "edge[kind = 'shares_data']", style: { "line-color": "#1F77B4" } },
      { selector: "edge[kind = 'shares_platform']", style: { "line-color": "#9467BD" } },
      { selector: "edge[kind = 'reinforces']", style: { "line-color": "#2CA02C" } },
      {
        selector: "edge[kind = 'depends_on']",
        style: {
          "line-color": "#4D4D4D",
          "line-style": "dashed",
          "line-dash-pattern": [6, 4],
          "target-arrow-shape": "triangle",
          "target-arrow-color": "#4D4D4D",
        },
      },
      {
        selector: "edge[kind = 'conflicts_with']",
        style: {
          width: 2.5,
          "line-color": "#D62728",
          "source-arrow-shape": "tee",
          "target-arrow-shape": "tee",
          "source-arrow-color": "#D62728",
          "target-arrow-color": "#D62728",
        },
      },
      {
        selector: "edge[kind = 'foundation']",
        style: { width: 1, "line-color": "#B8B8B8", "line-style": "dotted", opacity: 0.8 },
      },
    ];
  }

  function styles(large) {
    return [
      {
        selector: "node",
        style: {
          label: "data(label)",
          "font-size": 10,
          "font-family": "Helvetica, Arial, sans-serif",
          color: "#1F2D3D",
          "text-valign": "bottom",
          "text-margin-y": 3,
          "text-background-color": "#FFFFFF",
          "text-background-opacity": 0.8,
          "text-background-padding": 1,
          "text-background-shape": "roundrectangle",
          "min-zoomed-font-size": large ? 9 : 6,
          "border-width": 1.5,
          "border-color": "#2B2B2B",
        },
      },
      { selector: "node[size]", style: { "background-color": "data(colour)", width: "data(size)", height: "data(size)" } },
      { selector: "node.proposed", style: { "border-style": "dashed", "border-width": 2 } },
      { selector: "node.pinned", style: { "border-width": 4.5, "border-style": "solid" } },
      {
        selector: "node.isolated",
        style: {
          "background-color": "#FFFFFF",
          "border-color": "#C0392B",
          "border-style": "dashed",
          "border-width": 2.5,
        },
      },
      {
        selector: "node.foundation",
        style: {
          shape: "diamond",
          width: 18,
          height: 18,
          "background-color": "#E6E6E6",
          "border-color": "#808080",
          "border-width": 1,
          color: "#555555",
          "font-size": 9,
          "font-style": "italic",
        },
      },
      {
        selector: ":parent",
        style: {
          shape: "round-rectangle",
          "background-color": "#FFF4F2",
          "background-opacity": 0.7,
          "border-color": "#C0392B",
          "border-style": "dashed",
          "border-width": 1.5,
          label: "data(label)",
          "text-valign": "top",
          "text-halign": "center",
          "text-margin-y": -6,
          "font-size": 13,
          "font-weight": "bold",
          color: "#C0392B",
          "text-background-opacity": 0,
          padding: 22,
        },
      },
    ]
      .concat(edgeStyles())
      .concat([
        { selector: ".faded", style: { opacity: 0.15 } },
        { selector: "node.focus", style: { "border-color": "#000000", "border-width": 4, "z-index": 10 } },
      ]);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function money(value) {
    return Math.round(value).toLocaleString() + " EUR";
  }

  function elements(data) {
    var portfolios = {};
    data.portfolios.forEach(function (p) {
      portfolios[p.id] = p;
    });
    var items = [];
    if (data.counts.isolated) {
      items.push({ group: "nodes", data: { id: "isolated-group", label: data.labels.isolated }, selectable: false });
    }
    data.nodes.forEach(function (n) {
      var portfolio = portfolios[n.portfolio];
      var classes = [];
      if (n.isolated) classes.push("isolated");
      if (n.pinned) classes.push("pinned");
      if (portfolio && portfolio.status === "proposed") classes.push("proposed");
      items.push({
        group: "nodes",
        data: {
          id: "u" + n.pk,
          label: n.reference,
          colour: n.colour,
          size: n.size,
          parent: n.isolated ? "isolated-group" : undefined,
          url: data.urls.use_case.replace("{pk}", n.pk),
          node: n,
          portfolio: portfolio || null,
        },
        position: { x: n.x, y: n.y },
        classes: classes.join(" "),
      });
    });
    data.foundations.forEach(function (f) {
      items.push({
        group: "nodes",
        data: {
          id: "f" + f.pk,
          label: f.name,
          colour: "#E6E6E6",
          size: 18,
          url: data.urls.foundation.replace("{pk}", f.pk),
          foundation: f,
        },
        position: { x: f.x, y: f.y },
        classes: "foundation",
      });
    });
    data.links.forEach(function (l, index) {
      items.push({
        group: "edges",
        data: {
          id: "l" + index,
          source: "u" + l.source,
          target: "u" + l.target,
          kind: l.kind,
          weight: l.weight === undefined ? 1 : l.weight,
        },
      });
    });
    data.ties.forEach(function (t, index) {
      items.push({
        group: "edges",
        data: { id: "t" + index, source: "u" + t.source, target: "f" + t.foundation, kind: "foundation", weight: t.weight },
      });
    });
    return items;
  }

  function legend(data) {
    var list = document.getElementById("legend-portfolios");
    if (!list) return;
    list.textContent = "";
    var base = window.location.pathname;
    data.portfolios.forEach(function (p) {
      if (!p.shown) return;
      var item = el("li");
      var swatch = el("span", "swatch" + (p.status === "proposed" ? " swatch-dashed" : ""));
      swatch.style.backgroundColor = p.colour;
      item.appendChild(swatch);
      var filter = el("a", "legend-filter", p.reference + " " + p.name);
      filter.href = base + "?portfolio=" + encodeURIComponent(p.reference);
      filter.title = data.labels[p.status] || p.status;
      item.appendChild(filter);
      item.appendChild(document.createTextNode(" (" + p.shown + (p.status === "proposed" ? ", " + data.labels.proposed : "") + ") "));
      var open = el("a", "legend-open", "↗");
      open.href = data.urls.portfolio.replace("{pk}", p.id);
      open.title = p.reference;
      item.appendChild(open);
      list.appendChild(item);
    });
    var counts = document.getElementById("map-counts");
    if (counts) counts.textContent = data.labels.counts;
  }

  function describe(data, target) {
    var box = document.getElementById("map-info-text");
    if (!box) return;
    box.textContent = "";
    var n = target.data("node");
    var f = target.data("foundation");
    if (f) {
      box.appendChild(el("strong", null, f.name));
      box.appendChild(el("div", null, f.users + " " + data.labels.users));
      return;
    }
    if (!n) return;
    box.appendChild(el("strong", null, n.reference));
    box.appendChild(el("div", "map-info-title", n.title));
    var p = target.data("portfolio");
    box.appendChild(
      el("div", null, p ? p.reference + " " + p.name + (p.status === "proposed" ? " (" + data.labels.proposed + ")" : "") : data.labels.no_portfolio)
    );
    if (n.isolated) box.appendChild(el("div", "map-info-isolated", data.labels.isolated));
    if (n.pinned) box.appendChild(el("div", null, data.labels.pinned));
    box.appendChild(el("div", null, n.domain || ""));
    if (n.benefit !== null) box.appendChild(el("div", null, data.labels.benefit + ": " + money(n.benefit)));
    if (n.value !== null) box.appendChild(el("div", null, data.labels.value + ": " + n.value + "/5"));
  }

  function draw(container, data) {
    var large = data.nodes.length > LARGE;
    var cy = window.cytoscape({
      container: container,
      elements: elements(data),
      layout: { name: "preset", fit: true, padding: 30 },
      // Large maps: haystack edges (the fastest Cytoscape draws), straight ones where an arrow is
      // needed; small maps: bezier, so that two links between the same use cases stay apart.
      style: styles(large).concat(
        large
          ? [
              { selector: "edge", style: { "curve-style": "haystack", "haystack-radius": 0 } },
              { selector: "edge[kind = 'depends_on'], edge[kind = 'conflicts_with']", style: { "curve-style": "straight" } },
            ]
          : [{ selector: "edge", style: { "curve-style": "bezier" } }]
      ),
      minZoom: 0.03,
      maxZoom: 4,
      boxSelectionEnabled: false,
      autoungrabify: true,
      hideEdgesOnViewport: large,
      textureOnViewport: large,
      pixelRatio: large ? 1 : "auto",
    });
    cy.on("tap", "node", function (event) {
      var url = event.target.data("url");
      if (url) window.location.assign(url);
    });
    cy.on("mouseover", "node", function (event) {
      var target = event.target;
      if (target.isParent()) return;
      describe(data, target);
      if (!large) {
        cy.elements().addClass("faded");
        target.closedNeighborhood().removeClass("faded");
        target.ancestors().removeClass("faded");
        target.addClass("focus");
      }
      container.style.cursor = target.data("url") ? "pointer" : "default";
    });
    cy.on("mouseout", "node", function (event) {
      cy.elements().removeClass("faded");
      event.target.removeClass("focus");
      container.style.cursor = "default";
    });
    container.dataset.drawn = String(data.nodes.length);
    return cy;
  }

  function start() {
    var container = document.getElementById("network-map");
    if (!container || !window.cytoscape) return;
    var status = document.getElementById("map-status");
    var started = window.performance ? performance.now() : Date.now();
    fetch(container.dataset.source, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(JSON.stringify(body.errors || body));
          return body;
        });
      })
      .then(function (data) {
        if (status) status.remove();
        legend(data);
        window.portfolioMap = draw(container, data);
        var elapsed = (window.performance ? performance.now() : Date.now()) - started;
        container.dataset.renderMs = String(Math.round(elapsed));
        document.dispatchEvent(new CustomEvent("portfolio-map-drawn", { detail: { nodes: data.nodes.length, ms: elapsed } }));
      })
      .catch(function (error) {
        if (status) {
          status.textContent = String(error && error.message ? error.message : error);
          status.className = "map-status errornote";
        }
      });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
