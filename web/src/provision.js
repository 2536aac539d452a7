// spatlas map: the provision overlays over the deprivation choropleth.
//
// Two overlays, both on by default and both in the layer control:
//   - community assets (collection "assets"): markers coloured by category (colours and labels
//     from /api/categories), clustered with leaflet.markercluster below CLUSTER_OFF_ZOOM, and a
//     category filter control;
//   - link worker services (collection "services"): circles whose area is proportional to the
//     link worker FTE, with a size legend.
//
// Each overlay is loaded by the view loader (view.js). A load is kept while the view stays inside
// it, and for good once it covers the collection's whole extent: zoomed out on England the first
// load (one request of up to 10,000 features) holds every service and asset, and panning or
// zooming in then costs nothing. The few most recent loads are kept, so that a category filter
// undone costs no request.
//
// The hash carries which overlays are on (layers=assets,services; absent means both, empty means
// none) and the selected asset categories (cat=food,housing; absent means all, empty means none).
// For tests, <body> carries data-assets-state and data-services-state ("loading", "ready",
// "error", "off" when the overlay is switched off, "unavailable" when the server has no such
// collection) and data-assets-count and data-services-count (features loaded in the overlay).

import { dec2, el, fmtInt, frame, getJSON, isNum, svg } from './util.js';
import { VIEW_PAD, ViewLoader, covers, extentOf, fetchView } from './view.js';

const PAGE_LIMIT = 10000; // features per request: the most the server returns in one page
const MAX_PAGES = 5; // a safety stop when following next links
const CACHE_LOADS = 3; // recent loads kept per overlay, so that a filter undone costs no request
const CLUSTER_OFF_ZOOM = 15; // from this zoom every asset has its own marker
const CLUSTER_RADIUS = 50; // px

const SERVICES_PANE = 'spatlas-services';
const SERVICE_FILL = '#d55e00'; // Okabe-Ito vermilion: apart from every colour of the viridis choropleth
const MIN_RADIUS = 2.5; // px: the smallest circle drawn, whatever the FTE
const LEGEND_FTE = [0.5, 1, 2];

// Used for a category whose colour the server does not give (or gives unusable): Okabe-Ito and
// Paul Tol's muted scheme, distinguishable under the common colour vision deficiencies.
const FALLBACK_COLOURS = [
  '#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#332288',
  '#882255', '#44aa99', '#999933', '#aa4499',
];
const OTHER_COLOUR = '#777777';

const PROVIDER_TYPES = {
  pcn: 'Primary care network link workers',
  vcs: 'Voluntary and community sector',
  la: 'Local authority',
  other: 'Other provider',
};

const POPUP = { maxWidth: 340, autoPanPadding: [24, 24] };

// fteScale is the radius in px of a 1 FTE circle at a zoom: circles grow as the map zooms in, so
// that thousands of practices do not bury England and a few are still easy to see in a town.
export function fteScale(zoom) {
  if (zoom <= 7) return 3;
  if (zoom <= 9) return 5;
  if (zoom <= 11) return 7;
  return 10;
}

// fteRadius makes the circle's area proportional to the FTE, above a minimum visible radius.
export function fteRadius(fte, scale) {
  return Math.max(MIN_RADIUS, scale * Math.sqrt(isNum(fte) && fte > 0 ? fte : 0));
}

// safeURL returns the URL when it is an absolute http(s) URL, else null.
function safeURL(value) {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (!/^https?:\/\//i.test(text)) return null;
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : null;
  } catch {
    return null;
  }
}

function text(v) {
  return typeof v === 'string' ? v.trim() : isNum(v) ? String(v) : '';
}

function lowerFirst(label) {
  // "Food" -> "food", but "NHS services" stays.
  return /^[A-Z][a-z]/.test(label) ? label[0].toLowerCase() + label.slice(1) : label;
}

function pointOf(f) {
  const g = f && f.geometry;
  const c = g && g.type === 'Point' && Array.isArray(g.coordinates) ? g.coordinates : null;
  return c && isNum(c[0]) && isNum(c[1]) && Math.abs(c[1]) <= 90 ? L.latLng(c[1], c[0]) : null;
}

function row(label, field, ...value) {
  if (value.every((v) => v === '' || v === null || v === undefined)) return null;
  return el('tr', {}, el('th', { scope: 'row' }, label), el('td', { 'data-field': field }, ...value));
}

// Categories holds the asset taxonomy of /api/categories and a style sheet with one class per
// category setting --cat, its colour (through the CSSOM: nothing from the server is parsed).
class Categories {
  constructor(list) {
    this.list = [];
    this.byId = new Map();
    const style = el('style', { id: 'asset-category-colours' });
    document.head.append(style);
    const sheet = style.sheet;
    const items = (Array.isArray(list) ? list : []).filter((c) => c && typeof c === 'object');
    const usable = (colour) => colour !== '' && CSS.supports('color', colour);
    const taken = new Set(items.map((c) => text(c.colour).toLowerCase()).filter(usable));
    const spare = FALLBACK_COLOURS.filter((colour) => !taken.has(colour));
    let fallback = 0;
    for (const c of items) {
      const id = text(c.id);
      if (!id || this.byId.has(id)) continue;
      let colour = text(c.colour);
      if (!usable(colour)) colour = spare.length ? spare[fallback++ % spare.length] : OTHER_COLOUR;
      const cat = {
        id,
        label: text(c.label) || id,
        group: text(c.group) || 'other',
        groupLabel: text(c.group_label) || text(c.group) || 'Other',
        colour,
        count: isNum(c.count) ? c.count : null,
        className: `asset-cat-${this.list.length}`,
      };
      const rule = sheet.cssRules[sheet.insertRule(`.${cat.className} {}`, sheet.cssRules.length)];
      rule.style.setProperty('--cat', colour);
      this.list.push(cat);
      this.byId.set(id, cat);
    }
    this.icons = new Map();
  }

  className(id) {
    const c = this.byId.get(id);
    return c ? c.className : 'asset-cat-other';
  }

  label(p) {
    const c = this.byId.get(p.category);
    return text(p.category_label) || (c && c.label) || text(p.category) || 'asset';
  }

  icon(id) {
    const cls = this.className(id);
    let icon = this.icons.get(cls);
    if (!icon) {
      icon = L.divIcon({ className: `asset-marker ${cls}`, iconSize: [14, 14], html: '' });
      this.icons.set(cls, icon);
    }
    return icon;
  }

  groups() {
    const out = new Map();
    for (const c of this.list) {
      if (!out.has(c.group)) out.set(c.group, { id: c.group, label: c.groupLabel, categories: [] });
      out.get(c.group).categories.push(c);
    }
    return [...out.values()];
  }
}

function assetName(p, cats) {
  return text(p.name) || `Unnamed ${lowerFirst(cats.label(p))}`;
}

function assetPopup(f, cats) {
  const p = f.properties || {};
  const label = cats.label(p);
  const url = safeURL(p.url);
  let website = null;
  if (url) {
    const shown = (url.host + (url.pathname === '/' ? '' : url.pathname)).slice(0, 48);
    website = el('a', { href: url.href, rel: 'noopener noreferrer external', target: '_blank' }, shown);
  } else if (text(p.url)) {
    website = text(p.url); // not a web address: shown as text, never as a link
  }
  const sources = Array.isArray(p.sources) && p.sources.length
    ? p.sources.filter((s) => s && typeof s === 'object').map((s) => [text(s.dataset), text(s.source_id)])
    : [[text(p.source), text(p.source_id)]];
  const sourceList = el('ul', { class: 'sources' }, sources
    .filter(([d, id]) => d || id)
    .map(([d, id]) => el('li', {}, d, d && id ? ' · ' : '', id)));
  const rows = [
    row('Address', 'address', text(p.address)),
    row('Postcode', 'postcode', text(p.postcode)),
    row('Website', 'url', website),
    row(sources.length > 1 ? 'Sources' : 'Source', 'source', sourceList.childElementCount ? sourceList : ''),
    row('LSOA (2021)', 'lsoa21_code', text(p.lsoa21_code)),
    row('LSOA (2011)', 'lsoa11_code', text(p.lsoa11_code)),
  ];
  return el('div', { class: 'provision', 'data-kind': 'asset', 'data-id': text(f.id) || text(p.id) },
    el('h2', { 'data-field': 'name' }, assetName(p, cats)),
    el('p', { class: 'meta' },
      el('span', { class: `swatch ${cats.className(p.category)}`, 'aria-hidden': 'true' }),
      el('span', { 'data-field': 'category' }, label)),
    el('table', {}, el('tbody', {}, rows)));
}

function servicePopup(f) {
  const p = f.properties || {};
  const type = text(p.provider_type);
  const pcn = text(p.pcn_name);
  const pcnCode = text(p.pcn_code);
  const name = text(p.name) || (text(p.practice_code) ? `Practice ${text(p.practice_code)}` : 'Unnamed service');
  const source = [text(p.source), text(p.source_id)].filter(Boolean).join(' · ');
  const rows = [
    row('PCN', 'pcn', pcn, pcn && pcnCode ? ' ' : '', pcnCode ? `(${pcnCode})` : ''),
    row('Practice code', 'practice_code', text(p.practice_code)),
    row('Link worker FTE', 'fte', isNum(p.fte) ? dec2.format(p.fte) : 'n/a'),
    row('Caseload', 'caseload', isNum(p.caseload) ? fmtInt(p.caseload) : ''),
    row('Address', 'address', text(p.address)),
    row('Postcode', 'postcode', text(p.postcode)),
    row('Source', 'source', source),
    row('LSOA (2021)', 'lsoa21_code', text(p.lsoa21_code)),
  ];
  return el('div', { class: 'provision', 'data-kind': 'service', 'data-id': text(f.id) || text(p.id) },
    el('h2', { 'data-field': 'name' }, name),
    el('p', { class: 'meta', 'data-field': 'provider_type' }, PROVIDER_TYPES[type] || type || 'Provider type unknown'),
    el('table', {}, el('tbody', {}, rows)));
}

// Overlay is one provision layer: what it loads for the view, its state, and its <body> hooks.
class Overlay {
  constructor(map, { key, collection, noun, layer, itemsURL, onStatus }) {
    this.map = map;
    this.key = key; // "assets" or "services": the data-<key>-state and data-<key>-count hooks
    this.collection = collection; // the collection document, or undefined when the server lacks it
    this.noun = noun;
    this.layer = layer;
    this.itemsURL = itemsURL;
    this.onStatus = onStatus;
    this.enabled = false;
    this.blocked = null; // a reason the overlay cannot load (set before it is enabled)
    this.loaded = null; // the load on the map: {key, bounds, all, features, count, matched, truncated}
    this.cache = []; // recent loads, newest first, the one on the map among them
    this.state = 'off';
    this.message = '';
    this.loader = new ViewLoader({
      load: (t) => this.load(t),
      onLoading: () => this.setState('loading'),
      onError: (err) => {
        this.message = err.message;
        this.setState('error', this.loaded ? this.loaded.count : 0);
      },
    });
    this.extent = extentOf(collection);
    layer.on('add', () => this.setEnabled(true));
    layer.on('remove', () => this.setEnabled(false));
    this.setState(collection ? 'off' : 'unavailable', 0);
  }

  setState(state, count) {
    this.state = state;
    const ds = document.body.dataset;
    ds[`${this.key}State`] = state;
    if (count !== undefined) ds[`${this.key}Count`] = String(count);
    this.onStatus();
  }

  statusText() {
    switch (this.state) {
      case 'loading': return `Loading ${this.noun}…`;
      case 'error': return `Could not load the ${this.noun}: ${this.message}`;
      case 'unavailable': return `No ${this.noun} on this server`;
      case 'ready': {
        const l = this.loaded;
        if (!l) return '';
        const n = `${fmtInt(l.count)} ${this.noun}`;
        return l.truncated && isNum(l.matched) ? `${n} of ${fmtInt(l.matched)} here: zoom in for all` : n;
      }
      default: return '';
    }
  }

  setEnabled(on) {
    if (on === this.enabled) return;
    this.enabled = on;
    if (on) {
      this.loader.run();
    } else {
      this.loader.stop();
      this.setState('off', 0);
    }
  }

  // schedule loads the view after it has settled; a load in flight is stale from now on.
  schedule() {
    if (this.enabled) this.loader.schedule();
  }

  // params are the query parameters besides bbox and limit, or null when nothing can match.
  params() {
    return {};
  }

  // load shows the features of the view, from a recent load that covers it or else from the
  // server; t is the view loader's ticket.
  async load(t) {
    if (!this.enabled) return;
    if (this.blocked) {
      this.message = this.blocked;
      this.setState('error', 0);
      return;
    }
    const params = this.params();
    const key = JSON.stringify(params);
    const view = this.map.getBounds();
    let load = this.cache.find((l) => l.key === key && covers(l, view));
    if (!load) {
      this.setState('loading');
      let got = { bounds: view.pad(VIEW_PAD), all: true, features: [], matched: 0, truncated: false };
      if (params) {
        const url = (bbox) => this.itemsURL(this.collection.id, { bbox, limit: PAGE_LIMIT, ...params });
        got = await fetchView(view, url, { signal: t.signal, maxPages: MAX_PAGES, extent: this.extent });
        if (t.stale()) return;
      }
      load = { key, ...got, count: 0 };
    }
    if (load !== this.loaded) {
      load.count = this.render(load.features);
      this.loaded = load;
    }
    this.cache = [load, ...this.cache.filter((l) => l !== load)].slice(0, CACHE_LOADS);
    await frame();
    if (t.stale()) return;
    this.setState('ready', this.loaded.count);
  }
}

// Attributions the map shows while a layer is on: the licences of the sources ask for them.
const ASSETS_ATTRIBUTION = 'Community assets: data © <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors (ODbL); ' +
  'DCMS libraries via Libraries Hacked; Trafford Data Lab and the publishers it names; Open Referral UK directories';
const SERVICES_ATTRIBUTION = 'Link workers: contains information from NHS England (OGL v3.0)';

class Assets extends Overlay {
  constructor(map, options) {
    const clustered = typeof L.markerClusterGroup === 'function';
    const layer = clustered
      ? L.markerClusterGroup({
        disableClusteringAtZoom: CLUSTER_OFF_ZOOM,
        maxClusterRadius: CLUSTER_RADIUS,
        showCoverageOnHover: false,
        spiderfyOnMaxZoom: false,
        iconCreateFunction: (cluster) => Assets.clusterIcon(cluster.getChildCount()),
        attribution: ASSETS_ATTRIBUTION,
      })
      : L.featureGroup([], { attribution: ASSETS_ATTRIBUTION });
    super(map, { ...options, key: 'assets', noun: 'community assets', layer });
    if (!clustered) this.blocked = 'the marker clustering library (markercluster/leaflet.markercluster.js) did not load';
    this.cats = null;
    this.selection = null; // null: every category; else a Set of category ids
  }

  static clusterIcon(n) {
    const size = n < 10 ? 30 : n < 100 ? 36 : n < 1000 ? 42 : 48;
    return L.divIcon({
      className: 'asset-cluster',
      iconSize: [size, size],
      html: el('span', {}, fmtInt(n), el('span', { class: 'visually-hidden' }, ' community assets: press Enter to zoom in')),
    });
  }

  setCategories(cats) {
    this.cats = cats;
    if (this.selection) {
      this.selection = new Set([...this.selection].filter((id) => cats.byId.has(id)));
      if (this.selection.size === cats.list.length) this.selection = null;
    }
  }

  setSelection(ids) {
    const all = this.cats && ids.length === this.cats.list.length;
    this.selection = all ? null : new Set(ids);
    this.schedule();
  }

  selected(id) {
    return !this.selection || this.selection.has(id);
  }

  params() {
    if (!this.selection) return {};
    if (!this.selection.size) return null;
    return { category: [...this.selection].join(',') };
  }

  render(features) {
    const markers = [];
    const cats = this.cats;
    for (const f of features) {
      const at = pointOf(f);
      if (!at) continue;
      const p = f.properties || {};
      const title = `${assetName(p, cats)} (${cats.label(p)})`;
      const m = L.marker(at, { icon: cats.icon(p.category), title, keyboard: true, riseOnHover: true });
      m.bindPopup(() => assetPopup(f, cats), POPUP);
      const id = text(f.id) || text(p.id);
      m.on('add', () => {
        const node = m.getElement();
        if (node) node.dataset.id = id;
      });
      markers.push(m);
    }
    this.layer.clearLayers();
    this.layer.addLayers(markers);
    return markers.length;
  }
}

class Services extends Overlay {
  constructor(map, options) {
    map.createPane(SERVICES_PANE).classList.add('services-pane');
    const renderer = L.svg({ pane: SERVICES_PANE, padding: 0.3 });
    super(map, { ...options, key: 'services', noun: 'link worker services', layer: L.featureGroup([], { attribution: SERVICES_ATTRIBUTION }) });
    this.renderer = renderer;
    this.scale = fteScale(map.getZoom());
    this.onScale = options.onScale;
    this.layer.on('mouseover', (e) => e.layer.setStyle({ weight: 2.5, color: '#000' }));
    this.layer.on('mouseout', (e) => e.layer.setStyle({ weight: 1, color: '#fff' }));
    map.on('zoomend', () => {
      const scale = fteScale(map.getZoom());
      if (scale === this.scale) return;
      this.scale = scale;
      this.layer.eachLayer((c) => c.setRadius(fteRadius(c.fte, scale)));
      this.onScale(scale);
    });
  }

  render(features) {
    const items = [];
    for (const f of features) {
      const at = pointOf(f);
      if (at) items.push({ f, at, fte: f.properties && isNum(f.properties.fte) ? f.properties.fte : 0 });
    }
    // Largest first, so that small circles are drawn over large ones and stay clickable.
    items.sort((a, b) => b.fte - a.fte);
    this.layer.clearLayers();
    for (const { f, at, fte } of items) {
      const c = L.circleMarker(at, {
        renderer: this.renderer,
        pane: SERVICES_PANE,
        radius: fteRadius(fte, this.scale),
        color: '#fff',
        weight: 1,
        opacity: 0.9,
        fillColor: SERVICE_FILL,
        fillOpacity: 0.7,
      });
      c.fte = fte;
      c.bindPopup(() => servicePopup(f), POPUP);
      c.on('add', () => {
        const node = c.getElement();
        if (!node) return;
        node.dataset.fte = String(fte);
        node.dataset.id = text(f.id) || text(f.properties && f.properties.id);
      });
      this.layer.addLayer(c);
    }
    return items.length;
  }
}

// CategoryFilter is the control listing the asset categories by group, with their colour and
// count, as checkboxes, and "All" and "None" shortcuts.
function categoryFilter(cats, assets, onChange) {
  const boxes = [];
  const summary = el('span', { class: 'cat-summary' });
  const sync = () => {
    const n = boxes.filter((b) => b.checked).length;
    summary.textContent = n === boxes.length ? `all ${boxes.length}` : `${n} of ${boxes.length}`;
  };
  const changed = () => {
    sync();
    onChange(boxes.filter((b) => b.checked).map((b) => b.value));
  };
  const setAll = (on) => {
    for (const b of boxes) b.checked = on;
    changed();
  };
  const groups = cats.groups().map((g) => el('fieldset', { class: 'cat-group' },
    el('legend', {}, g.label),
    g.categories.map((c) => {
      const id = `cat-${c.className}`;
      const box = el('input', { type: 'checkbox', id, value: c.id, 'data-category': c.id });
      box.checked = assets.selected(c.id);
      box.addEventListener('change', changed);
      boxes.push(box);
      return el('div', { class: 'cat-item' },
        box,
        el('label', { for: id },
          el('span', { class: `swatch ${c.className}`, 'aria-hidden': 'true' }),
          c.label,
          c.count !== null ? el('span', { class: 'count' }, ` (${fmtInt(c.count)})`) : ''));
    })));
  const button = (label, on) => {
    const b = el('button', { type: 'button', 'data-action': on ? 'all' : 'none' }, label);
    b.addEventListener('click', () => setAll(on));
    return b;
  };
  const wide = window.matchMedia('(min-width: 900px) and (min-height: 640px)').matches;
  const details = el('details', { class: 'cat-filter', id: 'category-filter' },
    el('summary', {}, 'Asset categories ', summary),
    el('div', { class: 'cat-actions', role: 'group', 'aria-label': 'Select categories' }, button('All', true), button('None', false)),
    el('div', { class: 'cat-groups' }, groups));
  details.open = wide;
  sync();
  return {
    node: details,
    set(selection) {
      for (const b of boxes) b.checked = !selection || selection.has(b.value);
      sync();
    },
  };
}

function fteLegend(box, scale) {
  const r = LEGEND_FTE.map((fte) => fteRadius(fte, scale));
  const size = Math.ceil(2 * Math.max(...r) + 4);
  box.replaceChildren(
    el('h2', {}, 'Link worker services'),
    el('ol', {}, LEGEND_FTE.map((fte, i) => el('li', { 'data-fte': String(fte) },
      svg('svg', { width: size, height: Math.ceil(2 * r[i] + 4), 'aria-hidden': 'true', class: 'fte-circle' },
        svg('circle', {
          cx: size / 2, cy: r[i] + 2, r: r[i].toFixed(2),
          fill: SERVICE_FILL, 'fill-opacity': 0.7, stroke: '#333', 'stroke-width': 1,
        })),
      `${fte} FTE`))),
    el('p', { class: 'note' }, 'Full-time equivalent link workers at the practice or service: circle area is in proportion.'),
  );
}

// readLayers returns the overlays the hash turns on, or null when it does not say.
function readLayers(params) {
  if (!params.has('layers')) return null;
  return new Set(params.get('layers').split(',').map((s) => s.trim()).filter(Boolean));
}

function readCats(params) {
  if (!params.has('cat')) return undefined; // not said
  return new Set(params.get('cat').split(',').map((s) => s.trim()).filter(Boolean));
}

function hashList(ids) {
  return ids.map((id) => (/^[\w.-]+$/.test(id) ? id : encodeURIComponent(id))).join(',');
}

// Provision sets up both overlays, the layer control, the category filter and the FTE legend.
export class Provision {
  constructor(map, { collections, itemsURL, hash, statusEl, onChange }) {
    this.map = map;
    this.statusEl = statusEl;
    this.onChange = onChange; // the hash needs writing
    const byId = new Map((collections || []).map((c) => [c.id, c]));
    const onStatus = () => this.showStatus();
    this.assets = new Assets(map, { collection: byId.get('assets'), itemsURL, onStatus });
    this.services = new Services(map, {
      collection: byId.get('services'),
      itemsURL,
      onStatus,
      onScale: (scale) => this.showLegend(scale),
    });
    const cats = readCats(hash);
    if (cats !== undefined) this.assets.selection = cats;
    this.initial = readLayers(hash) || new Set(['assets', 'services']);

    const overlays = {};
    if (this.assets.collection) overlays['Community assets'] = this.assets.layer;
    if (this.services.collection) overlays['Link worker services (FTE)'] = this.services.layer;
    if (Object.keys(overlays).length) {
      this.control = L.control.layers(null, overlays, { collapsed: !window.matchMedia('(min-width: 700px)').matches, position: 'topright' });
      this.control.addTo(map);
    }

    const FilterBox = L.Control.extend({
      options: { position: 'topleft' },
      onAdd: () => {
        const node = el('section', { class: 'leaflet-bar cat-box', id: 'category-box', 'aria-label': 'Community asset categories', hidden: '' });
        L.DomEvent.disableClickPropagation(node);
        L.DomEvent.disableScrollPropagation(node);
        return node;
      },
    });
    this.filterBox = new FilterBox().addTo(map);
    // Above the deprivation legend, so that the legends are read together.
    const LegendBox = L.Control.extend({
      options: { position: 'bottomright' },
      onAdd: () => el('section', { class: 'legend fte-legend', id: 'fte-legend', 'aria-label': 'Link worker services legend', hidden: '' }),
    });
    this.legendBox = new LegendBox().addTo(map);
    this.showLegend(this.services.scale);

    this.assets.layer.on('add remove', () => this.changed());
    this.services.layer.on('add remove', () => this.changed());
  }

  // start loads the categories and turns on the overlays the hash asks for.
  async start() {
    if (this.initial.has('services')) this.show(this.services, true);
    if (this.assets.collection) {
      try {
        const list = await getJSON('api/categories');
        if (!Array.isArray(list)) throw new Error('/api/categories: the response is not a list');
        this.setCategories(new Categories(list));
      } catch (err) {
        this.assets.blocked = err.message;
      }
    }
    this.started = true;
    if (this.initial.has('assets')) this.show(this.assets, true);
  }

  show(overlay, on) {
    if (!overlay.collection) return;
    if (on && !this.map.hasLayer(overlay.layer)) overlay.layer.addTo(this.map);
    if (!on && this.map.hasLayer(overlay.layer)) overlay.layer.remove();
  }

  setCategories(cats) {
    this.assets.setCategories(cats);
    this.filter = categoryFilter(cats, this.assets, (ids) => {
      this.assets.setSelection(ids);
      this.onChange();
    });
    this.filterBox.getContainer().replaceChildren(this.filter.node);
    this.changed();
  }

  changed() {
    this.filterBox.getContainer().hidden = !(this.filter && this.map.hasLayer(this.assets.layer));
    this.legendBox.getContainer().hidden = !this.map.hasLayer(this.services.layer);
    this.onChange();
  }

  showLegend(scale) {
    fteLegend(this.legendBox.getContainer(), scale);
  }

  showStatus() {
    if (!this.statusEl) return;
    const parts = [this.assets, this.services].filter(Boolean).map((o) => o.statusText()).filter(Boolean);
    this.statusEl.textContent = parts.join(' · ');
    this.statusEl.classList.toggle('error', [this.assets, this.services].some((o) => o && o.state === 'error'));
  }

  // schedule reloads the overlays that are on for a new view.
  schedule() {
    this.assets.schedule();
    this.services.schedule();
  }

  // applyHash applies the parts of a changed hash that it names.
  applyHash(params) {
    const layers = readLayers(params);
    if (layers) {
      if (this.started) {
        this.show(this.assets, layers.has('assets'));
        this.show(this.services, layers.has('services'));
      } else {
        // start has not turned the overlays on yet: it will, as the hash now says.
        this.initial = layers;
        this.show(this.services, layers.has('services'));
      }
    }
    const cats = readCats(params);
    if (cats !== undefined) {
      const now = this.assets.selection;
      const same = (cats === null && now === null) || (cats && now && cats.size === now.size && [...cats].every((c) => now.has(c)));
      if (!same) {
        this.assets.selection = cats;
        if (this.assets.cats) {
          this.assets.setCategories(this.assets.cats);
          this.filter.set(this.assets.selection);
          this.assets.schedule();
        }
        this.onChange();
      }
    }
  }

  // hashPart is this module's part of the hash: empty while everything is at its default.
  hashPart() {
    let s = '';
    const offered = [this.assets, this.services].filter((o) => o.collection);
    const on = offered.filter((o) => (o === this.assets && !this.started ? this.initial.has('assets') : this.map.hasLayer(o.layer)));
    if (on.length !== offered.length) s += `&layers=${on.map((o) => o.key).join(',')}`;
    const sel = this.assets.selection;
    if (sel) s += `&cat=${hashList([...sel])}`;
    return s;
  }
}
