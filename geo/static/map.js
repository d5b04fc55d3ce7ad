/* geo's map: draws one map's layers, names, clusters and boxes from the page's data (geo.render).
   Inlined into every map by geo._mapkit. Nothing from the data is ever parsed as HTML: tooltips,
   popups and names are built with textContent, and layer names are escaped for the layer switcher
   (which writes them as HTML). */
window.geoMap = function (map, bases, tianditu, data) {
  'use strict';
  var words = data.words;
  var narrow = window.innerWidth < 600;
  if (!map.options.maxZoom) { map.options.maxZoom = 19; }  // clustering needs one; no basemap sets it offline
  var renderer = data.canvas ? L.canvas({padding: 0.5}) : L.svg({padding: 0.5});

  // ------------------------------------------------------------------ geometry: integer micro-degree steps
  function decode(geom) {
    var xy = geom.xy, n = xy.length / 2, points = new Array(n), x = 0, y = 0, i, j, k;
    for (i = 0; i < n; i++) {
      x += xy[2 * i];
      y += xy[2 * i + 1];
      points[i] = [y / 1e6, x / 1e6];
    }
    var level = points;  // then cut into rings, polygons, multi-polygons (or lines, multi-lines)
    for (k = 0; k < geom.parts.length; k++) {
      var offsets = geom.parts[k], next = new Array(offsets.length - 1);
      for (j = 0; j + 1 < offsets.length; j++) { next[j] = level.slice(offsets[j], offsets[j + 1]); }
      level = next;
    }
    return level;
  }

  // ------------------------------------------------------------------ text, never HTML
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function add(parent, tag, text, cls) { var e = el(tag, text, cls); parent.appendChild(e); return e; }
  function br(parent) { parent.appendChild(document.createElement('br')); }
  function escapeHtml(text) {
    var span = document.createElement('span');  // the browser's own escaping
    span.textContent = String(text);
    return span.innerHTML;
  }
  function has(value) { return value !== undefined && value !== null && value !== ''; }

  var TIPS = {
    community: function (p) {
      var box = el('div');
      add(box, 'b', p.name); br(box);
      add(box, 'span', [p.tier_word, p.street].filter(has).join(words['p.space'])); br(box);
      add(box, 'span', words.leaders + words['p.colon'] + p.leaders);
      return box;
    },
    coverage: function (p) {
      var box = el('div');
      add(box, 'b', p.road);
      add(box, 'span', p.kind === 'road' ? words.whole_road : words['p.colon'] + p.ends); br(box);
      add(box, 'span', Number(p.metres).toLocaleString('en') + ' ' + words.metres); br(box);
      add(box, 'span', p.level_word + words['p.colon'] + p.who);
      return box;
    },
    road: function (p) { return el('span', p.name || words.unnamed_road); },
    issue: function (p) {
      var box = el('div');
      add(box, 'b', p.id);
      if (has(p.category)) { add(box, 'span', ' ' + p.category); }
      br(box);
      var line = [p.source_word, p.state_word];
      if (has(p.due)) { line.push(words.due + ' ' + p.due); }
      add(box, 'span', line.filter(has).join(words['p.comma']));
      if (p.status === 'overdue') { add(box, 'b', words['p.open'] + words['stats.overdue'] + words['p.close']); }
      if (has(p.note)) { br(box); add(box, 'span', p.note); }
      br(box);
      add(box, 'span', words.leaders + words['p.colon'] + p.who);
      return box;
    },
    gap: function (p) {
      var box = el('div');
      add(box, 'b', p.label); br(box);
      add(box, 'span', p.description);
      if (has(p.suggested_owner)) { br(box); add(box, 'span', words.suggested + words['p.colon'] + p.suggested_owner); }
      return box;
    }
  };
  var POPUPS = {
    community: function (p) {
      var box = el('div');
      add(box, 'b', p.name);
      add(box, 'span', words['p.open'] + p.id + words['p.close']); br(box);
      add(box, 'span', p.tier_word); br(box);
      add(box, 'span', words.leaders + words['p.colon'] + p.leaders); br(box);
      add(box, 'span', words.status_items + words['p.colon']);
      var list = add(box, 'ul');
      (p.status || []).forEach(function (s) {  // [item, state, progress, due, overdue]
        var text = s[0] + words['p.colon'] + s[1];
        if (has(s[2])) { text += words['p.comma'] + s[2] + '%'; }
        if (has(s[3])) { text += words['p.comma'] + words.due + ' ' + s[3]; }
        if (s[4]) { text += words['p.open'] + words['stats.overdue'] + words['p.close']; }
        add(list, 'li', text);
      });
      if (!(p.status || []).length) { add(list, 'li', words.no_status); }
      return box;
    }
  };

  // ------------------------------------------------------------------ layers
  var STATUS_RANK = {overdue: 3, open: 2, resolved: 1};
  function clusterIcon(spec) {
    return function (cluster) {
      var box = el('div', null, 'geo-cluster');
      if (spec.by === 'status') {  // issues: the cluster shows the worst state it holds
        var worst = 'resolved', rank = 0;
        cluster.getAllChildMarkers().forEach(function (m) {
          var s = m.feature.properties.status;
          if ((STATUS_RANK[s] || 0) > rank) { rank = STATUS_RANK[s]; worst = s; }
        });
        box.className += ' geo-cluster-' + worst;
      } else {  // other points (a gap kind): the layer's own colour
        box.style.background = spec.style.fillColor || spec.style.color || '#555';
      }
      add(box, 'span', cluster.getChildCount());
      return L.divIcon({html: box, className: 'geo-cluster-icon', iconSize: L.point(36, 36)});
    };
  }

  function styleOf(spec, p) {
    return spec.by ? (spec.style[p[spec.by]] || {}) : spec.style;
  }

  var overlays = [], searchable = [];
  data.layers.forEach(function (spec) {
    var shapes = decode(spec.geom), keys = Object.keys(spec.props), layers = new Array(shapes.length);
    keys.forEach(function (key) {  // a column of repeated words comes as {k: distinct values, i: codes}
      var column = spec.props[key];
      if (column && !Array.isArray(column)) {
        spec.props[key] = column.i ? column.i.map(function (code) { return column.k[code]; })
          : new Array(column.n).fill(column.k[0]);  // one value for every feature
      }
    });
    var group = spec.cluster
      ? L.markerClusterGroup({chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 45,
                              disableClusteringAtZoom: 17, spiderfyOnMaxZoom: false, iconCreateFunction: clusterIcon(spec)})
      : L.featureGroup();
    for (var i = 0; i < shapes.length; i++) {
      var p = {};
      for (var k = 0; k < keys.length; k++) { p[keys[k]] = spec.props[keys[k]][i]; }
      if (spec.search.length) {
        p.search = spec.search.map(function (key) { return p[key]; }).filter(has).join(' ');
      }
      var style = styleOf(spec, p);
      var options = L.extend({}, style, {renderer: renderer, interactive: spec.interactive});
      var layer = spec.dim === 0 ? L.circleMarker(shapes[i], options)
        : spec.dim === 1 ? L.polyline(shapes[i], options) : L.polygon(shapes[i], options);
      layer.feature = {properties: p};
      layer.geoStyle = style;
      layers[i] = layer;
    }
    if (spec.cluster) { group.addLayers(layers); } else { layers.forEach(function (l) { group.addLayer(l); }); }
    if (spec.tip && TIPS[spec.tip]) {
      group.bindTooltip(function (layer) { return TIPS[spec.tip](layer.feature.properties); }, {sticky: true});
    }
    var popup = spec.popup && (POPUPS[spec.popup] || TIPS[spec.popup]);
    if (popup) {
      group.bindPopup(function (layer) { return popup(layer.feature.properties); }, {maxWidth: 360});
    }
    if (spec.highlight) {
      group.on('mouseover', function (e) { if (e.layer.setStyle) { e.layer.setStyle(spec.highlight); } });
      group.on('mouseout', function (e) { if (e.layer.setStyle) { e.layer.setStyle(e.layer.geoStyle); } });
    }
    if (spec.show) { group.addTo(map); }
    overlays.push([spec.name, group]);
    if (spec.search.length) { searchable.push(group); }
  });

  // ------------------------------------------------------------------ names on the map, placed so they do not collide
  map.createPane('geo-names').style.zIndex = 450;
  map.getPane('geo-names').style.pointerEvents = 'none';
  var roadNames = L.layerGroup().addTo(map), areaNames = L.layerGroup().addTo(map);
  var measure = document.createElement('canvas').getContext('2d');
  function widthOf(text, px) {
    measure.font = 'bold ' + px + 'px "Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif';
    return measure.measureText(text).width;
  }
  function nameMarker(latlng, text, cls, angle) {
    var span = el('span', text, 'geo-name ' + cls);
    span.style.transform = 'translate(-50%,-50%) rotate(' + (angle || 0) + 'rad)';
    return L.marker(latlng, {icon: L.divIcon({html: span, className: 'geo-name-icon', iconSize: null}),
                             interactive: false, keyboard: false, pane: 'geo-names'});
  }
  var labels = data.labels, MAX_NAMES = 400;
  // always-named ones first (demonstration, key; a leader's own), then the largest
  var areas = labels.areas.slice().sort(function (a, b) { return (b[4] - a[4]) || (b[3] - a[3]); });

  function place() {
    roadNames.clearLayers();
    areaNames.clearLayers();
    var size = map.getSize(), placed = [], count = 0;
    var metres = 40075016.686 * Math.cos(map.getCenter().lat * Math.PI / 180) / Math.pow(2, map.getZoom() + 8);
    function inView(p) { return p.x > -40 && p.y > -40 && p.x < size.x + 40 && p.y < size.y + 40; }
    function free(box) {
      for (var i = 0; i < placed.length; i++) {
        var b = placed[i];
        if (box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1]) { return false; }
      }
      return true;
    }
    function box(c, w, h) { return [c.x - w / 2 - 3, c.y - h / 2 - 2, c.x + w / 2 + 3, c.y + h / 2 + 2]; }

    if (map.hasLayer(roadNames)) {
      labels.stretches.forEach(function (s) {  // a leader's own stretches: always named
        var c = map.latLngToContainerPoint([s[2], s[1]]);
        placed.push(box(c, widthOf(s[0], 12), 18));
        roadNames.addLayer(nameMarker([s[2], s[1]], s[0], 'geo-name-stretch', 0));
      });
      var seen = {};
      labels.roads.forEach(function (r) {  // [name, rank, piece m, x0, y0, x, y, x1, y1, always]
        if (count >= MAX_NAMES && !r[9]) { return; }
        var c = map.latLngToContainerPoint([r[6], r[5]]);
        if (!inView(c)) { return; }
        var w = widthOf(r[0], 12);
        if (!r[9] && r[2] / metres < w * 1.2) { return; }  // the piece is shorter than its name at this zoom
        var near = (seen[r[0]] || []).some(function (q) { return Math.abs(q.x - c.x) + Math.abs(q.y - c.y) < 300; });
        if (near) { return; }
        var a = map.latLngToContainerPoint([r[4], r[3]]), b = map.latLngToContainerPoint([r[8], r[7]]);
        var angle = Math.atan2(b.y - a.y, b.x - a.x);
        if (angle > Math.PI / 2) { angle -= Math.PI; } else if (angle < -Math.PI / 2) { angle += Math.PI; }
        var cos = Math.abs(Math.cos(angle)), sin = Math.abs(Math.sin(angle));
        var bb = box(c, w * cos + 14 * sin, w * sin + 14 * cos);
        if (!free(bb) && !r[9]) { return; }
        placed.push(bb);
        (seen[r[0]] = seen[r[0]] || []).push(c);
        count++;
        roadNames.addLayer(nameMarker([r[6], r[5]], r[0], 'geo-name-road', angle));
      });
    }
    if (map.hasLayer(areaNames)) {
      areas.forEach(function (a) {  // [name, x, y, area m², always]
        var c = map.latLngToContainerPoint([a[2], a[1]]);
        if (!inView(c)) { return; }
        var w = widthOf(a[0], 13);
        if (!a[4] && a[3] / (metres * metres) < w * 18 * 2) { return; }  // the area is too small to hold its name
        var bb = box(c, w, 16);
        if (!free(bb) || (!a[4] && count >= MAX_NAMES)) { return; }  // first come the ones always named
        placed.push(bb);
        count++;
        areaNames.addLayer(nameMarker([a[2], a[1]], a[0], a[4] ? 'geo-name-area geo-name-top' : 'geo-name-area', 0));
      });
    }
  }
  var pending = false;
  function schedule() {
    if (pending) { return; }
    pending = true;
    L.Util.requestAnimFrame(function () { pending = false; place(); });
  }
  map.on('zoomend moveend overlayadd overlayremove resize', schedule);
  overlays.push([words['layer.road_names'], roadNames], [words['layer.community_names'], areaNames]);

  // ------------------------------------------------------------------ boxes: folded on a phone, kept off the map's gestures
  function fold(box, folded) {
    box.classList.toggle('geo-folded', folded);
    var button = box.querySelector('.geo-fold');
    if (button) {
      button.setAttribute('aria-expanded', folded ? 'false' : 'true');
      button.title = folded ? words.unfold : words.fold;
      button.setAttribute('aria-label', button.title);
    }
  }
  Array.prototype.forEach.call(document.querySelectorAll('.geo-box'), function (box) {
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    var button = box.querySelector('.geo-fold');
    if (button) {
      button.addEventListener('click', function () {
        fold(box, !box.classList.contains('geo-folded'));
      });
      fold(box, narrow && box.classList.contains('geo-foldable-phone'));
    }
  });

  // ------------------------------------------------------------------ controls
  var baseLayers = {};
  Object.keys(bases).forEach(function (name) {
    if (window[bases[name]]) { baseLayers[escapeHtml(name)] = window[bases[name]]; }
  });
  geoControls(map, searchable, tianditu, {search: words.search, no_match: words.no_match,
    fullscreen: words.fullscreen, tianditu_key: words.tianditu_key, attributions: data.attributions});
  var named = {};
  overlays.forEach(function (o) { named[escapeHtml(o[0])] = o[1]; });
  L.control.layers(Object.keys(baseLayers).length > 1 ? baseLayers : {}, named, {collapsed: narrow}).addTo(map);

  // ------------------------------------------------------------------ the view: the map's features, clear of the boxes
  function fit() {
    var target = data.focus || data.bounds;
    if (!target) { return; }
    var size = map.getSize(), topLeft = [12, 12], bottomRight = [12, 12];
    var title = document.querySelector('.geo-title'), panel = document.querySelector('.geo-panel');
    if (title) { topLeft[1] = Math.max(topLeft[1], title.getBoundingClientRect().bottom + 8); }
    if (panel && data.focus) {
      var r = panel.getBoundingClientRect();
      if (narrow) { bottomRight[1] = Math.max(bottomRight[1], size.y - r.top + 8); }
      else { topLeft[0] = Math.max(topLeft[0], r.right + 8); }
    }
    // never pad away more than all but 160 pixels of the map
    topLeft[0] = Math.min(topLeft[0], Math.max(12, size.x - 160 - bottomRight[0]));
    topLeft[1] = Math.min(topLeft[1], Math.max(12, size.y - 160 - bottomRight[1]));
    bottomRight[1] = Math.min(bottomRight[1], Math.max(12, size.y - 160 - topLeft[1]));
    map.fitBounds([[target[1], target[0]], [target[3], target[2]]],
                  {paddingTopLeft: topLeft, paddingBottomRight: bottomRight, maxZoom: 17, animate: false});
  }
  fit();
  schedule();
  // for tests and for a person at the console: the map, and when it was drawn (ms after the page began)
  window.geo = {map: map, place: place, fit: fit, drawnAt: window.performance ? performance.now() : null};
};
