// spatlas map: the thematic layers of the choropleth and their colour scales.
//
// Five groups of layers, chosen with the layer switch (a Leaflet control) and kept in the hash as
// layer=<id> (absent means the default, "imd"):
//   - need: the IMD decile, each domain decile and the need percentile;
//   - provision: E2SFCA access to community assets and link worker FTE per 10,000;
//   - gap: need percentile minus provision percentile, on a diverging scale;
//   - underserved: LSOAs flagged underserved, the others faint;
//   - hotspots: the Getis-Ord Gi* z-score of the gap, diverging, saturated only where significant
//     after the Benjamini-Hochberg correction.
// At district level the LSOA-only layers fall back to the district aggregates: the share of the
// district's LSOAs that are underserved or hotspots; the domain deciles, which districts do not
// have, fall back to the district IMD measure.
//
// makeScale turns a layer, a level and the loaded features into a style function and a legend.
// Continuous metrics are classed by quantiles of the features loaded; deciles keep the fixed
// ten-step ramp; the gap and Gi* z use fixed diverging classes centred on 0.

import { el, int, isNum } from './util.js';

// Viridis in ten steps: colour-blind safe and readable in greyscale. Index 0 is decile 1, the most
// deprived tenth, and the darkest.
export const RAMP = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];
export const NO_DATA = '#bdbdbd';
const FAINT = '#d9d9d9';
const FLAG = '#c51b7d'; // ColorBrewer PiYG magenta: apart from the provision overlays' colours

// ColorBrewer YlGnBu (sequential, colour-blind safe): light = little provision, dark = much.
const PROVISION_RAMP = ['#ffffcc', '#c7e9b4', '#7fcdbb', '#41b6c4', '#1d91c0', '#225ea8', '#0c2c84'];
// Magenta ramp for the share of a district's LSOAs flagged (light = few, dark = many).
const SHARE_RAMP = ['#fde0ef', '#f1b6da', '#de77ae', '#c51b7d', '#8e0152'];
// ColorBrewer PuOr, 7 classes: purple where provision outruns need, orange where need outruns it.
const GAP_RAMP = ['#542788', '#998ec3', '#d8daeb', '#f7f7f7', '#fee0b6', '#f1a340', '#b35806'];
// ColorBrewer RdBu, 7 classes: blue cold spots, red hot spots.
const GI_RAMP = ['#2166ac', '#67a9cf', '#d1e5f0', '#f7f7f7', '#fddbc7', '#ef8a62', '#b2182b'];

export const DOMAINS = [
  ['income', 'Income'],
  ['employment', 'Employment'],
  ['education', 'Education, skills and training'],
  ['health', 'Health deprivation and disability'],
  ['crime', 'Crime'],
  ['housing', 'Barriers to housing and services'],
  ['environment', 'Living environment'],
];

export const GROUPS = [
  ['need', 'Need'],
  ['provision', 'Provision'],
  ['gap', 'Gap'],
  ['underserved', 'Underserved'],
  ['hotspots', 'Hotspots'],
];

// The layers. prop is the LSOA property coloured; agg, where given, the district property used
// instead (with lsoa_count) for the share of LSOAs.
export const LAYERS = [
  { id: 'imd', group: 'need', label: 'IMD decile', kind: 'decile', prop: 'imd_decile' },
  ...DOMAINS.map(([d, label]) => ({ id: d, group: 'need', label: `${label} decile`, kind: 'decile', prop: `${d}_decile` })),
  { id: 'need', group: 'need', label: 'Need percentile', kind: 'quantile', prop: 'need_pct', ramp: [...RAMP].reverse(), unit: 'percentile, 1 = most deprived' },
  { id: 'assets', group: 'provision', label: 'Access to community assets', kind: 'quantile', prop: 'assets_access_per_1k', ramp: PROVISION_RAMP, unit: 'assets per 1,000 people (E2SFCA)' },
  { id: 'linkworkers', group: 'provision', label: 'Link worker FTE per 10,000', kind: 'quantile', prop: 'lw_fte_per_10k', ramp: PROVISION_RAMP, unit: 'link worker FTE per 10,000 people (E2SFCA)' },
  { id: 'gap', group: 'gap', label: 'Need minus provision', kind: 'gap', prop: 'gap', unit: 'need percentile - provision percentile, -1 to 1' },
  { id: 'underserved', group: 'underserved', label: 'Underserved areas', kind: 'flag', prop: 'underserved', agg: 'underserved_lsoas' },
  { id: 'hotspots', group: 'hotspots', label: 'Hotspots of the gap (Gi*)', kind: 'gi', prop: 'gi_z', sig: 'gi_sig', agg: 'hotspot_lsoas', unit: 'Gi* z-score' },
];

export const DEFAULT_LAYER = 'imd';
const BY_ID = new Map(LAYERS.map((l) => [l.id, l]));

export function layerById(id) {
  return BY_ID.get(id) || BY_ID.get(DEFAULT_LAYER);
}

export function isLayer(id) {
  return BY_ID.has(id);
}

// Classes of lsoa_decile1_pct, most deprived first: [lowest value in the class, label].
const PCT_CLASSES = [
  [50, '50% or more'], [40, '40% to 50%'], [30, '30% to 40%'], [20, '20% to 30%'], [15, '15% to 20%'],
  [10, '10% to 15%'], [5, '5% to 10%'], [2.5, '2.5% to 5%'], [Number.MIN_VALUE, 'above 0 to 2.5%'], [0, 'none'],
];

// Fixed diverging classes: [upper bound (inclusive), label], lowest first.
const GAP_CLASSES = [
  [-0.5, '-1 to -0.5: provision well ahead of need'], [-0.25, '-0.5 to -0.25'], [-0.1, '-0.25 to -0.1'],
  [0.1, '-0.1 to 0.1: in balance'], [0.25, '0.1 to 0.25'], [0.5, '0.25 to 0.5'], [Infinity, '0.5 to 1: need well ahead of provision'],
];
const GI_CLASSES = [
  [-3.29, 'z below -3.29 (cold spot)'], [-2.58, '-3.29 to -2.58'], [-1.96, '-2.58 to -1.96'],
  [1.96, '-1.96 to 1.96: no cluster'], [2.58, '1.96 to 2.58'], [3.29, '2.58 to 3.29'], [Infinity, 'z above 3.29 (hot spot)'],
];

// propsFor lists the properties a layer needs at a level, besides code and name.
export function propsFor(layer, level, measure) {
  if (level === 'lsoa') {
    const props = ['lad_name', layer.prop];
    if (layer.sig) props.push(layer.sig);
    return props;
  }
  const imd = measure === 'avgrank' ? ['imd_avg_rank'] : ['lsoa_decile1_pct'];
  if (layer.kind === 'decile') return imd;
  if (layer.agg) return [layer.agg, 'lsoa_count'];
  return [layer.prop];
}

// classIndex is the index of the first class whose upper bound is at least v.
function classIndex(v, uppers) {
  for (let i = 0; i < uppers.length; i++) if (v <= uppers[i]) return i;
  return uppers.length - 1;
}

// quantileClasses splits the values into at most k classes of about equal counts. Tied values
// stay in one class, so there can be fewer classes. Each class is {min, max} of its values.
export function quantileClasses(values, k) {
  const v = values.filter(isNum).sort((a, b) => a - b);
  const n = v.length;
  if (!n) return [];
  const uppers = [];
  for (let i = 1; i <= k; i++) {
    const u = i === k ? v[n - 1] : v[Math.max(0, Math.ceil((i * n) / k) - 1)];
    if (!uppers.length || u > uppers[uppers.length - 1]) uppers.push(u);
  }
  const classes = uppers.map((max) => ({ min: null, max }));
  let c = 0;
  for (const x of v) {
    while (x > classes[c].max) c++;
    if (classes[c].min === null) classes[c].min = x;
  }
  return classes;
}

// pick spreads n colours over a ramp, keeping both ends.
function pick(ramp, n) {
  if (n <= 1) return [ramp[ramp.length - 1]];
  return Array.from({ length: n }, (_, i) => ramp[Math.round((i * (ramp.length - 1)) / (n - 1))]);
}

// fmtMetric formats a metric's value for legends and the area panel.
export function fmtMetric(name, v) {
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return v;
  if (!isNum(v)) return 'n/a';
  if (name === 'gap' || name === 'gi_z') return `${v > 0 ? '+' : v < 0 ? '\u2212' : ''}${fixed(Math.abs(v), 2)}`;
  if (name === 'gi_p') return v < 0.001 ? '<0.001' : fixed(v, 3);
  if (name === 'lsoa_decile1_pct') return `${fixed(v, 1)}%`;
  if (/_pct$/.test(name)) return fixed(v, 2);
  if (/_m$/.test(name)) return v >= 10000 ? `${fixed(v / 1000, 1)} km` : `${int.format(v)} m`;
  if (/(_rank|_decile|_n|_lsoas|_count|population|_1600m)$/.test(name) || Number.isInteger(v)) return int.format(v);
  const a = Math.abs(v);
  return a >= 100 ? int.format(v) : a >= 10 ? fixed(v, 1) : fixed(v, 2);
}

function fixed(v, digits) {
  return new Intl.NumberFormat('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
}

// avgRankClasses splits the districts into tenths by average rank, most deprived (highest) first.
function avgRankClasses(features) {
  const values = features.map((f) => f.properties && f.properties.imd_avg_rank).filter(isNum).sort((a, b) => b - a);
  const classes = [];
  const n = values.length;
  for (let i = 0; i < 10 && n > 0; i++) {
    const slice = values.slice(Math.floor((i * n) / 10), Math.floor(((i + 1) * n) / 10));
    classes.push(slice.length ? { max: slice[0], min: slice[slice.length - 1] } : null);
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

// A scale: fill(properties) -> {fill, faint} or null for no data; legend: {title, unit, items:
// [[colour, label, faint]], notes: [text], params: the build parameters the layer depends on}.
function scale(fill, legend) {
  return { fill, legend };
}

function ladIMDScale(features, measure, levelName) {
  if (measure === 'avgrank') {
    const classes = avgRankClasses(features);
    const items = [];
    classes.forEach((c, i) => {
      if (!c) return;
      const prefix = i === 0 ? '1 (most deprived)' : i === 9 ? '10 (least deprived)' : String(i + 1);
      items.push([RAMP[i], `${prefix}: ${int.format(c.min)} to ${int.format(c.max)}`]);
    });
    return scale((p) => {
      const i = avgRankClass(p.imd_avg_rank, classes);
      return i >= 0 ? { fill: RAMP[i] } : null;
    }, {
      title: `${levelName} by average rank`,
      items,
      notes: ['Tenths of districts by the population-weighted average of their LSOAs\u2019 IMD ranks (higher = more deprived). Zoom in for LSOAs.'],
    });
  }
  return scale((p) => {
    const i = pctClass(p.lsoa_decile1_pct);
    return i >= 0 ? { fill: RAMP[i] } : null;
  }, {
    title: `${levelName}: share of LSOAs in the most deprived 10%`,
    items: PCT_CLASSES.map(([, label], i) => [RAMP[i], label]),
    notes: ['Zoom in for LSOAs.'],
  });
}

// makeScale builds the scale of a layer at a level ("lsoa" or "lad") for the loaded features.
// available is the set of properties the level's collection publishes; measure the district IMD
// measure ("decile1" or "avgrank"); unit(name) the dictionary's unit of a property, or null.
export function makeScale(layer, level, features, { available, measure, unit }) {
  const lsoa = level === 'lsoa';
  const levelName = lsoa ? 'LSOAs' : 'Districts';
  const unitOf = (name, fallback) => (unit && unit(name)) || fallback || null;
  const missing = (prop) => scale(() => null, {
    title: `${layer.label}: not available`,
    items: [[NO_DATA, 'no data']],
    notes: [available.size && !available.has('need_pct')
      ? `The server has no ${prop} yet: run spatlas build.`
      : `${lsoa ? 'LSOAs' : 'Districts'} have no ${prop}${lsoa ? '' : ': zoom in for LSOAs'}.`],
    fallback: true,
  });

  if (layer.kind === 'decile') {
    if (!lsoa) {
      const s = ladIMDScale(features, measure, levelName);
      if (layer.id !== 'imd') {
        s.legend.notes.unshift(`Domain deciles are given per LSOA: zoom in to see the ${layer.label.toLowerCase()}. Districts show the IMD.`);
        s.legend.fallback = true;
      }
      return s;
    }
    if (!available.has(layer.prop)) return missing(layer.prop);
    const items = [];
    for (let i = 0; i < 10; i++) {
      const label = i === 0 ? '1: most deprived 10%' : i === 9 ? '10: least deprived 10%' : String(i + 1);
      items.push([RAMP[i], label]);
    }
    return scale((p) => {
      const d = p[layer.prop];
      return isNum(d) && d >= 1 && d <= 10 ? { fill: RAMP[d - 1] } : null;
    }, {
      title: `LSOAs by ${layer.label}`,
      unit: 'decile among all LSOAs in England, 1 = most deprived',
      items,
      notes: [],
    });
  }

  // The district fallbacks of the LSOA flags: the share of the district's LSOAs flagged.
  if (!lsoa && layer.agg) {
    if (!available.has(layer.agg)) return missing(layer.agg);
    const share = (p) => (isNum(p[layer.agg]) && isNum(p.lsoa_count) && p.lsoa_count > 0 ? p[layer.agg] / p.lsoa_count : null);
    const positive = features.map((f) => share(f.properties || {})).filter((v) => isNum(v) && v > 0);
    const classes = quantileClasses(positive, 4);
    const colours = pick(SHARE_RAMP.slice(1), classes.length);
    const pct = (v) => `${fixed(v * 100, 1)}%`;
    const what = layer.id === 'underserved' ? 'underserved' : 'in a significant hot spot of the gap';
    return scale((p) => {
      const v = share(p);
      if (!isNum(v)) return null;
      if (v <= 0) return { fill: FAINT, faint: true };
      return { fill: colours[classIndex(v, classes.map((c) => c.max))] };
    }, {
      title: `Districts: share of LSOAs ${what}`,
      unit: `% of the district's LSOAs (${layer.agg} / lsoa_count)`,
      items: [[FAINT, 'none', true], ...classes.map((c, i) => [colours[i], `${pct(c.min)} to ${pct(c.max)}`])],
      notes: ['Classes are quartiles of the districts with any. Zoom in for LSOAs.'],
      params: layer.id,
    });
  }

  if (!available.has(layer.prop)) return missing(layer.prop);

  if (layer.kind === 'quantile') {
    const values = features.map((f) => f.properties && f.properties[layer.prop]);
    const classes = quantileClasses(values, layer.ramp.length >= 7 ? 7 : 5);
    const colours = pick(layer.ramp, classes.length);
    return scale((p) => {
      const v = p[layer.prop];
      return isNum(v) ? { fill: colours[classIndex(v, classes.map((c) => c.max))] } : null;
    }, {
      title: `${levelName} by ${lowerFirst(layer.label)}`,
      unit: unitOf(layer.prop, layer.unit),
      items: classes.map((c, i) => [colours[i], c.min === c.max ? fmtMetric(layer.prop, c.min) : `${fmtMetric(layer.prop, c.min)} to ${fmtMetric(layer.prop, c.max)}`]),
      notes: [`Classes are quantiles of the ${lsoa ? 'LSOAs loaded around the view' : 'districts'}.`],
      params: layer.group === 'provision' ? layer.id : null,
    });
  }

  if (layer.kind === 'gap') {
    return scale((p) => {
      const v = p.gap;
      return isNum(v) ? { fill: GAP_RAMP[classIndex(v, GAP_CLASSES.map(([u]) => u))] } : null;
    }, {
      title: `${levelName} by the gap between need and provision`,
      unit: unitOf('gap', layer.unit),
      items: GAP_CLASSES.map(([, label], i) => [GAP_RAMP[i], label]),
      notes: ['Above 0, need outruns provision.'],
      params: 'gap',
    });
  }

  if (layer.kind === 'flag') {
    return scale((p) => {
      const v = p.underserved;
      if (v === true) return { fill: FLAG };
      if (v === false) return { fill: FAINT, faint: true };
      return null;
    }, {
      title: 'Underserved LSOAs',
      items: [[FLAG, 'underserved'], [FAINT, 'not underserved', true]],
      notes: [],
      params: 'underserved',
    });
  }

  // Gi*: diverging by z, faint unless significant after the Benjamini-Hochberg correction.
  return scale((p) => {
    const z = p.gi_z;
    if (!isNum(z)) return null;
    const fill = GI_RAMP[classIndex(z, GI_CLASSES.map(([u]) => u))];
    return p.gi_sig === true ? { fill } : { fill, faint: true };
  }, {
    title: 'LSOAs by Gi* z-score of the gap',
    unit: unitOf('gi_z', layer.unit),
    items: GI_CLASSES.map(([, label], i) => [GI_RAMP[i], label]),
    notes: ['Saturated: significant after the Benjamini-Hochberg correction; faint: not significant. Hot spots are clusters of LSOAs where need outruns provision.'],
    params: 'hotspots',
  });
}

function lowerFirst(label) {
  return /^[A-Z][a-z]/.test(label) && !/^IMD/.test(label) ? label[0].toLowerCase() + label.slice(1) : label;
}

// paramsText describes the build parameters a legend depends on (from a build record's params).
export function paramsText(which, params) {
  if (!params || typeof params !== 'object') return null;
  const m = (v) => (isNum(v) ? `${int.format(v)} m` : 'n/a');
  const weights = Array.isArray(params.weights) ? params.weights.join(', ') : 'n/a';
  const parts = [];
  if (which === 'assets') parts.push(`Catchment ${m(params.assets_catchment_m)}, distance-band weights ${weights}.`);
  if (which === 'linkworkers') parts.push(`Catchment ${m(params.lw_catchment_m)}, distance-band weights ${weights}.`);
  if (which === 'gap' || which === 'underserved' || which === 'hotspots') {
    parts.push(`Provision metric: ${params.gap_metric || 'n/a'}.`);
    if (params.gap_metric === 'lw_fte_per_10k') parts.push(`Catchment ${m(params.lw_catchment_m)}.`);
    else parts.push(`Catchment ${m(params.assets_catchment_m)}.`);
  }
  if (which === 'underserved') {
    parts.push(`Underserved: IMD decile \u2264 ${params.underserved_max_decile ?? 'n/a'} and provision percentile \u2264 ${params.underserved_max_provision_pct ?? 'n/a'}.`);
  }
  if (which === 'hotspots') parts.push(`False discovery rate ${params.hotspot_fdr ?? 'n/a'} (Benjamini-Hochberg).`);
  return parts.join(' ');
}

// layerSwitch makes the Leaflet control choosing the layer: a radio group of the five groups
// and, for a group of several layers, a select of its layers. onChange(id) is called on a choice;
// show(id) reflects a layer chosen elsewhere (the hash). Made on demand, as it needs Leaflet.
export function layerSwitch(options) {
  const Control = L.Control.extend(LAYER_SWITCH);
  return new Control(options);
}

const LAYER_SWITCH = {
  options: { position: 'topleft' },

  initialize(options) {
    L.Util.setOptions(this, options);
    this.current = layerById(options.layer);
    this.lastOf = new Map(GROUPS.map(([g]) => [g, LAYERS.find((l) => l.group === g).id]));
    this.lastOf.set(this.current.group, this.current.id);
  },

  onAdd() {
    const box = el('form', { class: 'layer-switch leaflet-bar', id: 'layer-switch', 'aria-label': 'Map layer' });
    const groups = el('fieldset', { class: 'layer-groups' }, el('legend', {}, 'Map layer'));
    this.radios = new Map();
    for (const [g, label] of GROUPS) {
      const id = `layer-group-${g}`;
      const input = el('input', { type: 'radio', name: 'layer-group', id, value: g });
      input.addEventListener('change', () => {
        if (input.checked) this.choose(this.lastOf.get(g));
      });
      this.radios.set(g, input);
      groups.append(el('div', { class: 'layer-group' }, input, el('label', { for: id }, label)));
    }
    this.select = el('select', { id: 'layer-select', 'aria-label': 'Layer in the group' });
    this.select.addEventListener('change', () => this.choose(this.select.value));
    this.selectBox = el('div', { class: 'layer-sub' }, el('label', { for: 'layer-select', class: 'visually-hidden' }, 'Layer in the group'), this.select);
    box.append(groups, this.selectBox);
    box.addEventListener('submit', (e) => e.preventDefault());
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    this.box = box;
    this.show(this.current.id);
    return box;
  },

  choose(id) {
    if (id === this.current.id) return;
    this.show(id);
    this.options.onChange(this.current.id);
  },

  // show reflects a layer in the control without calling onChange.
  show(id) {
    this.current = layerById(id);
    this.lastOf.set(this.current.group, this.current.id);
    if (!this.box) return;
    this.radios.get(this.current.group).checked = true;
    const members = LAYERS.filter((l) => l.group === this.current.group);
    this.select.replaceChildren(...members.map((l) => {
      const o = el('option', { value: l.id }, l.label);
      o.selected = l.id === this.current.id;
      return o;
    }));
    this.selectBox.hidden = members.length < 2;
    this.box.dataset.layer = this.current.id;
  },
};
