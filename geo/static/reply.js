/* geo's replies from the field: a leader's or an inspection group's map answers, offline (docs/replies.md).
   Inlined into every map by geo._mapkit; it does something only on a map whose data has a `reply` section
   (a leader's or an inspection group's own map, which alone carries that person's key).

   The person marks their work (done, in progress), pins problems, or, for an inspection group, confirms or
   sends back what a leader reported done; the marks stay in the browser's storage (per project, map and
   person) until they are sent; "save reply" downloads the signed reply, "copy reply" puts the same text on
   the clipboard. Every word shown comes from the map's data, in the map's language (geo/_labels.py). SHA-256 and HMAC-SHA256 are implemented here (FIPS 180-4, RFC 2104):
   crypto.subtle is missing on some file:// pages and in WeChat's browser. Nothing from the data or from the
   person is ever parsed as HTML: every text is set with textContent or a DOM property. */
(function () {
  'use strict';

  // ------------------------------------------------------------------ SHA-256 (FIPS 180-4) and HMAC-SHA256
  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ];

  function sha256(bytes) {  // Uint8Array -> Uint8Array(32)
    var n = bytes.length, size = Math.ceil((n + 9) / 64) * 64, block = new Uint8Array(size);
    block.set(bytes);
    block[n] = 0x80;
    var view = new DataView(block.buffer);
    view.setUint32(size - 8, Math.floor(n / 0x20000000));  // the length in bits, as 64 bits
    view.setUint32(size - 4, (n << 3) >>> 0);
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var w = new Int32Array(64), t;
    for (var offset = 0; offset < size; offset += 64) {
      for (t = 0; t < 16; t++) { w[t] = view.getInt32(offset + 4 * t); }
      for (t = 16; t < 64; t++) {
        var x = w[t - 15], y = w[t - 2];
        var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (t = 0; t < 64; t++) {
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var ch = (e & f) ^ (~e & g);
        var t1 = (k + S1 + ch + K[t] + w[t]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var maj = (a & b) ^ (a & c) ^ (b & c);
        var t2 = (S0 + maj) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0;
      h[4] = (h[4] + e) | 0; h[5] = (h[5] + f) | 0; h[6] = (h[6] + g) | 0; h[7] = (h[7] + k) | 0;
    }
    var out = new Uint8Array(32), outView = new DataView(out.buffer);
    for (t = 0; t < 8; t++) { outView.setInt32(4 * t, h[t]); }
    return out;
  }

  function hmac(key, bytes) {  // HMAC-SHA256 (RFC 2104): Uint8Array key and message -> Uint8Array(32)
    if (key.length > 64) { key = sha256(key); }
    var inner = new Uint8Array(64 + bytes.length), outer = new Uint8Array(64 + 32), i;
    for (i = 0; i < 64; i++) {
      var byte = i < key.length ? key[i] : 0;
      inner[i] = byte ^ 0x36;
      outer[i] = byte ^ 0x5c;
    }
    inner.set(bytes, 64);
    outer.set(sha256(inner), 64);
    return sha256(outer);
  }

  function hex(bytes) {
    var out = '';
    for (var i = 0; i < bytes.length; i++) { out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16); }
    return out;
  }
  function fromHex(text) {
    var out = new Uint8Array(text.length / 2);
    for (var i = 0; i < out.length; i++) { out[i] = parseInt(text.substr(2 * i, 2), 16); }
    return out;
  }
  function utf8(text) {  // text as UTF-8 bytes (a lone surrogate as U+FFFD, as TextEncoder does)
    var out = [];
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        var low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) { c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00); i++; }
      }
      if (c >= 0xd800 && c <= 0xdfff) { c = 0xfffd; }
      if (c < 0x80) { out.push(c); }
      else if (c < 0x800) { out.push(0xc0 | (c >> 6), 0x80 | (c & 63)); }
      else if (c < 0x10000) { out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)); }
      else { out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)); }
    }
    return new Uint8Array(out);
  }
  function base64Bytes(text) {
    var binary = atob(text), out = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { out[i] = binary.charCodeAt(i); }
    return out;
  }

  // ------------------------------------------------------------------ the canonical form: what is signed
  // JSON with the keys sorted (by code point, as Python sorts them), no spaces, every character outside
  // printable ASCII written \uXXXX in lower-case hex (UTF-16 units): Python's
  // json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True), byte for byte.
  var SHORT = {0x22: '\\"', 0x5c: '\\\\', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t'};
  function quote(text) {
    var out = '"';
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (SHORT[c]) { out += SHORT[c]; }
      else if (c >= 0x20 && c < 0x7f) { out += text.charAt(i); }
      else { out += '\\u' + ('000' + c.toString(16)).slice(-4); }
    }
    return out + '"';
  }
  function byCodePoint(a, b) {
    var x = Array.from(a), y = Array.from(b);
    for (var i = 0; i < Math.min(x.length, y.length); i++) {
      var d = x[i].codePointAt(0) - y[i].codePointAt(0);
      if (d) { return d; }
    }
    return x.length - y.length;
  }
  function canonical(value) {
    if (value === null) { return 'null'; }
    if (value === true || value === false) { return String(value); }
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) { throw new Error('only whole numbers go in a reply'); }
      return String(value);
    }
    if (typeof value === 'string') { return quote(value); }
    if (Array.isArray(value)) { return '[' + value.map(canonical).join(',') + ']'; }
    return '{' + Object.keys(value).filter(function (k) { return value[k] !== undefined; }).sort(byCodePoint)
      .map(function (k) { return quote(k) + ':' + canonical(value[k]); }).join(',') + '}';
  }
  function ascii(text) {  // the canonical form is ASCII: one byte a character
    var out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { out[i] = text.charCodeAt(i); }
    return out;
  }
  function sign(body, key) { return hex(hmac(key, ascii(canonical(body)))); }

  window.geoReplyCrypto = {sha256: sha256, hmac: hmac, hex: hex, fromHex: fromHex, utf8: utf8,
                           canonical: canonical, sign: sign};

  // ------------------------------------------------------------------ GCJ-02 (an AMap basemap draws the data in it)
  function offset(lon, lat) {  // geo.coords._offset, for one point
    if (lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271) { return [0, 0]; }
    var A = 6378245.0, EE = 0.00669342162296594323, PI = Math.PI, x = lon - 105.0, y = lat - 35.0;
    var sq = Math.sqrt(Math.abs(x)), common = (20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2 / 3;
    var dlat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sq + common;
    dlat += (20 * Math.sin(y * PI) + 40 * Math.sin(y / 3 * PI)) * 2 / 3;
    dlat += (160 * Math.sin(y / 12 * PI) + 320 * Math.sin(y * PI / 30)) * 2 / 3;
    var dlon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sq + common;
    dlon += (20 * Math.sin(x * PI) + 40 * Math.sin(x / 3 * PI)) * 2 / 3;
    dlon += (150 * Math.sin(x / 12 * PI) + 300 * Math.sin(x / 30 * PI)) * 2 / 3;
    var rad = lat / 180 * PI, magic = 1 - EE * Math.sin(rad) * Math.sin(rad), root = Math.sqrt(magic);
    return [(dlon * 180) / (A / root * Math.cos(rad) * PI), (dlat * 180) / ((A * (1 - EE)) / (magic * root) * PI)];
  }
  function toGcj(lon, lat) { var d = offset(lon, lat); return [lon + d[0], lat + d[1]]; }
  function fromGcj(lon, lat) {  // inverted by fixed-point iteration, as geo.coords.gcj02_to_wgs84
    var x = lon, y = lat;
    for (var i = 0; i < 30; i++) {
      var f = toGcj(x, y), ex = f[0] - lon, ey = f[1] - lat;
      x -= ex; y -= ey;
      if (Math.max(Math.abs(ex), Math.abs(ey)) < 1e-10) { break; }
    }
    return [x, y];
  }

  // ------------------------------------------------------------------ small helpers
  var IMAGE = /^data:image\/(jpeg|png|webp);base64,[A-Za-z0-9+/]*={0,2}$/;
  var MAX_PX = 1600, TARGET_BYTES = 300 * 1024;
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function add(parent, tag, text, cls) { var e = el(tag, text, cls); parent.appendChild(e); return e; }
  function has(value) { return value !== undefined && value !== null && value !== ''; }
  function two(n) { return (n < 10 ? '0' : '') + n; }
  function stamp(d) {  // ISO 8601 with the local zone's offset: 2026-12-08T09:15:02+08:00
    var zone = -d.getTimezoneOffset(), sign = zone >= 0 ? '+' : '-';
    zone = Math.abs(zone);
    return d.getFullYear() + '-' + two(d.getMonth() + 1) + '-' + two(d.getDate()) + 'T' + two(d.getHours()) + ':' +
      two(d.getMinutes()) + ':' + two(d.getSeconds()) + sign + two(Math.floor(zone / 60)) + ':' + two(zone % 60);
  }
  var ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';  // base32: every byte's low five bits, unbiased
  function entryId() {
    var bytes = new Uint8Array(12), out = '';
    window.crypto.getRandomValues(bytes);
    for (var i = 0; i < bytes.length; i++) { out += ALPHABET.charAt(bytes[i] & 31); }
    return out;
  }
  function safeName(text) {  // a person's id as part of a file name
    var name = String(text).replace(/[\\/:*?"<>|\u0000-\u001f\u007f]/g, '_').replace(/^[.\s]+/, '_');
    return name.slice(0, 64) || '_';
  }
  function photoBytes(url) { return base64Bytes(url.slice(url.indexOf(',') + 1)); }

  // A photo, shrunk in the page: at most 1600 px on its longer side, re-encoded as JPEG at the first quality
  // that makes it about 300 KB or less (smaller still if need be). The re-encoding keeps the pixels only:
  // nothing of the camera's EXIF (place, phone) is left.
  function shrink(file, done, fail) {
    var url = URL.createObjectURL(file), image = new Image();
    image.onerror = function () { URL.revokeObjectURL(url); fail(); };
    image.onload = function () {
      URL.revokeObjectURL(url);
      var width = image.naturalWidth, height = image.naturalHeight;
      if (!width || !height) { fail(); return; }
      var scale = Math.min(1, MAX_PX / Math.max(width, height)), canvas = document.createElement('canvas');
      var best = null;
      for (var round = 0; round < 6; round++) {
        canvas.width = Math.max(1, Math.round(width * scale));
        canvas.height = Math.max(1, Math.round(height * scale));
        var context = canvas.getContext('2d');
        context.fillStyle = '#fff';  // a transparent PNG becomes white, not black
        context.fillRect(0, 0, canvas.width, canvas.height);
        context.drawImage(image, 0, 0, canvas.width, canvas.height);
        for (var quality = 0.85; quality > 0.3; quality -= 0.1) {
          var data = canvas.toDataURL('image/jpeg', quality);
          if (data.indexOf('data:image/jpeg;base64,') !== 0) { fail(); return; }
          best = data;
          if ((data.length - 23) * 3 / 4 <= TARGET_BYTES) { done(data); return; }
        }
        scale *= 0.75;
      }
      done(best);
    };
    image.src = url;
  }

  // ------------------------------------------------------------------ the reply panel
  window.geoReply = function (map, reply, tools) {
    var words = reply.words, shown = tools.photos || {};
    var key = fromHex(reply.key);
    var storeKey = 'geo-reply:' + reply.project + ':' + reply.map + ':' + reply.person;
    var narrow = window.innerWidth < 600;

    function word(name, fields) {
      var text = words[name] || name;
      Object.keys(fields || {}).forEach(function (k) { text = text.split('{' + k + '}').join(String(fields[k])); });
      return text;
    }

    // what is marked: kept in the browser's storage until it is sent, and after (as sent) until cleared
    function fresh() { return {marks: [], photos: {}, last: null}; }
    function load() {
      try {
        var kept = JSON.parse(window.localStorage.getItem(storeKey) || 'null');
        if (kept && Array.isArray(kept.marks)) {
          kept.photos = kept.photos || {};
          return kept;
        }
      } catch (e) { /* no storage (a locked-down browser): the marks live as long as the page */ }
      return fresh();
    }
    var state = load();
    function store() {
      try {
        window.localStorage.setItem(storeKey, JSON.stringify(state));
        return true;
      } catch (e) {
        return false;
      }
    }

    // ---------------------------------------------------------------- messages, dialogs
    var toastBox = null, toastTimer = null;
    function toast(text) {
      if (!toastBox) {
        toastBox = el('div', null, 'geo-toast');
        toastBox.setAttribute('role', 'status');
        document.body.appendChild(toastBox);
      }
      toastBox.textContent = text;
      toastBox.style.display = 'block';
      clearTimeout(toastTimer);
      toastTimer = setTimeout(function () { toastBox.style.display = 'none'; }, 5000);
    }
    function button(parent, text, cls, onClick) {
      var b = add(parent, 'button', text, 'geo-rbtn' + (cls ? ' ' + cls : ''));
      b.type = 'button';
      b.addEventListener('click', function (e) { e.preventDefault(); e.stopPropagation(); onClick(); });
      return b;
    }
    function photoImage(parent, url, cls) {
      if (!url || !IMAGE.test(url)) { return null; }
      var img = add(parent, 'img', null, cls || 'geo-reply-thumb');
      img.alt = tools.words.photo || '';
      img.src = url;  // a data: URL of an image, checked above
      return img;
    }

    // A form: title, then what `o` asks for (a place, a progress figure, a category, a note, a photo).
    // `o.ok(values)` gets {progress, category, note, photo} once the person presses OK.
    function dialog(o) {
      var overlay = el('div', null, 'geo-dialog'), box = add(overlay, 'div', null, 'geo-dialog-box');
      overlay.setAttribute('role', 'dialog');
      overlay.setAttribute('aria-modal', 'true');
      add(box, 'b', o.title, 'geo-dialog-title');
      if (o.subtitle) { add(box, 'div', o.subtitle, 'geo-dialog-sub'); }
      var progress = null, category = null, photo = null, busy = false;
      if (o.progress !== undefined) {
        var p = add(box, 'label', word('reply.progress'));
        progress = add(p, 'input', null, 'geo-reply-progress');
        progress.type = 'number';
        progress.min = '0';
        progress.max = '100';
        progress.step = '1';
        progress.inputMode = 'numeric';
        if (has(o.progress)) { progress.value = String(o.progress); }
      }
      if (o.categories) {
        var c = add(box, 'label', word('reply.category'));
        category = add(c, 'select', null, 'geo-reply-category');
        o.categories.forEach(function (name) {
          var option = add(category, 'option', name);
          option.value = name;
        });
      }
      var n = add(box, 'label', word('reply.note') + (o.noteRequired ? ' *' : ''));
      var note = add(n, 'textarea', null, 'geo-reply-note');
      note.maxLength = 2000;
      note.rows = 3;
      var status = add(box, 'div', null, 'geo-dialog-status');
      var preview = add(box, 'div', null, 'geo-dialog-preview');
      var pick = add(box, 'div', null, 'geo-dialog-photo');
      add(pick, 'span', word('reply.photo'));
      function photoInput(text, camera) {  // a label that opens the camera (or the album), the input inside it
        var label = add(pick, 'label', null, 'geo-rbtn geo-photo-pick');
        add(label, 'span', text);
        var input = add(label, 'input', null, camera ? 'geo-photo-camera' : 'geo-photo-album');
        input.type = 'file';
        input.accept = 'image/*';
        if (camera) { input.setAttribute('capture', 'environment'); }
        input.addEventListener('change', function () {
          var file = input.files && input.files[0];
          if (!file) { return; }
          busy = true;
          ok.disabled = true;
          status.textContent = word('reply.photo_busy');
          shrink(file, function (url) {
            var digest = hex(sha256(photoBytes(url)));
            photo = {hash: digest, url: url};
            preview.textContent = '';
            photoImage(preview, url, 'geo-reply-preview');
            status.textContent = '';
            busy = false;
            ok.disabled = false;
            input.value = '';
          }, function () {
            status.textContent = word('reply.photo_failed');
            busy = false;
            ok.disabled = false;
            input.value = '';
          });
        });
      }
      photoInput(word('reply.camera'), true);
      photoInput(word('reply.album'), false);
      var buttons = add(box, 'div', null, 'geo-dialog-buttons');
      function close() { overlay.remove(); document.removeEventListener('keydown', escape); }
      function escape(e) { if (e.key === 'Escape') { close(); if (o.cancel) { o.cancel(); } } }
      document.addEventListener('keydown', escape);
      button(buttons, word('reply.cancel'), 'geo-reply-cancel', function () { close(); if (o.cancel) { o.cancel(); } });
      var ok = button(buttons, word('reply.ok'), 'geo-rbtn-main geo-reply-ok', function () {
        if (busy) { return; }
        var values = {note: note.value.trim(), photo: photo};
        if (progress) {
          var figure = Number(progress.value);
          if (progress.value === '' || !Number.isInteger(figure) || figure < 0 || figure > 100) {
            status.textContent = word('reply.progress');
            progress.focus();
            return;
          }
          values.progress = figure;
        }
        if (category) { values.category = category.value; }
        if (o.noteRequired && !values.note) { status.textContent = word('reply.note_needed'); note.focus(); return; }
        close();
        o.ok(values);
      });
      document.body.appendChild(overlay);
      (progress || note).focus();
      return overlay;
    }

    // ---------------------------------------------------------------- marking
    function mark(entry, label, values) {
      entry.n = entryId();
      entry.at = stamp(new Date());
      if (values.note) { entry.note = values.note.slice(0, 2000); }
      if (values.photo) {
        entry.photo = values.photo.hash;
        state.photos[values.photo.hash] = values.photo.url;
      }
      state.marks.push({entry: entry, label: label, sent: ''});
      if (!store()) {  // the browser's storage is full: the mark is not kept
        state.marks.pop();
        if (values.photo && !used(values.photo.hash)) { delete state.photos[values.photo.hash]; }
        toast(word('reply.storage_full'));
      }
      render();
    }
    function used(digest) { return state.marks.some(function (m) { return m.entry.photo === digest && !m.sent; }); }
    function undo(m) {
      state.marks = state.marks.filter(function (other) { return other !== m; });
      if (m.entry.photo && !used(m.entry.photo)) { delete state.photos[m.entry.photo]; }
      store();
      render();
    }
    function markOf(field, value) {  // the latest mark on an item, issue or report
      for (var i = state.marks.length - 1; i >= 0; i--) {
        if (state.marks[i].entry[field] === value) { return state.marks[i]; }
      }
      return null;
    }
    function actionWord(entry) {
      var text = word('reply.' + entry.action);
      if (entry.action === 'doing') { text += ' ' + entry.progress + '%'; }
      return text;
    }

    // ---------------------------------------------------------------- pinning a problem
    var pins = L.layerGroup().addTo(map), picking = null;
    var PIN = {radius: 8, color: '#4a235a', weight: 2, dashArray: '3 3', fillColor: '#af7ac5', fillOpacity: 0.9};
    function shownAt(lon, lat) {  // WGS84 -> where the map draws it
      if (reply.gcj02) { var g = toGcj(lon, lat); return L.latLng(g[1], g[0]); }
      return L.latLng(lat, lon);
    }
    function stopPicking() {
      if (!picking) { return; }
      map.getContainer().removeEventListener('click', picking.click, true);
      picking.banner.remove();
      map.getContainer().classList.remove('geo-picking');
      picking = null;
    }
    function startReport() {
      if (picking) { return; }
      if (narrow) { Array.prototype.forEach.call(document.querySelectorAll('.geo-panel'), function (b) { tools.fold(b, true); }); }
      var banner = el('div', null, 'geo-pick');
      add(banner, 'span', word('reply.pick'));
      if (navigator.geolocation) {
        button(banner, word('reply.gps'), 'geo-reply-gps', function () {
          navigator.geolocation.getCurrentPosition(function (position) {
            stopPicking();
            placed(position.coords.longitude, position.coords.latitude, 'gps');
          }, function () { toast(word('reply.gps_failed')); }, {enableHighAccuracy: true, timeout: 15000});
        });
      }
      button(banner, word('reply.cancel'), 'geo-reply-cancel', stopPicking);
      document.body.appendChild(banner);
      map.getContainer().classList.add('geo-picking');
      // The tap is taken before Leaflet sees it (capture): on a community or a marker it drops the point and
      // opens no popup; a tap on a control (zoom, layers, search) is the control's.
      picking = {
        banner: banner,
        click: function (e) {
          if (e.target && e.target.closest && e.target.closest('.leaflet-control')) { return; }
          e.stopPropagation();
          e.preventDefault();
          var ll = map.mouseEventToLatLng(e).wrap(), wgs = reply.gcj02 ? fromGcj(ll.lng, ll.lat) : [ll.lng, ll.lat];
          stopPicking();
          placed(wgs[0], wgs[1], 'tap');
        }
      };
      map.getContainer().addEventListener('click', picking.click, true);
    }
    function placed(lon, lat, located) {
      var where = lon.toFixed(6) + ', ' + lat.toFixed(6);
      var pin = L.circleMarker(shownAt(lon, lat), PIN).addTo(pins);
      dialog({
        title: word('reply.report'),
        subtitle: word('reply.place') + word('p.colon') + where + ' (' + word('reply.located_' + located) + ')',
        categories: reply.categories,
        cancel: function () { pins.removeLayer(pin); },
        ok: function (values) {
          pins.removeLayer(pin);
          var entry = {action: 'report', lon: lon.toFixed(6), lat: lat.toFixed(6), located: located,
                       category: values.category};
          mark(entry, values.category, values);
        }
      });
    }

    // ---------------------------------------------------------------- sending
    function made() {  // the reply of every mark not yet sent, signed; or the last one sent, again
      var pending = state.marks.filter(function (m) { return !m.sent; });
      if (!pending.length) { return state.last ? {text: state.last.text, file: state.last.file, marks: []} : null; }
      var now = new Date(), photos = {};
      var entries = pending.map(function (m) {
        var entry = {};
        Object.keys(m.entry).forEach(function (k) { entry[k] = m.entry[k]; });
        if (entry.photo) {
          if (state.photos[entry.photo]) { photos[entry.photo] = state.photos[entry.photo]; }
          else { delete entry.photo; }  // a photo the storage lost: the mark goes without it
        }
        return entry;
      });
      var body = {format: 'geo-reply', version: 1, project: reply.project, map: reply.map, person: reply.person,
                  name: reply.name, built: reply.built, sent: stamp(now), entries: entries, photos: photos};
      body.signature = sign(body, key);
      var file = word('reply.file') + '_' + safeName(reply.person) + '_' + now.getFullYear() + two(now.getMonth() + 1) +
        two(now.getDate()) + '.json';
      return {text: canonical(body), file: file, marks: pending, sent: body.sent};
    }
    function sent(r) {  // the marks sent are shown as sent and never sent again
      if (!r.marks.length) { return; }
      r.marks.forEach(function (m) { m.sent = r.sent; });
      Object.keys(state.photos).forEach(function (digest) { if (!used(digest)) { delete state.photos[digest]; } });
      state.last = {text: r.text, file: r.file};
      if (!store()) {  // no room for the copy of the last reply: the marks are still kept as sent
        state.last = null;
        store();
      }
      render();
    }
    function save() {
      var r = made();
      if (!r) { toast(word('reply.nothing')); return; }
      var blob = new Blob([r.text], {type: 'application/json'}), a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = r.file;
      a.style.display = 'none';
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 60000);
      sent(r);
      toast(word('reply.saved', {file: r.file}));
    }
    function copy() {
      var r = made();
      if (!r) { toast(word('reply.nothing')); return; }
      function byHand() {  // neither way worked: the text, selected, to copy by hand
        var overlay = el('div', null, 'geo-dialog'), box = add(overlay, 'div', null, 'geo-dialog-box');
        add(box, 'b', word('reply.copy_by_hand'), 'geo-dialog-title');
        var area = add(box, 'textarea', null, 'geo-reply-text');
        area.readOnly = true;
        area.value = r.text;
        button(add(box, 'div', null, 'geo-dialog-buttons'), word('reply.close'), 'geo-rbtn-main', function () {
          overlay.remove();
        });
        document.body.appendChild(overlay);
        area.focus();
        area.select();
      }
      function withCommand() {
        var area = el('textarea');
        area.value = r.text;
        area.setAttribute('readonly', '');
        area.style.position = 'fixed';
        area.style.top = '-1000px';
        document.body.appendChild(area);
        area.select();
        var done = false;
        try { done = document.execCommand('copy'); } catch (e) { done = false; }
        area.remove();
        if (done) { toast(word('reply.copied')); } else { byHand(); }
      }
      sent(r);
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(r.text).then(function () { toast(word('reply.copied')); }, withCommand);
      } else { withCommand(); }
    }
    function clearSent() {
      state.marks = state.marks.filter(function (m) { return !m.sent; });
      state.last = null;
      store();
      render();
    }

    // ---------------------------------------------------------------- drawing the panel
    var bar = document.querySelector('.geo-reply-bar');
    var marksBox = document.querySelector('.geo-reply-marks');
    var itemsBox = document.querySelector('.geo-reply-items');
    var issuesBox = document.querySelector('.geo-reply-issues');
    var checksBox = document.querySelector('.geo-reply-checks');
    var count = null;
    if (bar) {
      button(bar, word('reply.report'), 'geo-reply-report', startReport);
      button(bar, word('reply.save'), 'geo-rbtn-main geo-reply-save', save);
      button(bar, word('reply.copy'), 'geo-reply-copy', copy);
      count = add(bar, 'span', null, 'geo-reply-count');
    }

    function markLine(parent, m) {  // a mark made on this row: what and whether sent, with "undo" until it is
      var line = add(parent, 'div', null, 'geo-reply-mark' + (m.sent ? ' geo-reply-sent' : ''));
      add(line, 'b', actionWord(m.entry));
      add(line, 'span', word('p.open') + (m.sent ? word('reply.sent') : word('reply.pending')) + word('p.close'));
      if (!m.sent) { button(line, word('reply.undo'), 'geo-reply-undo', function () { undo(m); }); }
      return line;
    }
    function row(parent, label, details, extra) {
      var box = add(parent, 'div', null, 'geo-reply-row');
      add(box, 'div', label, 'geo-reply-label');
      var facts = details.filter(has);
      if (facts.length) { add(box, 'div', facts.join(word('p.comma')), 'geo-reply-facts'); }
      if (extra) { extra(box); }
      return box;
    }
    function returnedNote(box, note) {
      if (has(note)) { add(box, 'div', word('verification.returned') + word('p.colon') + note, 'geo-reply-returned'); }
    }
    function drawItems() {
      itemsBox.textContent = '';
      if (!reply.items.length) { add(itemsBox, 'div', word('reply.none'), 'geo-reply-none'); }
      reply.items.forEach(function (item) {
        var facts = [item.state_word, has(item.progress) && item.state !== 'done' ? item.progress + '%' : '',
                     has(item.due) ? tools.words.due + ' ' + item.due : ''];
        var box = row(itemsBox, item.label, facts, function (b) { returnedNote(b, item.note); });
        box.setAttribute('data-key', item.key);
        var m = markOf('item', item.key);
        if (m) { markLine(box, m); return; }
        if (item.verification === 'reported') { return; }  // reported, awaiting an inspection group
        var actions = add(box, 'div', null, 'geo-reply-actions');
        button(actions, word('reply.done'), 'geo-reply-done', function () {
          dialog({title: word('reply.done'), subtitle: item.label, ok: function (v) {
            mark({action: 'done', item: item.key}, item.label, v);
          }});
        });
        button(actions, word('reply.doing'), 'geo-reply-doing', function () {
          dialog({title: word('reply.doing'), subtitle: item.label, progress: item.progress, ok: function (v) {
            mark({action: 'doing', item: item.key, progress: v.progress}, item.label, v);
          }});
        });
      });
    }
    function drawIssues() {
      issuesBox.textContent = '';
      if (!reply.issues.length) { add(issuesBox, 'div', word('reply.none'), 'geo-reply-none'); }
      reply.issues.forEach(function (issue) {
        var facts = [issue.state_word, has(issue.due) ? tools.words.due + ' ' + issue.due : '',
                     issue.overdue ? tools.words['stats.overdue'] : ''];
        var box = row(issuesBox, issue.label, facts, function (b) { returnedNote(b, issue.note); });
        box.setAttribute('data-issue', issue.id);
        var m = markOf('issue', issue.id);
        if (m) { markLine(box, m); return; }
        if (issue.verification === 'reported') { return; }
        var actions = add(box, 'div', null, 'geo-reply-actions');
        button(actions, word('reply.resolved'), 'geo-reply-done', function () {
          dialog({title: word('reply.resolved'), subtitle: issue.label, ok: function (v) {
            mark({action: 'resolved', issue: issue.id}, issue.label, v);
          }});
        });
      });
    }
    function drawChecks() {
      checksBox.textContent = '';
      if (!reply.checks.length) { add(checksBox, 'div', word('reply.none'), 'geo-reply-none'); }
      reply.checks.forEach(function (check) {
        var by = word('reply.by') + word('p.colon') + check.by + (has(check.day) ? ' ' + check.day : '');
        var box = row(checksBox, check.label, [by, check.note], function (b) {
          if (check.photo) { photoImage(b, shown[check.photo]); }
        });
        box.setAttribute('data-report', check.report);
        var m = markOf('report', check.report);
        if (m) { markLine(box, m); return; }
        var about = check.item ? {item: check.item} : {issue: check.issue};
        function entry(action) {
          var e = {action: action, report: check.report};
          Object.keys(about).forEach(function (k) { e[k] = about[k]; });
          return e;
        }
        var actions = add(box, 'div', null, 'geo-reply-actions');
        button(actions, word('reply.confirm'), 'geo-reply-confirm', function () {
          dialog({title: word('reply.confirm'), subtitle: check.label, ok: function (v) {
            mark(entry('confirm'), check.label, v);
          }});
        });
        button(actions, word('reply.return'), 'geo-reply-return', function () {
          dialog({title: word('reply.return'), subtitle: check.label, noteRequired: true, ok: function (v) {
            mark(entry('return'), check.label, v);
          }});
        });
      });
    }
    function drawMarks() {  // the problems pinned, and every mark not shown on a row above
      marksBox.textContent = '';
      var others = state.marks.filter(function (m) {
        var e = m.entry;
        if (e.action === 'report') { return true; }
        if (e.action === 'confirm' || e.action === 'return') {
          return !reply.checks.some(function (c) { return c.report === e.report; });
        }
        if (e.item) { return !reply.items.some(function (i) { return i.key === e.item; }); }
        return !reply.issues.some(function (i) { return i.id === e.issue; });
      });
      others.forEach(function (m) {
        var box = add(marksBox, 'div', null, 'geo-reply-row');
        add(box, 'div', m.label, 'geo-reply-label');
        if (m.entry.note) { add(box, 'div', m.entry.note, 'geo-reply-facts'); }
        markLine(box, m);
      });
      if (state.marks.some(function (m) { return m.sent; })) {
        button(add(marksBox, 'div', null, 'geo-reply-actions'), word('reply.clear_sent'), 'geo-reply-clear', clearSent);
      }
    }
    function drawPins() {
      pins.clearLayers();
      state.marks.forEach(function (m) {
        if (m.entry.action !== 'report') { return; }
        var pin = L.circleMarker(shownAt(Number(m.entry.lon), Number(m.entry.lat)), L.extend({}, PIN, {
          fillColor: m.sent ? '#d7bde2' : PIN.fillColor}));
        pin.bindTooltip(function () {
          var box = el('div');
          add(box, 'b', m.label);
          add(box, 'span', word('p.open') + (m.sent ? word('reply.sent') : word('reply.pending')) + word('p.close'));
          if (m.entry.note) { add(box, 'div', m.entry.note); }
          return box;
        });
        pins.addLayer(pin);
      });
    }
    function render() {
      if (itemsBox) { drawItems(); }
      if (issuesBox) { drawIssues(); }
      if (checksBox) { drawChecks(); }
      if (marksBox) { drawMarks(); }
      drawPins();
      var pending = state.marks.filter(function (m) { return !m.sent; }).length;
      if (count) { count.textContent = pending ? word('reply.count', {n: pending}) : ''; }
      if (tools.schedule) { tools.schedule(); }
    }
    render();
    // On a phone the sheet is taller with its buttons: the scale and the attribution keep above it, folded or not
    var sheet = narrow && bar ? bar.closest('.geo-panel') : null;
    function lift() {
      var height = Math.ceil(sheet.getBoundingClientRect().height) + 4;
      Array.prototype.forEach.call(map.getContainer().querySelectorAll('.leaflet-bottom'), function (corner) {
        corner.style.bottom = height + 'px';
      });
    }
    if (sheet) {
      lift();
      if (window.ResizeObserver) { new ResizeObserver(lift).observe(sheet); }
      else { sheet.addEventListener('click', function () { setTimeout(lift, 0); }); }
    }
    return {storeKey: storeKey, state: function () { return state; }, made: made, render: render};
  };
})();
