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
  var IMAGE = /^data:image\/(jpeg|png|webp);base64,[A-Za-z0-9+/]*={0,2}$/, photos = data.photos || {};
  var POPUPS = {
    issue: function (p) {  // the tooltip's facts, and the issue's photo (pinned with it, or sent when resolved)
      var box = TIPS.issue(p), url = has(p.photo) ? photos[p.photo] : null;
      if (url && IMAGE.test(url)) {
        br(box);
        var img = add(box, 'img', null, 'geo-photo');
        img.alt = words.photo;
        img.src = url;  // a data: URL of a JPEG, PNG or WebP image, checked above
      }
      return box;
    },
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
  var STATUS_RANK = {overdue: 4, open: 3, reported: 2, resolved: 1};
  // markers thin out at a district's zoom (few large clusters leave room for names), less as one zooms in
  function clusterRadius(zoom) { return zoom <= 12 ? 80 : zoom <= 14 ? 60 : 45; }
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

  var overlays = [], searchable = [], clustered = [], entries = {};
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
      ? L.markerClusterGroup({chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: clusterRadius,
                              disableClusteringAtZoom: 17, spiderfyOnMaxZoom: false, iconCreateFunction: clusterIcon(spec),
                              chunkProgress: function (done, total) { if (done >= total) { schedule(); } }})
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
    if (spec.cluster) {
      group.addLayers(layers);
      clustered.push(group);
      group.on('animationend', function () { schedule(); });  // clusters split or merged: names make way again
    } else { layers.forEach(function (l) { group.addLayer(l); }); }
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
    if (spec.entry) {  // several layers behind one switch (the overview's gaps): one group holds them
      var joint = entries[spec.entry];
      if (!joint) {
        joint = entries[spec.entry] = L.layerGroup();
        overlays.push([spec.entry, joint, spec.group]);
        if (spec.show) { joint.addTo(map); }
      }
      joint.addLayer(group);
      group.geoEntry = joint;  // what a search hit switches on
    } else {
      if (spec.show) { group.addTo(map); }
      overlays.push([spec.name, group, spec.group]);
    }
    if (spec.search.length) { searchable.push(group); }
  });

  // ------------------------------------------------------------------ names on the map, placed so they do not collide
  // Every view is labelled afresh (after each move and zoom), in order of priority: a leader's own stretches
  // (beside their lines), the roads a leader's map always names, demonstration and key communities, then
  // roads by length and communities by area while there is room. A name is never placed over another name
  // nor over an issue marker or cluster, and never outside the view; what does not fit is left out.
  map.createPane('geo-names').style.zIndex = 450;
  map.getPane('geo-names').style.pointerEvents = 'none';
  var roadNames = L.layerGroup().addTo(map), areaNames = L.layerGroup().addTo(map);
  var measure = document.createElement('canvas').getContext('2d'), widths = {};
  function widthOf(text, px) {
    var key = px + ' ' + text;
    if (!(key in widths)) {
      measure.font = 'bold ' + px + 'px "Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif';
      widths[key] = measure.measureText(text).width;
    }
    return widths[key];
  }
  function nameMarker(latlng, text, cls, angle) {
    var span = el('span', text, 'geo-name ' + cls);
    span.style.transform = 'translate(-50%,-50%) rotate(' + (angle || 0) + 'rad)';
    return L.marker(latlng, {icon: L.divIcon({html: span, className: 'geo-name-icon', iconSize: null}),
                             interactive: false, keyboard: false, pane: 'geo-names'});
  }
  function linesOf(shape) { return shape.length && typeof shape[0][0] === 'number' ? [shape] : shape; }
  function withBounds(parts) {
    var all = [];
    parts.forEach(function (part) { all = all.concat(part); });
    return all.length ? L.latLngBounds(all) : null;
  }
  var labels = data.labels, MAX_NAMES = 400, ROAD_PX = 12, AREA_PX = 13, STRETCH_PX = 12, STREET_ZOOM = 16;
  // roads: the lines each name is placed along, the always-named first, then the longest
  var roadLines = decode(labels.roads.geom).map(function (shape, i) {
    var parts = linesOf(shape);
    return {name: labels.roads.names[i], rank: labels.roads.rank[i], always: labels.roads.always[i],
            parts: parts, bounds: withBounds(parts), zoom: null, world: null};
  }).filter(function (r) { return r.bounds; });
  var stretchLines = decode(labels.stretches.geom).map(function (shape, i) {
    var parts = linesOf(shape);
    return {text: labels.stretches.texts[i], parts: parts, bounds: withBounds(parts), zoom: null, world: null};
  }).filter(function (r) { return r.bounds; });
  // communities: demonstration and key (and a leader's own) first, then the largest
  var areas = labels.areas.slice().sort(function (a, b) { return (b[4] - a[4]) || (b[3] - a[3]); });

  // a line in world pixels at the map's zoom (kept while the zoom stays), with the length along it
  function projected(line, zoom) {
    if (line.zoom !== zoom) {
      line.zoom = zoom;
      line.world = line.parts.map(function (part) {
        var pts = part.map(function (ll) { return map.project(ll, zoom); }), along = [0];
        for (var i = 1; i < pts.length; i++) { along.push(along[i - 1] + pts[i].distanceTo(pts[i - 1])); }
        return {pts: pts, along: along, length: along[along.length - 1]};
      });
    }
    return line.world;
  }
  function pointAt(part, s) {  // the point `s` pixels along a part, and the segment it lies on
    var lo = 0, hi = part.along.length - 1;
    while (hi - lo > 1) { var mid = (lo + hi) >> 1; if (part.along[mid] <= s) { lo = mid; } else { hi = mid; } }
    var a = part.pts[lo], b = part.pts[hi], len = part.along[hi] - part.along[lo];
    var t = len > 0 ? Math.min(1, Math.max(0, (s - part.along[lo]) / len)) : 0;
    return {x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t, i: lo};
  }

  // boxes that may be turned: centre, half width, half height, angle; overlap by separating axes
  function makeBox(cx, cy, hw, hh, angle) {
    var c = Math.cos(angle || 0), s = Math.sin(angle || 0);
    var ex = Math.abs(c) * hw + Math.abs(s) * hh, ey = Math.abs(s) * hw + Math.abs(c) * hh;
    return {cx: cx, cy: cy, hw: hw, hh: hh, ux: [c, s], uy: [-s, c], x0: cx - ex, y0: cy - ey, x1: cx + ex, y1: cy + ey};
  }
  function separated(p, q, u) {
    var d = Math.abs((q.cx - p.cx) * u[0] + (q.cy - p.cy) * u[1]);
    var rp = p.hw * Math.abs(p.ux[0] * u[0] + p.ux[1] * u[1]) + p.hh * Math.abs(p.uy[0] * u[0] + p.uy[1] * u[1]);
    var rq = q.hw * Math.abs(q.ux[0] * u[0] + q.ux[1] * u[1]) + q.hh * Math.abs(q.uy[0] * u[0] + q.uy[1] * u[1]);
    return d >= rp + rq;
  }
  function meet(p, q) {
    if (p.x1 <= q.x0 || q.x1 <= p.x0 || p.y1 <= q.y0 || q.y1 <= p.y0) { return false; }
    return !(separated(p, q, p.ux) || separated(p, q, p.uy) || separated(p, q, q.ux) || separated(p, q, q.uy));
  }
  function segmentBox(a, b, half) {  // a stretch of line as a thin box
    var dx = b.x - a.x, dy = b.y - a.y, len = Math.sqrt(dx * dx + dy * dy);
    return makeBox((a.x + b.x) / 2, (a.y + b.y) / 2, len / 2 + half, half, Math.atan2(dy, dx));
  }
  var CELL = 64;
  function Placed() { this.cells = {}; }
  Placed.prototype.each = function (box, fn) {
    for (var gx = Math.floor(box.x0 / CELL); gx <= Math.floor(box.x1 / CELL); gx++) {
      for (var gy = Math.floor(box.y0 / CELL); gy <= Math.floor(box.y1 / CELL); gy++) {
        if (fn(gx + ',' + gy) === false) { return false; }
      }
    }
    return true;
  };
  Placed.prototype.free = function (box) {
    var cells = this.cells;
    return this.each(box, function (key) {
      var list = cells[key];
      if (!list) { return true; }
      for (var i = 0; i < list.length; i++) { if (meet(box, list[i])) { return false; } }
      return true;
    });
  };
  Placed.prototype.add = function (box) {
    var cells = this.cells;
    this.each(box, function (key) { (cells[key] = cells[key] || []).push(box); });
  };

  function markerBoxes() {  // the issue markers and clusters in view: names make way for them
    var boxes = [];
    clustered.forEach(function (group) {
      if (!map.hasLayer(group) || !group._featureGroup) { return; }
      group._featureGroup.eachLayer(function (m) {
        var c = map.latLngToContainerPoint(m.getLatLng());
        var r = m instanceof L.MarkerCluster ? 19 : (m.getRadius ? m.getRadius() + (m.options.weight || 0) : 8);
        boxes.push(makeBox(c.x, c.y, r, r, 0));
      });
    });
    return boxes;
  }

  function place() {
    roadNames.clearLayers();
    areaNames.clearLayers();
    var size = map.getSize(), zoom = map.getZoom(), count = 0, placed = new Placed();
    var origin = map.containerPointToLayerPoint([0, 0]).add(map.getPixelOrigin());  // world pixel of the view's corner
    var view = map.getBounds().pad(0.05);
    var metres = 40075016.686 * Math.cos(map.getCenter().lat * Math.PI / 180) / Math.pow(2, zoom + 8);
    function inside(box) { return box.x0 >= 1 && box.y0 >= 1 && box.x1 <= size.x - 1 && box.y1 <= size.y - 1; }
    function toView(p) { return {x: p.x - origin.x, y: p.y - origin.y}; }
    markerBoxes().forEach(function (b) { placed.add(b); });
    covers().forEach(function (c) {  // nor under the title, the panel, the legend or a control
      placed.add(makeBox((c[0] + c[2]) / 2, (c[1] + c[3]) / 2, (c[2] - c[0]) / 2 - 4, (c[3] - c[1]) / 2 - 4, 0));
    });
    var showRoads = map.hasLayer(roadNames), showAreas = map.hasLayer(areaNames);

    // a leader's own stretches: named beside the line, clear of it, on whichever side is free
    if (showRoads) {
      stretchLines.forEach(function (line) {
        if (!view.intersects(line.bounds)) { return; }
        var parts = projected(line, zoom), w = widthOf(line.text, STRETCH_PX) + 12, h = 20, fallback = null;
        var part = parts.reduce(function (a, b) { return b.length > a.length ? b : a; });
        var segments = [];
        parts.forEach(function (q) {
          for (var i = 1; i < q.pts.length; i++) { segments.push(segmentBox(toView(q.pts[i - 1]), toView(q.pts[i]), 4)); }
        });
        var clear = function (box) {
          return segments.every(function (s) { return !meet(box, s); });
        };
        var ats = [0.5, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9], done = false;
        for (var k = 0; k < ats.length && !done; k++) {
          var s = part.length * ats[k], a = pointAt(part, Math.max(0, s - 20)), b = pointAt(part, Math.min(part.length, s + 20));
          var m = toView(pointAt(part, s)), dx = b.x - a.x, dy = b.y - a.y, len = Math.sqrt(dx * dx + dy * dy) || 1;
          var nx = -dy / len, ny = dx / len, d = Math.abs(nx) * w / 2 + Math.abs(ny) * h / 2 + 6;
          for (var side = -1; side <= 1; side += 2) {
            var box = makeBox(m.x + side * nx * d, m.y + side * ny * d, w / 2, h / 2, 0);
            if (!clear(box)) { continue; }
            if (!fallback) { fallback = box; }
            if (inside(box) && placed.free(box)) { done = true; fallback = box; break; }
          }
        }
        if (fallback) {
          placed.add(fallback);
          roadNames.addLayer(nameMarker(map.containerPointToLatLng([fallback.cx, fallback.cy]), line.text,
                                        'geo-name-stretch', 0));
        }
      });
    }

    // a road's name along it, as a straight label where the line is straight enough, repeated every `spacing`
    // pixels at fixed places along the line (so a name stays put while the map pans)
    // first every road in view gets one name (longest first), then long roads get their repeats
    function nameRoad(line, repeat) {
      var w = widthOf(line.name, ROAD_PX) + 8, hh = 8, spacing = Math.max(320, 3 * w), mine = line.mine;
      // a road shorter than its name is named only at street level (over its ends), or on a leader's map
      var short = line.rank / metres < w;
      if (short && !line.always && zoom < STREET_ZOOM) { return; }
      var parts = projected(line, zoom);
      function attempt(part, s, tolerance, loose) {
        if (s < w / 2 || s > part.length - w / 2) {
          if (!loose) { return false; }
          s = Math.min(Math.max(s, 0), part.length);
        }
        var a = pointAt(part, s - w / 2), b = pointAt(part, s + w / 2);
        var dx = b.x - a.x, dy = b.y - a.y, chord = Math.sqrt(dx * dx + dy * dy);
        if (!loose) {
          if (chord < 0.9 * w) { return false; }  // the line bends too much under the name
          for (var i = a.i + 1; i <= b.i; i++) {
            var p = part.pts[i];
            if (Math.abs((p.x - a.x) * dy - (p.y - a.y) * dx) / chord > tolerance) { return false; }
          }
        } else if (chord < 1) {
          var q = part.pts[Math.min(a.i + 1, part.pts.length - 1)], r = part.pts[a.i];
          dx = q.x - r.x; dy = q.y - r.y;
        }
        var angle = Math.atan2(dy, dx);  // never upside down: read from left to right
        if (angle > Math.PI / 2) { angle -= Math.PI; } else if (angle <= -Math.PI / 2) { angle += Math.PI; }
        var c = toView(loose ? pointAt(part, s) : {x: (a.x + b.x) / 2, y: (a.y + b.y) / 2});
        var box = makeBox(c.x, c.y, w / 2, hh, angle);
        if (!inside(box)) { return false; }
        for (var j = 0; j < mine.length; j++) {  // one name a spacing from the next (and from the other carriageway)
          if (Math.abs(mine[j].cx - c.x) + Math.abs(mine[j].cy - c.y) < 0.6 * spacing) { return false; }
        }
        if (!placed.free(box)) { return false; }
        placed.add(box);
        mine.push(box);
        count++;
        roadNames.addLayer(nameMarker(map.containerPointToLatLng([c.x, c.y]), line.name, 'geo-name-road', angle));
        return true;
      }
      parts.forEach(function (part) {
        if (part.length < w) { return; }
        var n = Math.max(1, Math.round(part.length / spacing));
        for (var k = 0; k < n && (repeat || !mine.length); k++) {
          var s0 = part.length * (k + 0.5) / n, p0 = toView(pointAt(part, s0));
          if (p0.x < -spacing / 2 || p0.y < -spacing / 2 || p0.x > size.x + spacing / 2 || p0.y > size.y + spacing / 2) {
            continue;
          }
          var shifts = [0, -0.15, 0.15, -0.3, 0.3, -0.45, 0.45];
          for (var t = 0; t < shifts.length; t++) { if (attempt(part, s0 + shifts[t] * spacing, 3, false)) { break; } }
        }
      });
      if (mine.length || repeat) { return; }
      // not named yet: where the line is in view, from the middle of each piece in view outwards
      parts.forEach(function (part) {
        if (mine.length) { return; }
        var runs = [], start = null;
        for (var i = 0; i < part.pts.length; i++) {
          var v = toView(part.pts[i]), seen = v.x >= 0 && v.y >= 0 && v.x <= size.x && v.y <= size.y;
          if (seen && start === null) { start = i > 0 ? part.along[i - 1] : 0; }
          if (!seen && start !== null) { runs.push([start, part.along[i]]); start = null; }
        }
        if (start !== null) { runs.push([start, part.length]); }
        runs.forEach(function (run) {
          var middle = (run[0] + run[1]) / 2, step = 8, reach = (run[1] - run[0]) / 2 + w / 2;
          [3, 8, -1].forEach(function (tolerance) {
            for (var off = 0; off <= reach && !mine.length; off += step) {
              if (attempt(part, middle + off, tolerance, tolerance < 0) || (off && attempt(part, middle - off, tolerance, tolerance < 0))) {
                return;
              }
            }
          });
        });
      });
    }
    function nameArea(a) {  // [name, x, y, area m², priority]
      var c = map.latLngToContainerPoint([a[2], a[1]]);
      if (c.x < -200 || c.y < -50 || c.x > size.x + 200 || c.y > size.y + 50) { return; }
      var w = widthOf(a[0], AREA_PX) + 6, h = 18;
      if (!a[4] && a[3] / (metres * metres) < w * h * 2) { return; }  // the area is too small to hold its name
      if (!a[4] && count >= MAX_NAMES) { return; }
      // off the roads where it can be (a road's name goes there), near its point
      var offsets = [[0, 0], [0, -h], [0, h], [-w / 2, 0], [w / 2, 0], [0, -2 * h], [0, 2 * h]];
      if (a[4]) {  // a name always shown looks further for room: around its point, up to two names away
        offsets = offsets.concat([[-w / 2, -h], [w / 2, -h], [-w / 2, h], [w / 2, h], [-w, 0], [w, 0],
                                  [0, -3 * h], [0, 3 * h], [-w, -2 * h], [w, -2 * h], [-w, 2 * h], [w, 2 * h]]);
      }
      var tries = offsets.map(function (o) { return [o, true]; });
      if (a[4]) { tries = tries.concat(offsets.map(function (o) { return [o, false]; })); }
      else { tries.push([[0, 0], false]); }
      for (var k = 0; k < tries.length; k++) {
        var box = makeBox(c.x + tries[k][0][0], c.y + tries[k][0][1], w / 2, h / 2, 0);
        if (inside(box) && placed.free(box) && (!tries[k][1] || roadLinesFree(box))) {
          placed.add(box);
          count++;
          areaNames.addLayer(nameMarker(map.containerPointToLatLng([box.cx, box.cy]), a[0],
                                        a[4] ? 'geo-name-area geo-name-top' : 'geo-name-area', 0));
          return;
        }
      }
    }
    var roadsInView = showRoads ? roadLines.filter(function (r) { return view.intersects(r.bounds); }) : [];
    var lines = null;
    function roadLinesFree(box) {  // the named roads' lines in view, as thin boxes, built when first asked
      if (!lines) {
        lines = new Placed();
        roadsInView.forEach(function (r) {
          projected(r, zoom).forEach(function (part) {
            for (var i = 1; i < part.pts.length; i++) {
              var a = toView(part.pts[i - 1]), b = toView(part.pts[i]);
              if (Math.max(a.x, b.x) < 0 || Math.min(a.x, b.x) > size.x || Math.max(a.y, b.y) < 0 || Math.min(a.y, b.y) > size.y) {
                continue;
              }
              lines.add(segmentBox(a, b, 2));
            }
          });
        });
      }
      return lines.free(box);
    }
    roadsInView.forEach(function (r) { r.mine = []; });
    roadsInView.forEach(function (r) { if (r.always) { nameRoad(r, false); } });
    if (showAreas) { areas.forEach(function (a) { if (a[4]) { nameArea(a); } }); }
    roadsInView.forEach(function (r) { if (!r.always && count < MAX_NAMES) { nameRoad(r, false); } });
    roadsInView.forEach(function (r) { if (count < MAX_NAMES) { nameRoad(r, true); } });
    if (showAreas) { areas.forEach(function (a) { if (!a[4]) { nameArea(a); } }); }
  }
  var pending = false;
  function schedule() {
    if (pending) { return; }
    pending = true;
    L.Util.requestAnimFrame(function () { pending = false; place(); });
  }
  map.on('zoomend moveend overlayadd overlayremove resize', schedule);
  overlays.push([words['layer.road_names'], roadNames, 'roads'], [words['layer.community_names'], areaNames, 'communities']);

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
        schedule();  // names make way for the box, or take the room it leaves
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
  // the layer switcher: folded on every screen (a hover or a tap opens it), its entries under headings
  var GROUPS = ['base', 'communities', 'roads', 'issues', 'gaps'];
  function rank(group) { var i = GROUPS.indexOf(group); return i < 0 ? GROUPS.length : i; }
  var named = {};
  overlays.map(function (o, i) { return [o, i]; }).sort(function (a, b) {
    return (rank(a[0][2]) - rank(b[0][2])) || (a[1] - b[1]);
  }).forEach(function (pair) {
    var o = pair[0];
    o[1].geoGroup = o[2] || '';
    named[escapeHtml(o[0])] = o[1];
  });
  var Switcher = L.Control.Layers.extend({
    _update: function () {
      L.Control.Layers.prototype._update.call(this);
      if (!this._container) { return this; }
      var self = this, headed = {}, bases = this._baseLayersList.querySelectorAll('label').length;
      function heading(group, before, parent) {
        headed[group] = true;
        parent.insertBefore(el('div', words['group.' + group], 'geo-layer-group'), before);
      }
      if (bases > 1) { heading('base', this._baseLayersList.firstChild, this._baseLayersList); }
      Array.prototype.forEach.call(this._overlaysList.querySelectorAll('label'), function (label) {
        var input = label.querySelector('input'), entry = input && self._getLayer(input.layerId);
        var group = entry && entry.layer.geoGroup;
        if (group && !headed[group]) { heading(group, label, self._overlaysList); }
      });
      this._separator.style.display = 'none';
      this._layersLink.title = words.layers;
      this._layersLink.setAttribute('aria-label', words.layers);
      return this;
    }
  });
  new Switcher(Object.keys(baseLayers).length > 1 ? baseLayers : {}, named,
               {collapsed: true, sortLayers: false}).addTo(map);

  // ------------------------------------------------------------------ the view: the map's features, clear of the boxes
  // The boxes and controls on the map (title, panel or sheet, legend, search, zoom, switcher …) each leave the
  // map on one of their four sides: of all the ways to set them aside, the free rectangle that shows the
  // features largest is the one the first view fits them into.
  function covers() {
    var frame = map.getContainer().getBoundingClientRect(), boxes = [];
    var corners = ['.leaflet-top.leaflet-left', '.leaflet-top.leaflet-right', '.leaflet-bottom.leaflet-left',
                   '.leaflet-bottom.leaflet-right'].map(function (c) { return c + ' > .leaflet-control'; });
    var found = Array.prototype.slice.call(document.querySelectorAll('.geo-box'));
    corners.forEach(function (selector) {  // a corner's stacked controls as one box
      var box = null;
      Array.prototype.forEach.call(map.getContainer().querySelectorAll(selector), function (e) {
        var r = e.getBoundingClientRect();
        if (!r.width || !r.height) { return; }
        box = box ? [Math.min(box[0], r.left), Math.min(box[1], r.top), Math.max(box[2], r.right), Math.max(box[3], r.bottom)]
          : [r.left, r.top, r.right, r.bottom];
      });
      if (box) { boxes.push(box); }
    });
    found.forEach(function (e) {
      var r = e.getBoundingClientRect();
      if (r.width && r.height) { boxes.push([r.left, r.top, r.right, r.bottom]); }
    });
    return boxes.map(function (b) {
      return [b[0] - frame.left - 6, b[1] - frame.top - 6, b[2] - frame.left + 6, b[3] - frame.top + 6];
    });
  }
  function freeRectangle(size, boxes, width, height) {
    var best = [0, 0, size.x, size.y], scale = -1;
    function walk(k, r) {
      if (r[2] - r[0] < 40 || r[3] - r[1] < 40) { return; }
      if (k === boxes.length) {
        var s = Math.min((r[2] - r[0]) / width, (r[3] - r[1]) / height);
        if (s > scale) { scale = s; best = r; }
        return;
      }
      var b = boxes[k];
      if (b[2] <= r[0] || b[0] >= r[2] || b[3] <= r[1] || b[1] >= r[3]) { walk(k + 1, r); return; }
      walk(k + 1, [Math.max(r[0], b[2]), r[1], r[2], r[3]]);
      walk(k + 1, [r[0], r[1], Math.min(r[2], b[0]), r[3]]);
      walk(k + 1, [r[0], Math.max(r[1], b[3]), r[2], r[3]]);
      walk(k + 1, [r[0], r[1], r[2], Math.min(r[3], b[1])]);
    }
    walk(0, [0, 0, size.x, size.y]);
    return best;
  }
  function fit() {
    var target = data.focus || data.bounds;
    if (!target) { return; }
    var size = map.getSize(), sw = L.latLng(target[1], target[0]), ne = L.latLng(target[3], target[2]);
    var a = map.project(sw, 18), b = map.project(ne, 18);
    var free = freeRectangle(size, covers(), Math.max(1, Math.abs(b.x - a.x)), Math.max(1, Math.abs(b.y - a.y)));
    map.fitBounds(L.latLngBounds(sw, ne), {paddingTopLeft: [free[0] + 4, free[1] + 4],
                  paddingBottomRight: [size.x - free[2] + 4, size.y - free[3] + 4], maxZoom: 17, animate: false});
  }
  // a leader's or an inspection group's own map answers (static/reply.js): its panel and its marks
  var reply = data.reply && window.geoReply
    ? window.geoReply(map, data.reply, {photos: photos, words: words, fold: fold, schedule: schedule}) : null;
  fit();
  schedule();
  // for tests and for a person at the console: the map, and when it was drawn (ms after the page began)
  window.geo = {map: map, place: place, fit: fit, reply: reply, drawnAt: window.performance ? performance.now() : null};
};
