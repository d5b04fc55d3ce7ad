/* geo's own map controls: search, full screen, plain attribution, the Tianditu key box.
   Inlined into every map by geo._mapkit (folium's plugins load from CDNs, which intranet
   PCs cannot reach). Text from the data is written with textContent only; a hit opens the
   popup its layer has (static/map.js builds it from text). */
window.geoControls = function (map, groups, tianditu, words) {
  'use strict';
  map.attributionControl.setPrefix('Leaflet');
  (words.attributions || []).forEach(function (credit) {  // the data's licence, e.g. OpenStreetMap's ODbL
    var span = document.createElement('span');
    span.textContent = credit;
    map.attributionControl.addAttribution(span.outerHTML);
  });
  var FULLSCREEN_ICON = '<svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true" ' +
    'style="vertical-align:middle"><path d="M2 7V2h5M11 2h5v5M16 11v5h-5M7 16H2v-5" fill="none" ' +
    'stroke="#333" stroke-width="2"/></svg>';
  var index = [];
  groups.forEach(function (group) {
    group.eachLayer(function (layer) {
      var p = layer.feature && layer.feature.properties;
      if (p && p.search) { index.push({text: String(p.search), layer: layer, group: group}); }
    });
  });

  // Where a hit is: a marker's point, or the middle of a line's or an area's bounds.
  function anchor(layer) {
    return layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter();
  }

  function open(hit) {
    var popup = hit.group.getPopup && hit.group.getPopup();
    if (!popup) { return; }
    // The layer's own popup content, in a popup of its own: a clustered point may be taken off the map
    // and put back while the clusters redraw, which would close a popup tied to it.
    var content = popup._content;
    content = typeof content === 'function' ? content(hit.layer) : content;
    L.popup(popup.options).setLatLng(anchor(hit.layer)).setContent(content).openOn(map);
  }

  function reveal(hit) {
    var shown = hit.group.geoEntry || hit.group;  // a layer behind a shared switch turns the switch on
    if (!map.hasLayer(shown)) { map.addLayer(shown); }
    if (!map.hasLayer(hit.group)) { map.addLayer(hit.group); }
    if (hit.group.getVisibleParent) {  // a point in a cluster: in close enough that it stands alone
      var alone = hit.group.options.disableClusteringAtZoom || map.getMaxZoom();
      map.setView(anchor(hit.layer), Math.max(map.getZoom(), alone), {animate: false});
    } else if (hit.layer.getLatLng) { map.setView(anchor(hit.layer), Math.max(map.getZoom(), 16)); }
    else { map.fitBounds(hit.layer.getBounds(), {maxZoom: 16, padding: [40, 40]}); }
    open(hit);
  }

  var Search = L.Control.extend({
    options: {position: 'topright'},
    onAdd: function () {
      var box = L.DomUtil.create('div', 'geo-search');
      var input = L.DomUtil.create('input', '', box);
      input.type = 'search';
      input.placeholder = words.search;
      input.setAttribute('aria-label', words.search);
      var list = L.DomUtil.create('ul', '', box);
      var hits = [];
      function show() {
        var q = input.value.trim().toLowerCase();
        list.textContent = '';
        hits = q ? index.filter(function (h) { return h.text.toLowerCase().indexOf(q) >= 0; }).slice(0, 12) : [];
        if (q && !hits.length) {
          var none = L.DomUtil.create('li', '', list);
          none.textContent = words.no_match;
        }
        hits.forEach(function (hit) {
          var item = L.DomUtil.create('li', '', list);
          item.textContent = hit.text;
          L.DomEvent.on(item, 'click', function () { reveal(hit); });
        });
      }
      L.DomEvent.on(input, 'input', show);
      L.DomEvent.on(input, 'keydown', function (e) {
        if (e.key === 'Enter' && hits.length) { reveal(hits[0]); }
      });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    }
  });
  new Search().addTo(map);

  var Fullscreen = L.Control.extend({
    options: {position: 'topleft'},
    onAdd: function () {
      var button = L.DomUtil.create('button', 'geo-button');
      button.type = 'button';
      button.title = words.fullscreen;
      button.setAttribute('aria-label', words.fullscreen);
      button.innerHTML = FULLSCREEN_ICON;
      L.DomEvent.on(button, 'click', function (e) {
        L.DomEvent.stop(e);
        var box = map.getContainer();
        if (document.fullscreenElement) { document.exitFullscreen(); }
        else if (box.requestFullscreen) {
          box.requestFullscreen().catch(function () { L.DomUtil.addClass(box, 'geo-fullscreen-on'); });
        } else if (L.DomUtil.hasClass(box, 'geo-fullscreen-on')) { L.DomUtil.removeClass(box, 'geo-fullscreen-on'); }
        else { L.DomUtil.addClass(box, 'geo-fullscreen-on'); }
        setTimeout(function () { map.invalidateSize(); }, 200);
      });
      return button;
    }
  });
  new Fullscreen().addTo(map);

  if (!tianditu.length) { return; }
  function useKey(key) {
    tianditu.forEach(function (layer) { layer.options.tk = key; layer.redraw(); });
  }
  var saved = null;
  try { saved = window.localStorage.getItem('geo.tianditu_key'); } catch (e) {}
  if (saved) { useKey(saved); return; }
  var KeyBox = L.Control.extend({
    options: {position: 'topright'},
    onAdd: function () {
      var box = L.DomUtil.create('div', 'geo-key');
      var label = L.DomUtil.create('div', '', box);
      label.textContent = words.tianditu_key;
      var input = L.DomUtil.create('input', '', box);
      input.type = 'password';
      L.DomEvent.on(input, 'change', function () {
        var key = input.value.trim();
        if (!key) { return; }
        try { window.localStorage.setItem('geo.tianditu_key', key); } catch (e) {}
        useKey(key);
        box.style.display = 'none';
      });
      L.DomEvent.disableClickPropagation(box);
      return box;
    }
  });
  new KeyBox().addTo(map);
};
