// spatlas map: choropleths of need, provision and the gap between them over the OGC API -
// Features collections of the server.
//
// Zoomed out, the map shows the local authority districts (LAD) of the selected edition, fetched
// once per edition and set of properties. Zoomed in (LSOA_MIN_ZOOM and closer), it shows the LSOAs
// of the view, loaded by the view loader (view.js) with bbox and zoom. Each request asks
// (properties=) only for what the active layer needs. What the map states about the data (the
// editions, their extents and properties, the number of LSOAs an edition ranks) comes from the
// server's collections.
//
// The layer switch (layers.js) chooses what the areas are coloured by: need (IMD and domain
// deciles, need percentile), provision (access to assets, link worker FTE per 10,000), the gap,
// underserved areas and hot spots. A click on an area opens its profile in the area panel
// (panel.js).
//
// The view, the edition and the layer are kept in the location hash
// (#edition=iod2025&map=14/54.57450/-1.23500&layer=gap; the default layer, imd, is not written), so
// a view can be shared and set from outside. For tests, <body> carries data-state ("loading",
// "ready", "error"), and once the active layer has rendered data-layer ("lad", "lsoa"),
// data-theme (the layer id), data-edition, data-count (features in the active layer),
// data-fills (the distinct fill colours drawn, space-separated) and data-paint (a fingerprint of
// every area's fill).
//
// The provision overlays (community assets and link worker services) live in provision.js; they
// add their own part to the hash (layers=, cat=) and their own data attributes to <body>.

import { el, fetchPages, fmtInt, frame, getJSON, isNum } from './util.js';
import { ViewLoader, covers, extentOf, fetchView } from './view.js';
import { Provision } from './provision.js';
import { DEFAULT_LAYER, NO_DATA, isLayer, layerById, layerSwitch, makeScale, paramsText, propsFor } from './layers.js';
import { AreaPanel } from './panel.js';
import { Plan } from './plan.js';

const LSOA_MIN_ZOOM = 11; // zoom from which LSOAs replace districts
const LAD_ZOOM = 8; // generalisation asked for the district layer, shown at every zoom below LSOA_MIN_ZOOM
const LAD_LIMIT = 1000;
const LSOA_LIMIT = 5000;
const MAX_PAGES = 40; // a safety stop when following next links
const ENGLAND = [[49.85, -6.45], [55.85, 1.8]]; // fallback extent: [[south, west], [north, east]]
const FAINT_OPACITY = 0.3; // share of the fill opacity of a faint area

const OGL_ATTRIBUTION =
  'Contains public sector information licensed under the ' +
  '<a href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/">Open Government Licence v3.0</a>; ' +
  'Contains OS data © Crown copyright and database right';

// Every property is available when a collection does not list its properties.
const ANY = { has: () => true, size: 0 };

function editionYear(edition) {
  const m = /(\d{4})/.exec(edition);
  return m ? m[1] : edition;
}

function editionLabel(edition) {
  return `IoD ${editionYear(edition)}`;
}

function hashParams() {
  return new URLSearchParams(location.hash.replace(/^#/, ''));
}

function readHash(params = hashParams()) {
  const out = {};
  const edition = params.get('edition');
  if (edition) out.edition = edition;
  const layer = params.get('layer');
  if (layer && isLayer(layer)) out.layer = layer;
  const parts = (params.get('map') || '').split('/').map(Number);
  if (parts.length === 3 && parts.every(Number.isFinite) && Math.abs(parts[1]) <= 90 && Math.abs(parts[2]) <= 180) {
    out.view = { zoom: parts[0], center: [parts[1], parts[2]] };
  }
  return out;
}

// editionsOf lists the editions that have both a district and an LSOA collection, oldest first,
// with the union of their extents, the properties each level publishes and the number of LSOAs
// (lsoas: the N of "rank r of N", null when the server does not say).
function editionsOf(collections) {
  const byEdition = new Map();
  for (const c of collections) {
    const m = /^(.+)-(lsoa|lad)$/.exec(c.id || '');
    if (!m) continue;
    const e = byEdition.get(m[1]) || { id: m[1], levels: {}, props: {}, bbox: null };
    e.levels[m[2]] = c;
    const props = c.spatlas && Array.isArray(c.spatlas.properties) ? c.spatlas.properties.map((p) => p && p.name).filter(Boolean) : null;
    e.props[m[2]] = props ? new Set(props) : ANY;
    const box = extentOf(c);
    if (box) e.bbox = e.bbox ? e.bbox.extend(box) : box;
    if (m[2] === 'lsoa') e.lsoas = c.spatlas && isNum(c.spatlas.count) && c.spatlas.count > 0 ? c.spatlas.count : null;
    byEdition.set(m[1], e);
  }
  return [...byEdition.values()]
    .filter((e) => e.levels.lsoa && e.levels.lad)
    .sort((a, b) => a.id.localeCompare(b.id));
}

function sameSet(a, b) {
  return a.length === b.size && a.every((x) => b.has(x));
}

class Atlas {
  constructor(map, editions, options) {
    this.map = map;
    this.editions = editions;
    this.edition = options.edition;
    this.measure = options.measure;
    this.theme = layerById(options.layer);
    this.els = options.els;
    this.fillOpacity = options.basemap ? 0.65 : 0.85;
    this.renderer = L.canvas({ padding: 0.5 });
    this.ladData = new Map(); // edition -> {props: Set, promise: Promise<{features}>}
    this.lad = null; // {edition, layer, data}
    this.lsoa = null; // {edition, zoom, bounds, all, props, layer, features}
    this.active = null; // {level, layer, features}: the layer group on the map
    this.paint = { lad: null, lsoa: null }; // the scale each level is drawn with
    this.selected = null; // code of the area shown in the panel
    this.dictionary = new Map(); // /api/dictionary columns by name
    this.builds = new Map(); // edition -> Promise<build record or null>
    this.loader = new ViewLoader({
      load: (t) => this.load(t),
      onLoading: () => this.setState('loading'),
      onError: (err) => this.status(err.message, 'error'),
    });
    this.hashExtra = () => ''; // the other parts of the hash, set by the overlays

    const Legend = L.Control.extend({
      options: { position: 'bottomright' },
      onAdd: () => {
        const box = el('section', { class: 'legend', id: 'legend', 'aria-label': 'Legend', hidden: '' });
        L.DomEvent.disableScrollPropagation(box);
        return box;
      },
    });
    this.legend = new Legend();
    this.legend.addTo(map);
    this.switch = layerSwitch({ layer: this.theme.id, onChange: (id) => this.setLayer(id) });
    this.switch.addTo(map);

    this.panel = new AreaPanel(map, {
      container: options.panel,
      dictionary: () => this.dictionary,
      onBuild: (edition, build) => {
        if (!this.builds.has(edition)) this.builds.set(edition, Promise.resolve(build));
      },
      onOpen: (code) => this.select(code),
      onClose: () => this.select(null),
      lsoaCount: (edition) => {
        const e = this.editions.find((x) => x.id === edition);
        return (e && e.lsoas) || null;
      },
    });
  }

  setState(state, info) {
    const ds = document.body.dataset;
    ds.state = state;
    if (info) {
      ds.layer = info.layer;
      ds.theme = info.theme;
      ds.edition = info.edition;
      ds.count = String(info.count);
      ds.fills = info.fills;
      ds.paint = info.paint;
    }
  }

  status(text, state) {
    this.els.status.textContent = text;
    this.setState(state);
  }

  // loadDictionary reads /api/dictionary for the units and definitions of the legends and panel.
  async loadDictionary() {
    try {
      const d = await getJSON('api/dictionary');
      for (const c of (d && Array.isArray(d.columns) ? d.columns : [])) {
        if (c && typeof c.name === 'string') this.dictionary.set(c.name, c);
      }
    } catch (err) {
      // The legends fall back to their own units; the panel shows no definitions.
      console.warn(`spatlas: no data dictionary: ${err.message}`);
      return;
    }
    if (this.active) this.showLegend(this.active.level, this.edition);
  }

  unit(name) {
    const c = this.dictionary.get(name);
    return c && typeof c.unit === 'string' && c.unit ? c.unit : null;
  }

  // buildFor resolves to the build record of an edition (its parameters), or to null when the
  // edition has none. It is read from the builds of /api/datasets or, should that not answer,
  // from the profile of an area of the edition (code).
  buildFor(edition, code) {
    let p = this.builds.get(edition);
    if (!p) {
      p = getJSON('api/datasets')
        .then((d) => {
          if (!d || !Array.isArray(d.builds)) throw new Error('/api/datasets: no builds listed');
          return d.builds.find((b) => b && b.edition === edition) || null;
        })
        .catch(() => {
          const url = new URL(`api/areas/${encodeURIComponent(code)}`, document.baseURI);
          url.searchParams.set('edition', edition);
          return getJSON(url.href).then((profile) => (profile && profile.build) || null);
        });
      p.catch(() => {
        if (this.builds.get(edition) === p) this.builds.delete(edition);
      });
      this.builds.set(edition, p);
    }
    return p;
  }

  // schedule loads the view after it has settled; a load in flight is stale from now on.
  schedule() {
    this.loader.schedule();
  }

  // update loads the view now.
  update() {
    return this.loader.run();
  }

  // load shows the level of the current zoom; t is the view loader's ticket.
  async load(t) {
    const edition = this.edition;
    const level = this.map.getZoom() >= LSOA_MIN_ZOOM ? 'lsoa' : 'lad';
    try {
      if (level === 'lad') await this.showLAD(edition, t);
      else await this.showLSOA(edition, t);
    } catch (err) {
      if (err.name === 'AbortError') throw err;
      const what = level === 'lad' ? 'local authority districts' : 'LSOAs';
      throw new Error(`Could not load the ${editionLabel(edition)} ${what}: ${err.message}`);
    }
  }

  setEdition(edition) {
    if (edition === this.edition || !this.editions.some((e) => e.id === edition)) return;
    this.edition = edition;
    const radio = document.getElementById(`edition-${edition}`);
    if (radio) radio.checked = true;
    this.panel.close();
    this.writeHash();
    this.update();
  }

  setMeasure(measure) {
    this.measure = measure;
    if (this.active && this.active.level === 'lad') this.update();
  }

  setLayer(id) {
    const layer = layerById(id);
    if (layer === this.theme) return;
    this.theme = layer;
    this.switch.show(layer.id);
    this.writeHash();
    this.update();
  }

  writeHash() {
    const c = this.map.getCenter();
    const layer = this.theme.id === DEFAULT_LAYER ? '' : `&layer=${this.theme.id}`;
    const hash = `#edition=${this.edition}&map=${this.map.getZoom()}/${c.lat.toFixed(5)}/${c.lng.toFixed(5)}${layer}${this.hashExtra()}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }

  // needed lists the properties of a level the active layer needs, of those the level publishes.
  needed(edition, level) {
    const e = this.editions.find((x) => x.id === edition);
    const available = (e && e.props[level]) || ANY;
    return ['code', 'name', ...propsFor(this.theme, level, this.measure)].filter((p, i, all) => available.has(p) && all.indexOf(p) === i);
  }

  available(level) {
    const e = this.editions.find((x) => x.id === this.edition);
    return (e && e.props[level]) || ANY;
  }

  // loadLAD loads the districts of an edition with at least the given properties; what is loaded
  // is kept, and a later load asks for the union of the properties.
  loadLAD(edition, need) {
    const cached = this.ladData.get(edition);
    if (cached && need.every((p) => cached.props.has(p))) return cached.promise;
    const props = new Set([...(cached ? cached.props : []), ...need]);
    const url = this.itemsURL(`${edition}-lad`, { zoom: LAD_ZOOM, limit: LAD_LIMIT, properties: [...props].join(',') });
    const promise = fetchPages(url, { maxPages: MAX_PAGES }).then(({ features }) => ({ features }));
    const entry = { props, promise };
    promise.catch(() => {
      if (this.ladData.get(edition) === entry) this.ladData.delete(edition);
    });
    this.ladData.set(edition, entry);
    return promise;
  }

  async showLAD(edition, t) {
    const need = this.needed(edition, 'lad');
    const cached = this.ladData.get(edition);
    if (!cached || !need.every((p) => cached.props.has(p))) {
      this.status(`Loading the ${editionLabel(edition)} local authority districts…`, 'loading');
    }
    const data = await this.loadLAD(edition, need);
    if (t.stale()) return;
    if (!this.lad || this.lad.edition !== edition || this.lad.data !== data) {
      const layer = this.makeLayer({ type: 'FeatureCollection', features: data.features }, 'lad', edition);
      if (this.lad) this.lad.layer.remove();
      this.lad = { edition, layer, data };
    }
    this.activate('lad', this.lad.layer, data.features);
    const { fills, paint } = this.restyle();
    this.showLegend('lad', edition);
    await frame();
    if (t.stale()) return;
    const n = data.features.length;
    this.els.status.textContent = `${editionLabel(edition)} · ${fmtInt(n)} districts · zoom in for LSOAs`;
    this.setState('ready', { layer: 'lad', theme: this.theme.id, edition, count: n, fills, paint });
  }

  async showLSOA(edition, t) {
    const zoom = Math.round(this.map.getZoom());
    const view = this.map.getBounds();
    const cur = this.lsoa;
    const need = this.needed(edition, 'lsoa');
    // Finer geometry is fine when zooming out, as long as it covers the view.
    if (!(cur && cur.edition === edition && cur.zoom >= zoom && covers(cur, view) && need.every((p) => cur.props.has(p)))) {
      this.status(`Loading the ${editionLabel(edition)} LSOAs…`, 'loading');
      const url = (bbox) => this.itemsURL(`${edition}-lsoa`, { bbox, zoom, limit: LSOA_LIMIT, properties: need.join(',') });
      const got = await fetchView(view, url, {
        signal: t.signal,
        maxPages: MAX_PAGES,
        onPage: (features, matched) => {
          if (!t.stale()) this.els.status.textContent = `Loading LSOAs… ${fmtInt(features.length)} of ${fmtInt(matched)}`;
        },
      });
      if (t.stale()) return;
      const layer = this.makeLayer({ type: 'FeatureCollection', features: got.features }, 'lsoa', edition);
      if (cur) cur.layer.remove();
      this.lsoa = { edition, zoom, bounds: got.bounds, all: got.all, props: new Set(need), layer, features: got.features };
    }
    this.activate('lsoa', this.lsoa.layer, this.lsoa.features);
    const { fills, paint } = this.restyle();
    this.showLegend('lsoa', edition);
    await frame();
    if (t.stale()) return;
    const n = this.lsoa.features.length;
    this.els.status.textContent = n
      ? `${editionLabel(edition)} · ${fmtInt(n)} LSOAs`
      : `${editionLabel(edition)} · no LSOAs here`;
    this.setState('ready', { layer: 'lsoa', theme: this.theme.id, edition, count: n, fills, paint });
  }

  activate(level, layer, features) {
    if (this.active && this.active.layer !== layer) this.active.layer.remove();
    if (!this.map.hasLayer(layer)) layer.addTo(this.map);
    this.active = { level, layer, features };
  }

  // restyle draws the active layer with the scale of the active theme and returns the distinct
  // fill colours drawn, space-separated, and a fingerprint of the fill of every area.
  restyle() {
    const { level, layer, features } = this.active;
    this.paint[level] = makeScale(this.theme, level, features, {
      available: this.available(level),
      measure: this.measure,
      unit: (name) => this.unit(name),
    });
    layer.setStyle(layer.options.style);
    const fills = new Set();
    let paint = 2166136261; // FNV-1a over the areas' codes and fills
    layer.eachLayer((l) => {
      const fill = (l.options && l.options.fillColor) || '';
      if (fill) fills.add(fill);
      const p = (l.feature && l.feature.properties) || {};
      for (const ch of `${p.code}:${fill}:${l.options.fillOpacity};`) paint = Math.imul(paint ^ ch.charCodeAt(0), 16777619);
    });
    return { fills: [...fills].sort().join(' '), paint: (paint >>> 0).toString(16) };
  }

  itemsURL(collection, params) {
    const url = new URL(`ogc/collections/${encodeURIComponent(collection)}/items`, document.baseURI);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
    return url.href;
  }

  makeLayer(fc, level, edition) {
    const layer = L.geoJSON(fc, { renderer: this.renderer, style: (f) => this.style(f, level) });
    layer.on('mouseover', (e) => {
      e.layer.setStyle({ weight: 2.5, color: '#000', opacity: 1 });
      e.layer.bringToFront();
    });
    layer.on('mouseout', (e) => layer.resetStyle(e.layer));
    layer.on('click', (e) => {
      const f = e.layer.feature;
      const p = f.properties || {};
      const code = p.code || f.id;
      if (!code) return;
      this.panel.open({ code, level, name: p.name, properties: p, edition });
      // The panel narrows the map: keep the area clicked in view.
      if (!this.map.getBounds().pad(-0.05).contains(e.latlng)) this.map.panTo(e.latlng);
    });
    return layer;
  }

  // setOverrides shows a planning scenario on the LSOA layers: props maps an LSOA code to the
  // properties the scenario changes (gap, underserved) on the edition; null goes back to the
  // stored figures. data-plan-recoloured counts the LSOAs drawn whose fill the scenario changed.
  setOverrides(edition, props) {
    this.overrides = props ? { edition, props } : null;
    let recoloured = 0;
    if (this.active) {
      const { level, layer } = this.active;
      layer.setStyle(layer.options.style);
      const s = this.paint[level];
      if (props && s && level === 'lsoa') {
        layer.eachLayer((l) => {
          const p = (l.feature && l.feature.properties) || {};
          if (!props.has(p.code)) return;
          const c = s.fill(p);
          if ((c ? c.fill : NO_DATA) !== l.options.fillColor) recoloured++;
        });
      }
    }
    document.body.dataset.planRecoloured = String(recoloured);
  }

  style(f, level) {
    let p = f.properties || {};
    const o = level === 'lsoa' && this.overrides && this.overrides.edition === this.edition && this.overrides.props.get(p.code);
    if (o) p = { ...p, ...o };
    const s = this.paint[level];
    const c = s ? s.fill(p) : null;
    const st = level === 'lad'
      ? { color: '#ffffff', weight: 0.8, opacity: 0.8 }
      : { color: '#ffffff', weight: 0.5, opacity: 0.7 };
    st.fillColor = c ? c.fill : NO_DATA;
    st.fillOpacity = c && c.faint ? this.fillOpacity * FAINT_OPACITY : this.fillOpacity;
    if (this.selected && (p.code || f.id) === this.selected) Object.assign(st, { color: '#000000', weight: 3, opacity: 1 });
    return st;
  }

  // select outlines the area with the code (null for none).
  select(code) {
    this.selected = code;
    if (this.active) this.active.layer.setStyle(this.active.layer.options.style);
  }

  showLegend(level, edition) {
    const s = this.paint[level];
    if (!s) return;
    const lg = s.legend;
    const box = this.legend.getContainer();
    const params = lg.params ? el('p', { class: 'note params', 'data-field': 'params' }, 'Build parameters: loading…') : null;
    box.replaceChildren(...[
      el('h2', {}, `${lg.title}, ${editionLabel(edition)}`),
      lg.unit ? el('p', { class: 'unit', 'data-field': 'unit' }, `Unit: ${lg.unit}`) : null,
      el('ol', {}, lg.items.map(([colour, label, faint]) => el('li', {},
        el('span', {
          class: faint ? 'swatch faint' : 'swatch',
          style: { background: colour, opacity: faint ? String(FAINT_OPACITY + 0.2) : null },
          'data-colour': colour,
          'aria-hidden': 'true',
        }), label))),
      ...lg.notes.map((n) => el('p', { class: 'note' }, n)),
      params,
    ].filter(Boolean));
    box.dataset.layer = level;
    box.dataset.theme = this.theme.id;
    box.dataset.fallback = lg.fallback ? 'true' : 'false';
    box.hidden = false;
    if (params) {
      const theme = this.theme;
      const first = this.active && this.active.features.find((f) => f.properties && f.properties.code);
      if (!first) {
        params.textContent = 'Build parameters: no area loaded.';
        return;
      }
      this.buildFor(edition, first.properties.code).then((build) => {
        if (!params.isConnected || theme !== this.theme) return;
        const text = build && paramsText(lg.params, build.params);
        params.textContent = text || 'Build parameters: none recorded (run spatlas build).';
        if (build && build.built_at) params.title = `Built ${build.built_at}`;
      }).catch((err) => {
        if (params.isConnected) params.textContent = `Build parameters: not available (${err.message}).`;
      });
    }
  }
}

function buildEditionSwitch(container, editions, current, onChange) {
  container.replaceChildren(...editions.flatMap((e) => {
    const title = (e.levels.lsoa && e.levels.lsoa.title) || editionLabel(e.id);
    const input = el('input', { type: 'radio', name: 'edition', id: `edition-${e.id}`, value: e.id });
    input.checked = e.id === current;
    input.addEventListener('change', () => {
      if (input.checked) onChange(e.id);
    });
    return [input, el('label', { for: `edition-${e.id}`, title }, editionYear(e.id))];
  }));
}

async function main() {
  const els = {
    status: document.getElementById('status'),
    switch: document.getElementById('edition-switch'),
    options: document.getElementById('edition-options'),
    measure: document.getElementById('lad-measure'),
    panel: document.getElementById('area-panel'),
  };
  const fail = (message) => {
    els.status.textContent = message;
    document.body.dataset.state = 'error';
  };
  if (typeof L === 'undefined') {
    fail('Could not load the map library (leaflet/leaflet.js).');
    return;
  }

  const map = L.map('map', { preferCanvas: true, minZoom: 5, maxZoom: 18, zoomSnap: 1 });
  // The controls come first in the tab order, before the markers on the map.
  const controls = map.getContainer().querySelector('.leaflet-control-container');
  if (controls) map.getContainer().prepend(controls);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  map.attributionControl.addAttribution(OGL_ATTRIBUTION);
  map.fitBounds(ENGLAND);

  let config;
  let collections;
  try {
    [config, collections] = await Promise.all([getJSON('api/config'), getJSON('ogc/collections')]);
  } catch (err) {
    fail(`Could not reach the spatlas server: ${err.message}`);
    return;
  }
  if (config && config.tile_url) {
    L.tileLayer(config.tile_url, { attribution: config.tile_attribution || '', maxZoom: 19 }).addTo(map);
  }

  const editions = editionsOf((collections && collections.collections) || []);
  if (!editions.length) {
    fail('No deprivation edition is loaded on this server yet.');
    return;
  }
  const hash = readHash();
  const edition = editions.some((e) => e.id === hash.edition) ? hash.edition : editions[editions.length - 1].id;
  const atlas = new Atlas(map, editions, {
    edition,
    layer: hash.layer || DEFAULT_LAYER,
    measure: els.measure.value,
    basemap: Boolean(config && config.tile_url),
    els,
    panel: els.panel,
  });

  const provision = new Provision(map, {
    collections: (collections && collections.collections) || [],
    itemsURL: (collection, params) => atlas.itemsURL(collection, params),
    hash: hashParams(),
    statusEl: document.getElementById('provision-status'),
    onChange: () => atlas.writeHash(),
  });
  const plan = new Plan(map, {
    edition: () => atlas.edition,
    panel: document.getElementById('plan-panel'),
    button: document.getElementById('plan-toggle'),
    hash: hashParams(),
    onChange: () => atlas.writeHash(),
    onScenario: (edition, props) => atlas.setOverrides(edition, props),
  });
  atlas.hashExtra = () => provision.hashPart() + plan.hashPart();
  atlas.panel.categoryLabel = (id) => {
    const c = provision.assets.cats && provision.assets.cats.byId.get(id);
    return c ? c.label : id;
  };

  buildEditionSwitch(els.options, editions, edition, (id) => atlas.setEdition(id));
  els.switch.disabled = false;
  els.measure.addEventListener('change', () => atlas.setMeasure(els.measure.value));

  let extent = null;
  for (const e of editions) {
    if (e.bbox) extent = extent ? extent.extend(e.bbox) : L.latLngBounds(e.bbox.getSouthWest(), e.bbox.getNorthEast());
  }
  if (hash.view) map.setView(hash.view.center, hash.view.zoom);
  else map.fitBounds(extent || ENGLAND);

  map.on('moveend', () => {
    atlas.writeHash();
    atlas.schedule();
    provision.schedule();
  });
  window.addEventListener('hashchange', () => {
    const params = hashParams();
    const h = readHash(params);
    provision.applyHash(params);
    if (h.edition) atlas.setEdition(h.edition);
    if (h.layer) atlas.setLayer(h.layer);
    if (h.view) map.setView(h.view.center, h.view.zoom);
  });
  atlas.writeHash();
  atlas.update();
  atlas.loadDictionary();
  plan.start().catch((err) => {
    document.body.dataset.planState = 'error';
    throw err;
  });
  provision.start().catch((err) => {
    const status = document.getElementById('provision-status');
    if (status) status.textContent = `The provision layers failed to start: ${err.message}`;
    throw err;
  });
}

main().catch((err) => {
  const status = document.getElementById('status');
  if (status) status.textContent = `The map failed to start: ${err.message}`;
  document.body.dataset.state = 'error';
  throw err;
});
