// spatlas map: the area panel, a side panel with the profile of the area clicked.
//
// open() shows at once what the map's feature holds (name, code, IMD) and then fetches
// /api/areas/{code}?edition= for the profile: the parents, every metric with its standing in
// England and in the LAD and ICB (and their values beside it), the underserved and hot spot
// status, the nearest assets and services (a click pans the map to one) and the build parameters
// the metrics were computed with, with a link to download the LSOAs of the area's district.
// The close button and Escape close it.
//
// For tests the panel carries data-state ("loading", "ready", "error"), data-code, data-level
// and data-edition; values carry data-field, each metric's rows data-metric and each standing
// data-standing (the level of the area it is compared within).

import { el, getJSON, isNum } from './util.js';
import { DOMAINS, RAMP, fmtMetric } from './layers.js';

const LEVELS = {
  lsoa: 'LSOA', msoa: 'MSOA', lad: 'Local authority district', icb: 'Integrated care board', region: 'Region', country: 'Country',
};
const SHORT_LEVEL = { lsoa: 'LSOA', msoa: 'MSOA', lad: 'LAD', icb: 'ICB', region: 'region', country: 'England' };

// Labels of the metrics, in the order they are shown, by section. The definitions and units come
// from /api/dictionary.
const SECTIONS = [
  ['Need', [
    ['need_pct', 'Need percentile'],
  ]],
  ['Provision', [
    ['assets_access_per_1k', 'Access to community assets'],
    ['lw_fte_per_10k', 'Link worker FTE per 10,000'],
    ['provision_pct', 'Provision percentile'],
    ['assets_n', 'Community assets in the area'],
    ['assets_per_1k', 'Assets per 1,000 people'],
    ['assets_within_1600m', 'Assets within 1,600 m'],
    ['nearest_asset_m', 'Nearest asset'],
    ['lw_fte', 'Link worker FTE based here'],
  ]],
  ['Gap', [
    ['gap', 'Gap (need \u2212 provision)'],
    ['gi_z', 'Gi* z-score of the gap'],
    ['gi_p', 'Gi* p-value'],
  ]],
  ['Underserved and hot spots', [
    ['underserved_lsoas', 'Underserved LSOAs'],
    ['underserved_population', 'People in underserved LSOAs'],
    ['hotspot_lsoas', 'LSOAs in hot spots'],
  ]],
];
const KNOWN = new Set(SECTIONS.flatMap(([, ms]) => ms.map(([m]) => m)));

const PROVIDERS = { pcn: 'PCN', vcs: 'voluntary and community sector', la: 'local authority', other: 'other provider' };

const PARAMS = [
  ['assets_catchment_m', 'Asset catchment (d0)', (v) => fmtMetric('x_m', v)],
  ['lw_catchment_m', 'Link worker catchment (d0)', (v) => fmtMetric('x_m', v)],
  ['weights', 'Distance-band weights', (v) => (Array.isArray(v) ? v.join(', ') : String(v))],
  ['gap_metric', 'Provision metric of the gap', String],
  ['underserved_max_decile', 'Underserved: IMD decile at most', String],
  ['underserved_max_provision_pct', 'Underserved: provision percentile at most', String],
  ['hotspot_fdr', 'Hot spots: false discovery rate', String],
];

function ordinalRank(rank, of) {
  return `${isNum(rank) ? rank.toLocaleString('en-GB') : 'n/a'} of ${isNum(of) ? of.toLocaleString('en-GB') : 'n/a'}`;
}

function decileBadge(decile, field) {
  if (!isNum(decile) || decile < 1 || decile > 10) return el('span', { 'data-field': field }, 'n/a');
  return el('span', {
    class: 'decile',
    'data-field': field,
    style: { background: RAMP[decile - 1], color: decile <= 5 ? '#fff' : '#000' },
  }, String(decile));
}

function yesNo(v) {
  return v === true ? 'yes' : v === false ? 'no' : 'n/a';
}

function editionLabel(edition) {
  const m = /(\d{4})/.exec(edition || '');
  return m ? `IoD ${m[1]}` : edition;
}

export class AreaPanel {
  // map: the Leaflet map; container: the panel's element; dictionary(): Map of the dictionary's
  // columns by name; onBuild(edition, build): a profile's build record; onClose(): the panel closed;
  // lsoaCount(edition): LSOAs in England, for "rank r of N".
  // onOpen(code): an area is shown; categoryLabel(id): the label of an asset category.
  constructor(map, { container, dictionary, onBuild, onOpen, onClose, lsoaCount }) {
    this.map = map;
    this.onOpen = onOpen;
    this.categoryLabel = (id) => id;
    this.box = container;
    this.dictionary = dictionary;
    this.onBuild = onBuild;
    this.onClose = onClose;
    this.lsoaCount = lsoaCount;
    this.abort = null;
    this.area = null;
    this.marker = null;
    this.opener = null;
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.isOpen()) {
        e.preventDefault();
        this.close();
      }
    });
  }

  isOpen() {
    return !this.box.hidden;
  }

  // open shows the area: {code, level, name, properties (those the map has), edition}.
  open(area) {
    if (this.abort) this.abort.abort();
    const ctrl = new AbortController();
    this.abort = ctrl;
    this.area = area;
    this.onOpen(area.code);
    const wasOpen = this.isOpen();
    if (!wasOpen) this.opener = document.activeElement;
    this.render(area, null);
    this.setState('loading');
    this.box.hidden = false;
    if (!wasOpen) this.map.invalidateSize({ pan: false });
    this.box.querySelector('h2').focus({ preventScroll: true });
    const url = new URL(`api/areas/${encodeURIComponent(area.code)}`, document.baseURI);
    url.searchParams.set('edition', area.edition);
    getJSON(url.href, ctrl.signal).then((profile) => {
      if (this.abort !== ctrl) return;
      if (profile && profile.build) this.onBuild(area.edition, profile.build);
      this.render(area, profile);
      this.setState('ready');
    }).catch((err) => {
      if (err.name === 'AbortError' || this.abort !== ctrl) return;
      const status = this.box.querySelector('.panel-status');
      status.textContent = `Could not load the profile: ${err.message}`;
      status.classList.add('error');
      this.setState('error');
    });
  }

  close() {
    if (!this.isOpen()) return;
    if (this.abort) this.abort.abort();
    this.abort = null;
    this.area = null;
    this.box.hidden = true;
    this.box.replaceChildren();
    delete this.box.dataset.state;
    if (this.marker) this.marker.remove();
    this.marker = null;
    this.map.invalidateSize({ pan: false });
    const back = this.opener && this.opener.isConnected && this.opener !== document.body ? this.opener : this.map.getContainer();
    back.focus({ preventScroll: true });
    this.opener = null;
    this.onClose();
  }

  setState(state) {
    this.box.dataset.state = state;
  }

  unit(name) {
    const d = this.dictionary().get(name);
    return d && d.unit ? d.unit : '';
  }

  definition(name) {
    const d = this.dictionary().get(name);
    if (!d) return null;
    return [d.definition, d.methods_section ? `METHODS.md: ${d.methods_section}` : ''].filter(Boolean).join(' \u2014 ');
  }

  render(area, profile) {
    const p = { ...(area.properties || {}), ...((profile && profile.properties) || {}) };
    const info = (profile && profile.area) || {};
    const level = info.level || area.level;
    const code = info.code || area.code;
    const name = info.name || area.name || p.name || code;
    const box = this.box;
    box.dataset.code = code;
    box.dataset.level = level;
    box.dataset.edition = area.edition;

    const close = el('button', { type: 'button', class: 'panel-close', 'aria-label': 'Close the area panel', title: 'Close (Esc)' }, '\u00d7');
    close.addEventListener('click', () => this.close());
    const parts = [
      el('header', { class: 'panel-head' },
        el('h2', { id: 'area-panel-title', tabindex: '-1' }, el('span', { 'data-field': 'name' }, name)),
        close),
      el('p', { class: 'meta' },
        `${LEVELS[level] || level} `, el('span', { 'data-field': 'code' }, code), ` \u00b7 ${editionLabel(area.edition)}`),
    ];
    if (profile && Array.isArray(profile.parents) && profile.parents.length) {
      parts.push(el('ul', { class: 'parents', 'aria-label': 'Part of' }, profile.parents.map((a) => {
        const b = el('button', { type: 'button', class: 'link', 'data-code': a.code, title: `Show the profile of ${a.name || a.code}` }, a.name || a.code);
        b.addEventListener('click', () => this.open({ code: a.code, level: a.level, name: a.name, edition: area.edition }));
        return el('li', { 'data-level': a.level }, el('span', { class: 'muted' }, `${SHORT_LEVEL[a.level] || a.level}: `), b);
      })));
    }
    parts.push(this.deprivation(level, p, area.edition));
    parts.push(el('p', { class: 'panel-status', role: 'status' }, profile ? '' : 'Loading the profile\u2026'));
    if (profile) {
      parts.push(this.status(level, p));
      parts.push(...this.metrics(profile));
      parts.push(this.nearest('Nearest community assets', 'assets', profile.nearest_assets, (a) => [a.category_label || (a.category ? this.categoryLabel(a.category) : null)]));
      parts.push(this.nearest('Nearest link worker services', 'services', profile.nearest_services,
        (s) => [PROVIDERS[s.provider_type] || s.provider_type, isNum(s.fte) ? `${fmtMetric('fte', s.fte)} FTE` : null]));
      parts.push(this.download(area.edition, level, code, name, profile.parents || []));
      parts.push(this.build(profile.build));
    }
    const focused = box.contains(document.activeElement);
    box.replaceChildren(...parts.filter(Boolean));
    if (focused) box.querySelector('h2').focus({ preventScroll: true });
  }

  deprivation(level, p, edition) {
    const rows = [];
    const row = (label, field, ...value) => el('tr', {}, el('th', { scope: 'row', title: this.definition(field) }, label), el('td', { 'data-field': field }, ...value));
    if (level === 'lsoa') {
      const n = this.lsoaCount(edition);
      rows.push(el('tr', {}, el('th', { scope: 'row', title: this.definition('imd_rank') }, 'IMD rank'),
        el('td', {}, el('span', { 'data-field': 'imd_rank' }, fmtMetric('imd_rank', p.imd_rank)), n && isNum(p.imd_rank) ? ` of ${n.toLocaleString('en-GB')}` : '')));
      rows.push(el('tr', {}, el('th', { scope: 'row' }, 'IMD decile'), el('td', {}, decileBadge(p.imd_decile, 'imd_decile'))));
      rows.push(el('tr', {}, el('th', { scope: 'rowgroup', colspan: '2' }, el('strong', {}, 'Domain deciles (1 = most deprived)'))));
      for (const [d, label] of DOMAINS) {
        rows.push(el('tr', {}, el('th', { scope: 'row' }, label), el('td', {}, decileBadge(p[`${d}_decile`], `${d}_decile`))));
      }
    } else {
      rows.push(row('LSOAs', 'lsoa_count', fmtMetric('lsoa_count', p.lsoa_count)));
      const pct = isNum(p.lsoa_decile1_pct) ? ` (${fmtMetric('lsoa_decile1_pct', p.lsoa_decile1_pct)})` : '';
      rows.push(row('In the most deprived 10%', 'lsoa_decile1_count', `${fmtMetric('lsoa_decile1_count', p.lsoa_decile1_count)}${pct}`));
      rows.push(row('Average rank (higher = more deprived)', 'imd_avg_rank', isNum(p.imd_avg_rank) ? p.imd_avg_rank.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : 'n/a'));
    }
    rows.push(row('Population', 'population', fmtMetric('population', p.population)));
    return el('section', { class: 'panel-section', 'aria-label': 'Deprivation' },
      el('h3', {}, 'Deprivation'),
      el('table', { class: 'facts' }, el('tbody', {}, rows)));
  }

  status(level, p) {
    const items = [];
    if (level === 'lsoa') {
      items.push(el('li', {}, 'Underserved: ', el('strong', { 'data-field': 'underserved' }, yesNo(p.underserved))));
      let hot = 'n/a';
      if (isNum(p.gi_z)) {
        if (p.gi_sig === true) hot = p.gi_z > 0 ? 'in a hot spot (need outruns provision around it)' : 'in a cold spot';
        else hot = 'not in a significant cluster';
      }
      items.push(el('li', {}, 'Hot spot: ', el('strong', { 'data-field': 'hotspot' }, hot)));
    } else {
      items.push(el('li', {}, 'Underserved LSOAs: ', el('strong', { 'data-field': 'underserved_lsoas' }, fmtMetric('underserved_lsoas', p.underserved_lsoas))));
      items.push(el('li', {}, 'LSOAs in hot spots: ', el('strong', { 'data-field': 'hotspot_lsoas' }, fmtMetric('hotspot_lsoas', p.hotspot_lsoas))));
    }
    return el('section', { class: 'panel-section', 'aria-label': 'Status' }, el('ul', { class: 'status-list' }, items));
  }

  metrics(profile) {
    const metrics = Array.isArray(profile.metrics) ? profile.metrics.filter((m) => m && m.name) : [];
    const byName = new Map(metrics.map((m) => [m.name, m]));
    const sections = SECTIONS.map(([title, list]) => [title, list.filter(([m]) => byName.has(m)), false]);
    const nearest = metrics.filter((m) => !KNOWN.has(m.name) && /^nearest_.+_m$/.test(m.name))
      .map((m) => [m.name, `Nearest ${this.categoryLabel(m.name.slice('nearest_'.length, -2)).toLowerCase()}`]);
    if (nearest.length) sections.push(['Nearest asset by category', nearest, true]);
    const other = metrics.filter((m) => !KNOWN.has(m.name) && !/^nearest_.+_m$/.test(m.name)).map((m) => [m.name, m.name]);
    if (other.length) sections.push(['Other measures', other, true]);
    const out = [];
    for (const [title, list, folded] of sections) {
      if (!list.length) continue;
      const heading = folded ? el('summary', {}, el('h3', {}, title)) : el('h3', {}, title);
      out.push(el(folded ? 'details' : 'section', { class: 'panel-section metrics', 'aria-label': title },
        heading,
        el('table', { class: 'standings' },
          el('thead', {}, el('tr', {},
            el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, 'Measure')),
            el('th', { scope: 'col' }, 'Value'),
            el('th', { scope: 'col', title: 'Rank of this area among the areas of its level in the comparison area; 1 = highest value' }, 'Rank'))),
          list.map(([name, label]) => this.metric(byName.get(name), label)))));
    }
    if (out.length) out.unshift(el('p', { class: 'note' }, 'Beside each comparison area: that area\u2019s own value, and this area\u2019s rank within it (1 = highest value).'));
    return out;
  }

  metric(m, label) {
    const unit = this.unit(m.name);
    const rows = [el('tr', { class: 'metric-row' },
      el('th', { scope: 'rowgroup', title: this.definition(m.name) }, label, unit ? el('span', { class: 'unit' }, ` (${unit})`) : ''),
      el('td', { 'data-field': 'value', 'data-value': isNum(m.value) ? String(m.value) : null }, fmtMetric(m.name, m.value)),
      el('td', {}))];
    for (const s of Array.isArray(m.standings) ? m.standings : []) {
      const a = s.area || {};
      const where = a.level === 'country' ? (a.name || 'England') : `${a.name || a.code} (${SHORT_LEVEL[a.level] || a.level})`;
      const pct = isNum(s.percentile) ? `, percentile ${fmtMetric('x_pct', s.percentile)}` : '';
      rows.push(el('tr', { class: 'standing', 'data-standing': a.level || '', 'data-code': a.code || null },
        el('th', { scope: 'row' }, where),
        el('td', { 'data-field': 'peer-value' }, fmtMetric(m.name, s.value)),
        el('td', { 'data-field': 'rank', title: `rank ${ordinalRank(s.rank, s.of)}${pct}` }, ordinalRank(s.rank, s.of))));
    }
    return el('tbody', { 'data-metric': m.name }, rows);
  }

  nearest(title, kind, list, details) {
    const items = Array.isArray(list) ? list.filter((x) => x && isNum(x.lat) && isNum(x.lon)) : [];
    const body = items.length
      ? el('ol', { class: 'nearest' }, items.map((x) => {
        const extra = details(x).filter(Boolean).join(' \u00b7 ');
        const b = el('button', { type: 'button', class: 'link', 'data-id': String(x.id), 'data-lat': String(x.lat), 'data-lon': String(x.lon), title: 'Show on the map' },
          x.name || `${kind} ${x.id}`);
        b.addEventListener('click', () => this.panTo(x));
        return el('li', { 'data-kind': kind }, b,
          el('span', { class: 'muted' }, ` ${extra ? `${extra} \u00b7 ` : ''}`, el('span', { 'data-field': 'distance_m' }, fmtMetric('distance_m', x.distance_m))));
      }))
      : el('p', { class: 'muted' }, 'None loaded.');
    return el('section', { class: 'panel-section', 'aria-label': title, 'data-nearest': kind }, el('h3', {}, title), body);
  }

  panTo(x) {
    const at = L.latLng(x.lat, x.lon);
    if (this.marker) this.marker.remove();
    this.marker = L.circleMarker(at, {
      radius: 11, color: '#000', weight: 3, fill: false, interactive: false, className: 'nearest-highlight',
    }).addTo(this.map);
    this.map.setView(at, Math.max(this.map.getZoom(), 15));
  }

  download(edition, level, code, name, parents) {
    let lad = null;
    if (level === 'lad') lad = { code, name };
    else if (level === 'lsoa' || level === 'msoa') lad = parents.find((a) => a.level === 'lad') || null;
    const target = lad || (level === 'icb' || level === 'region' ? { code, name } : null);
    if (!target) return null;
    const href = `api/download/${encodeURIComponent(edition)}/lsoa.csv?area=${encodeURIComponent(target.code)}`;
    return el('section', { class: 'panel-section', 'aria-label': 'Download' },
      el('h3', {}, 'Data'),
      el('p', {}, el('a', { href, download: '', 'data-field': 'download' }, `Download the LSOAs of ${target.name || target.code} (CSV)`)));
  }

  build(build) {
    if (!build || typeof build !== 'object') return null;
    const params = build.params || {};
    const rows = PARAMS.filter(([k]) => params[k] !== undefined && params[k] !== null)
      .map(([k, label, fmt]) => el('tr', {}, el('th', { scope: 'row' }, label), el('td', { 'data-param': k }, fmt(params[k]))));
    if (build.built_at) {
      const t = new Date(build.built_at);
      rows.push(el('tr', {}, el('th', { scope: 'row' }, 'Built'), el('td', {}, Number.isNaN(t.getTime()) ? String(build.built_at) : t.toLocaleString('en-GB'))));
    }
    return el('section', { class: 'panel-section', 'aria-label': 'Build parameters' },
      el('h3', {}, 'Build parameters'),
      el('table', { class: 'facts params' }, el('tbody', {}, rows)));
  }
}
