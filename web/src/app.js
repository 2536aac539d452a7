// spatlas map: deprivation choropleths over the OGC API - Features collections of the server.
//
// Zoomed out, the map shows the local authority districts (LAD) of the selected edition, fetched
// once per edition. Zoomed in (LSOA_MIN_ZOOM and closer), it shows the LSOAs of the padded view,
// fetched per view with bbox and zoom, following next links; a view change aborts a stale load.
//
// The view and the edition are kept in the location hash (#edition=iod2025&map=14/54.57450/-1.23500),
// so a view can be shared and set from outside. For tests, <body> carries data-state ("loading",
// "ready", "error"), and once the active layer has rendered data-layer ("lad", "lsoa"),
// data-edition and data-count (features in the active layer).
//
// The provision overlays (community assets and link worker services) live in provision.js; they
// add their own part to the hash (layers=, cat=) and their own data attributes to <body>.

import { bboxParam, dec1, dec2, el, fetchPages, fmtInt, frame, getJSON, int, isNum } from './util.js';
import { Provision } from './provision.js';

const LSOA_MIN_ZOOM = 11; // zoom from which LSOAs replace districts
const LAD_ZOOM = 8; // generalisation asked for the district layer, shown at every zoom below LSOA_MIN_ZOOM
const LAD_LIMIT = 1000;
const LSOA_LIMIT = 5000;
const MAX_PAGES = 40; // a safety stop when following next links
const DEBOUNCE_MS = 200;
const VIEW_PAD = 0.3; // share of the view added on each side of an LSOA request
const ENGLAND = [[49.85, -6.45], [55.85, 1.8]]; // fallback extent: [[south, west], [north, east]]

const OGL_ATTRIBUTION =
  'Contains public sector information licensed under the ' +
  '<a href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/">Open Government Licence v3.0</a>; ' +
  'Contains OS data © Crown copyright and database right';

// Viridis in ten steps: colour-blind safe and readable in greyscale. Index 0 is decile 1, the most
// deprived tenth, and the darkest.
const RAMP = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];
const NO_DATA = '#bdbdbd';

const DOMAINS = [
  ['income', 'Income'],
  ['employment', 'Employment'],
  ['education', 'Education, skills and training'],
  ['health', 'Health deprivation and disability'],
  ['crime', 'Crime'],
  ['housing', 'Barriers to housing and services'],
  ['environment', 'Living environment'],
];

// LSOAs in England per edition: the N of "rank r of N".
const LSOA_COUNT = { iod2019: 32844, iod2025: 33755 };

const LSOA_PROPERTIES = [
  'code', 'name', 'lad_name', 'imd_rank', 'imd_decile',
  ...DOMAINS.map(([d]) => `${d}_decile`),
  'population',
];
const LAD_PROPERTIES = ['code', 'name', 'lsoa_count', 'lsoa_decile1_count', 'lsoa_decile1_pct', 'imd_avg_rank', 'population'];

// Classes of lsoa_decile1_pct, most deprived first: [lowest value in the class, label].
const PCT_CLASSES = [
  [50, '50% or more'], [40, '40% to 50%'], [30, '30% to 40%'], [20, '20% to 30%'], [15, '15% to 20%'],
  [10, '10% to 15%'], [5, '5% to 10%'], [2.5, '2.5% to 5%'], [Number.MIN_VALUE, 'above 0 to 2.5%'], [0, 'none'],
];

function editionYear(edition) {
  const m = /(\d{4})/.exec(edition);
  return m ? m[1] : edition;
}

function editionLabel(edition) {
  return `IoD ${editionYear(edition)}`;
}

function textColour(index) {
  return index < 5 ? '#fff' : '#000';
}

function decileBadge(decile, field) {
  if (!isNum(decile) || decile < 1 || decile > 10) return el('span', { 'data-field': field }, 'n/a');
  return el('span', {
    class: 'decile',
    'data-field': field,
    style: { background: RAMP[decile - 1], color: textColour(decile - 1) },
  }, String(decile));
}

function hashParams() {
  return new URLSearchParams(location.hash.replace(/^#/, ''));
}

function readHash(params = hashParams()) {
  const out = {};
  const edition = params.get('edition');
  if (edition) out.edition = edition;
  const parts = (params.get('map') || '').split('/').map(Number);
  if (parts.length === 3 && parts.every(Number.isFinite) && Math.abs(parts[1]) <= 90 && Math.abs(parts[2]) <= 180) {
    out.view = { zoom: parts[0], center: [parts[1], parts[2]] };
  }
  return out;
}

// editionsOf lists the editions that have both a district and an LSOA collection, oldest first,
// with the union of their extents.
function editionsOf(collections) {
  const byEdition = new Map();
  for (const c of collections) {
    const m = /^(.+)-(lsoa|lad)$/.exec(c.id || '');
    if (!m) continue;
    const e = byEdition.get(m[1]) || { id: m[1], levels: {}, bbox: null };
    e.levels[m[2]] = c;
    const b = c.extent && c.extent.spatial && c.extent.spatial.bbox && c.extent.spatial.bbox[0];
    if (Array.isArray(b) && b.length >= 4 && b.slice(0, 4).every(isNum)) {
      const box = L.latLngBounds([b[1], b[0]], [b[3], b[2]]);
      e.bbox = e.bbox ? e.bbox.extend(box) : box;
    }
    byEdition.set(m[1], e);
  }
  return [...byEdition.values()]
    .filter((e) => e.levels.lsoa && e.levels.lad)
    .sort((a, b) => a.id.localeCompare(b.id));
}

// avgRankClasses splits the districts into tenths by average rank, most deprived (highest) first.
function avgRankClasses(features) {
  const values = features.map((f) => f.properties && f.properties.imd_avg_rank).filter(isNum).sort((a, b) => b - a);
  const classes = [];
  const n = values.length;
  for (let i = 0; i < 10 && n > 0; i++) {
    const slice = values.slice(Math.floor((i * n) / 10), Math.floor(((i + 1) * n) / 10));
    if (slice.length) classes.push({ max: slice[0], min: slice[slice.length - 1] });
    else classes.push(null);
  }
  return classes;
}

function pctClass(pct) {
  if (!isNum(pct)) return -1;
  if (pct <= 0) return PCT_CLASSES.length - 1;
  return PCT_CLASSES.findIndex(([lo]) => pct >= lo);
}

function avgRankClass(rank, classes) {
  if (!isNum(rank)) return -1;
  for (let i = 0; i < classes.length; i++) {
    if (classes[i] && rank >= classes[i].min) return i;
  }
  return classes.length - 1;
}

class Atlas {
  constructor(map, editions, options) {
    this.map = map;
    this.editions = editions;
    this.edition = options.edition;
    this.measure = options.measure;
    this.els = options.els;
    this.fillOpacity = options.basemap ? 0.65 : 0.85;
    this.renderer = L.canvas({ padding: 0.5 });
    this.popup = L.popup({ maxWidth: 340, autoPanPadding: [24, 24] });
    this.ladData = new Map(); // edition -> Promise<{features, classes}>
    this.lad = null; // {edition, layer, data}
    this.lsoa = null; // {edition, zoom, bounds, layer, count}
    this.active = null; // the layer group on the map
    this.seq = 0;
    this.abort = null;
    this.timer = 0;
    this.hashExtra = () => ''; // the other parts of the hash, set by the overlays

    const Legend = L.Control.extend({
      options: { position: 'bottomright' },
      onAdd: () => el('section', { class: 'legend', id: 'legend', 'aria-label': 'Legend', hidden: '' }),
    });
    this.legend = new Legend();
    this.legend.addTo(map);
  }

  setState(state, info) {
    const ds = document.body.dataset;
    ds.state = state;
    if (info) {
      ds.layer = info.layer;
      ds.edition = info.edition;
      ds.count = String(info.count);
    }
  }

  status(text, state) {
    this.els.status.textContent = text;
    this.setState(state);
  }

  // schedule runs update after the view has settled; a load in flight is stale from now on.
  schedule() {
    clearTimeout(this.timer);
    if (this.abort) this.abort.abort();
    this.setState('loading');
    this.timer = setTimeout(() => this.update(), DEBOUNCE_MS);
  }

  async update() {
    clearTimeout(this.timer);
    if (this.abort) this.abort.abort();
    const seq = ++this.seq;
    const ctrl = new AbortController();
    this.abort = ctrl;
    const edition = this.edition;
    const level = this.map.getZoom() >= LSOA_MIN_ZOOM ? 'lsoa' : 'lad';
    try {
      if (level === 'lad') await this.showLAD(edition, seq);
      else await this.showLSOA(edition, seq, ctrl.signal);
    } catch (err) {
      if (err.name === 'AbortError' || seq !== this.seq) return;
      const what = level === 'lad' ? 'local authority districts' : 'LSOAs';
      this.status(`Could not load the ${editionLabel(edition)} ${what}: ${err.message}`, 'error');
    }
  }

  setEdition(edition) {
    if (edition === this.edition || !this.editions.some((e) => e.id === edition)) return;
    this.edition = edition;
    const radio = document.getElementById(`edition-${edition}`);
    if (radio) radio.checked = true;
    this.map.closePopup();
    this.writeHash();
    this.update();
  }

  setMeasure(measure) {
    this.measure = measure;
    if (this.lad) {
      const data = this.lad.data;
      this.lad.layer.setStyle((f) => this.ladStyle(f, data));
      if (this.active === this.lad.layer) this.showLegend('lad', this.lad.edition, data);
    }
  }

  writeHash() {
    const c = this.map.getCenter();
    const hash = `#edition=${this.edition}&map=${this.map.getZoom()}/${c.lat.toFixed(5)}/${c.lng.toFixed(5)}${this.hashExtra()}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }

  loadLAD(edition) {
    let p = this.ladData.get(edition);
    if (!p) {
      const url = this.itemsURL(`${edition}-lad`, { zoom: LAD_ZOOM, limit: LAD_LIMIT, properties: LAD_PROPERTIES.join(',') });
      // Not aborted by view changes: districts are fetched once per edition and kept.
      p = this.fetchAll(url, null, null, 'local authority districts').then((features) => ({
        features,
        classes: avgRankClasses(features),
      }));
      p.catch(() => this.ladData.delete(edition));
      this.ladData.set(edition, p);
    }
    return p;
  }

  async showLAD(edition, seq) {
    if (!this.lad || this.lad.edition !== edition) {
      this.status(`Loading the ${editionLabel(edition)} local authority districts…`, 'loading');
      const data = await this.loadLAD(edition);
      if (seq !== this.seq) return;
      const layer = this.makeLayer({ type: 'FeatureCollection', features: data.features }, (f) => this.ladStyle(f, data), 'lad', edition, data);
      if (this.lad) this.lad.layer.remove();
      this.lad = { edition, layer, data };
    }
    this.activate(this.lad.layer);
    this.showLegend('lad', edition, this.lad.data);
    await frame();
    if (seq !== this.seq) return;
    const n = this.lad.data.features.length;
    this.els.status.textContent = `${editionLabel(edition)} · ${fmtInt(n)} districts · zoom in for LSOAs`;
    this.setState('ready', { layer: 'lad', edition, count: n });
  }

  async showLSOA(edition, seq, signal) {
    const zoom = Math.round(this.map.getZoom());
    const view = this.map.getBounds();
    const cur = this.lsoa;
    // Finer geometry is fine when zooming out, as long as it covers the view.
    if (!(cur && cur.edition === edition && cur.zoom >= zoom && cur.bounds.contains(view))) {
      this.status(`Loading the ${editionLabel(edition)} LSOAs…`, 'loading');
      const bounds = view.pad(VIEW_PAD);
      const bbox = bboxParam(bounds);
      const url = this.itemsURL(`${edition}-lsoa`, { bbox, zoom, limit: LSOA_LIMIT, properties: LSOA_PROPERTIES.join(',') });
      const features = await this.fetchAll(url, signal, seq, 'LSOAs');
      if (seq !== this.seq) return;
      const layer = this.makeLayer({ type: 'FeatureCollection', features }, (f) => this.lsoaStyle(f), 'lsoa', edition);
      if (cur) cur.layer.remove();
      this.lsoa = { edition, zoom, bounds, layer, count: features.length };
    }
    this.activate(this.lsoa.layer);
    this.showLegend('lsoa', edition);
    await frame();
    if (seq !== this.seq) return;
    const n = this.lsoa.count;
    this.els.status.textContent = n
      ? `${editionLabel(edition)} · ${fmtInt(n)} LSOAs`
      : `${editionLabel(edition)} · no LSOAs here`;
    this.setState('ready', { layer: 'lsoa', edition, count: n });
  }

  activate(layer) {
    if (this.active && this.active !== layer) this.active.remove();
    if (!this.map.hasLayer(layer)) layer.addTo(this.map);
    this.active = layer;
  }

  itemsURL(collection, params) {
    const url = new URL(`ogc/collections/${encodeURIComponent(collection)}/items`, document.baseURI);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
    return url.href;
  }

  // fetchAll reads every page of an items request by its next links.
  async fetchAll(url, signal, seq, what) {
    const { features } = await fetchPages(url, {
      signal,
      maxPages: MAX_PAGES,
      onPage: (got, matched) => {
        if (seq !== null && seq === this.seq) {
          this.els.status.textContent = `Loading ${what}… ${fmtInt(got.length)} of ${fmtInt(matched)}`;
        }
      },
    });
    return features;
  }

  makeLayer(fc, style, level, edition, data) {
    const layer = L.geoJSON(fc, { renderer: this.renderer, style });
    layer.on('mouseover', (e) => {
      e.layer.setStyle({ weight: 2.5, color: '#000', opacity: 1, fillOpacity: Math.min(1, this.fillOpacity + 0.1) });
      e.layer.bringToFront();
    });
    layer.on('mouseout', (e) => layer.resetStyle(e.layer));
    layer.on('click', (e) => {
      const content = level === 'lad' ? this.ladPopup(e.layer.feature, edition) : this.lsoaPopup(e.layer.feature, edition);
      this.popup.setLatLng(e.latlng).setContent(content).openOn(this.map);
    });
    return layer;
  }

  lsoaStyle(f) {
    const d = f.properties && f.properties.imd_decile;
    const fill = isNum(d) && d >= 1 && d <= 10 ? RAMP[d - 1] : NO_DATA;
    return { color: '#ffffff', weight: 0.5, opacity: 0.7, fillColor: fill, fillOpacity: this.fillOpacity };
  }

  ladStyle(f, data) {
    const p = f.properties || {};
    const i = this.measure === 'avgrank' ? avgRankClass(p.imd_avg_rank, data.classes) : pctClass(p.lsoa_decile1_pct);
    const fill = i >= 0 ? RAMP[i] : NO_DATA;
    return { color: '#ffffff', weight: 0.8, opacity: 0.8, fillColor: fill, fillOpacity: this.fillOpacity };
  }

  showLegend(level, edition, data) {
    const box = this.legend.getContainer();
    const items = [];
    let title;
    let note;
    if (level === 'lsoa') {
      title = `LSOAs by IMD decile, ${editionLabel(edition)}`;
      for (let i = 0; i < 10; i++) {
        const label = i === 0 ? '1: most deprived 10%' : i === 9 ? '10: least deprived 10%' : String(i + 1);
        items.push([RAMP[i], label]);
      }
      note = 'Decile of the LSOA among all LSOAs in England.';
    } else if (this.measure === 'avgrank') {
      title = `Districts by average rank, ${editionLabel(edition)}`;
      data.classes.forEach((c, i) => {
        if (!c) return;
        const prefix = i === 0 ? '1 (most deprived)' : i === 9 ? '10 (least deprived)' : String(i + 1);
        items.push([RAMP[i], `${prefix}: ${int.format(c.min)} to ${int.format(c.max)}`]);
      });
      note = 'Tenths of districts by the population-weighted average of their LSOAs\u2019 IMD ranks (higher = more deprived). Zoom in for LSOAs.';
    } else {
      title = `Districts: share of LSOAs in the most deprived 10%, ${editionLabel(edition)}`;
      PCT_CLASSES.forEach(([, label], i) => items.push([RAMP[i], label]));
      note = 'Zoom in for LSOAs.';
    }
    box.replaceChildren(
      el('h2', {}, title),
      el('ol', {}, items.map(([colour, label]) => el('li', {},
        el('span', { class: 'swatch', style: { background: colour }, 'aria-hidden': 'true' }), label))),
      el('p', { class: 'note' }, note),
    );
    box.dataset.layer = level;
    box.hidden = false;
  }

  lsoaPopup(f, edition) {
    const p = f.properties || {};
    const code = p.code || f.id || '';
    const n = LSOA_COUNT[edition];
    const rows = [
      el('tr', {}, el('th', { scope: 'row' }, 'IMD rank'),
        el('td', {}, el('span', { 'data-field': 'imd_rank' }, fmtInt(p.imd_rank)), n && isNum(p.imd_rank) ? ` of ${int.format(n)}` : '')),
      el('tr', {}, el('th', { scope: 'row' }, 'IMD decile'), el('td', {}, decileBadge(p.imd_decile, 'imd_decile'))),
      el('tr', {}, el('th', { scope: 'rowgroup', colspan: '2' }, el('strong', {}, 'Domain deciles (1 = most deprived)'))),
      ...DOMAINS.map(([d, label]) => el('tr', {}, el('th', { scope: 'row' }, label), el('td', {}, decileBadge(p[`${d}_decile`], `${d}_decile`)))),
      el('tr', {}, el('th', { scope: 'row' }, 'Population'), el('td', {}, fmtInt(p.population))),
    ];
    return el('div', { class: 'area', 'data-level': 'lsoa', 'data-edition': edition },
      el('h2', {}, p.name || code),
      el('p', { class: 'meta' },
        'LSOA ', el('span', { 'data-field': 'code' }, code),
        p.lad_name ? ` in ${p.lad_name}` : '', ` · ${editionLabel(edition)}`),
      el('table', {}, el('tbody', {}, rows)));
  }

  ladPopup(f, edition) {
    const p = f.properties || {};
    const code = p.code || f.id || '';
    const pct = isNum(p.lsoa_decile1_pct) ? ` (${dec1.format(p.lsoa_decile1_pct)}%)` : '';
    const rows = [
      el('tr', {}, el('th', { scope: 'row' }, 'LSOAs'), el('td', { 'data-field': 'lsoa_count' }, fmtInt(p.lsoa_count))),
      el('tr', {}, el('th', { scope: 'row' }, 'In the most deprived 10%'),
        el('td', { 'data-field': 'lsoa_decile1_count' }, `${fmtInt(p.lsoa_decile1_count)}${pct}`)),
      el('tr', {}, el('th', { scope: 'row' }, 'Average rank (higher = more deprived)'),
        el('td', { 'data-field': 'imd_avg_rank' }, isNum(p.imd_avg_rank) ? dec2.format(p.imd_avg_rank) : 'n/a')),
      el('tr', {}, el('th', { scope: 'row' }, 'Population'), el('td', {}, fmtInt(p.population))),
    ];
    return el('div', { class: 'area', 'data-level': 'lad', 'data-edition': edition },
      el('h2', {}, p.name || code),
      el('p', { class: 'meta' }, 'Local authority district ', el('span', { 'data-field': 'code' }, code), ` · ${editionLabel(edition)}`),
      el('table', {}, el('tbody', {}, rows)));
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
    measure: els.measure.value,
    basemap: Boolean(config && config.tile_url),
    els,
  });

  const provision = new Provision(map, {
    collections: (collections && collections.collections) || [],
    itemsURL: (collection, params) => atlas.itemsURL(collection, params),
    hash: hashParams(),
    statusEl: document.getElementById('provision-status'),
    onChange: () => atlas.writeHash(),
  });
  atlas.hashExtra = () => provision.hashPart();

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
    if (h.view) map.setView(h.view.center, h.view.zoom);
  });
  atlas.writeHash();
  atlas.update();
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
