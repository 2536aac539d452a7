// Plan mode of the spatlas map: what-if scenarios and suggested sites (METHODS.md, "Siting").
// The planner clicks the map to place hypothetical sites (a link worker base with an FTE, or a
// community asset of a category), drags or deletes them, and sees the scenario's summary from
// POST /api/scenarios: people within the catchment and mean accessibility by IMD decile, before
// and after, with a chart (Chart.js), LSOAs leaving or entering the underserved set, and people
// newly reached; the LSOAs it reaches are outlined on the map, coloured by their change of
// underserved status, and the gap and underserved layers show their figures after the scenario. "Suggest" asks POST /api/suggest for sites. The scenario's id is kept in the
// hash (scenario=ID), so a link reopens it. <body> carries data-plan-state, data-plan-sites and
// data-plan-scenario for tests.
import { el, fmtInt } from './util.js';

const num = (x, digits = 2) => (x === null || x === undefined ? '–' : Number(x).toFixed(digits));

export class Plan {
  constructor(map, { edition, panel, button, hash, onChange, onScenario }) {
    this.map = map;
    this.edition = edition; // a function returning the current edition
    this.panel = panel;
    this.button = button;
    this.onChange = onChange;
    this.onScenario = onScenario || (() => {});
    this.sites = []; // {kind, fte, category, label, marker}
    this.scenario = hash.get('scenario') || '';
    this.active = false;
    this.chart = null;
    this.seq = 0;
    // In Plan mode a click on the map places a site, whatever layer lies under it: the listener
    // captures the click before Leaflet's layers (which would open the area panel). A click that
    // ends a drag, or lands on a marker, a popup or a control, is left alone.
    let down = null;
    const container = map.getContainer();
    container.addEventListener('mousedown', (e) => {
      down = [e.clientX, e.clientY];
    }, true);
    container.addEventListener('click', (e) => {
      if (!this.active || e.target.closest('.leaflet-marker-icon, .leaflet-popup, .leaflet-control')) return;
      if (down && Math.hypot(e.clientX - down[0], e.clientY - down[1]) > 5) return;
      e.stopPropagation();
      this.add({ kind: this.kindEl.value, fte: Number(this.fteEl.value) || 1, category: this.catEl.value }, map.mouseEventToLatLng(e));
    }, true);
    this.build();
    button.addEventListener('click', () => this.toggle(!this.active));
    this.setState('idle');
  }

  setState(state) {
    const d = document.body.dataset;
    d.planState = state;
    d.planSites = String(this.sites.length);
    d.planScenario = this.scenario;
  }

  hashPart() {
    return this.scenario ? `&scenario=${this.scenario}` : '';
  }

  build() {
    this.kindEl = el('select', { id: 'plan-kind' }, [
      el('option', { value: 'link_worker' }, ['Link worker base']),
      el('option', { value: 'asset' }, ['Community asset']),
    ]);
    this.fteEl = el('input', { id: 'plan-fte', type: 'number', min: '0.1', step: '0.1', value: '1' });
    this.catEl = el('input', { id: 'plan-category', type: 'text', value: 'food', size: '10' });
    this.areaEl = el('input', { id: 'plan-area', type: 'text', placeholder: 'LAD, ICB or region code', size: '12' });
    this.countEl = el('input', { id: 'plan-count', type: 'number', min: '1', max: '100', value: '3' });
    // Candidates: the LSOA points, or a list the planner uploads (CSV with lon,lat or
    // easting,northing and an optional label; or a GeoJSON FeatureCollection of points).
    this.fileEl = el('input', { id: 'plan-candidates', type: 'file', accept: '.csv,.geojson,.json,text/csv,application/geo+json' });
    const suggest = el('button', { id: 'plan-suggest', type: 'button' }, ['Suggest']);
    suggest.addEventListener('click', () => this.suggest());
    const clear = el('button', { id: 'plan-clear', type: 'button' }, ['Clear']);
    clear.addEventListener('click', () => this.clear());
    this.summaryEl = el('div', { id: 'plan-summary', class: 'plan-summary' }, ['Click the map to place a site.']);
    this.canvas = el('canvas', { id: 'plan-chart', width: '320', height: '180' });
    this.panel.replaceChildren(
      el('h2', {}, ['Plan: what if?']),
      el('p', {}, ['Kind ', this.kindEl, ' FTE ', this.fteEl, ' category ', this.catEl]),
      el('p', {}, ['Suggest ', this.countEl, ' sites in ', this.areaEl, ' ', suggest, ' ', clear]),
      el('p', {}, [el('label', { for: 'plan-candidates' }, ['Candidates (CSV or GeoJSON; else LSOA points) ']), this.fileEl]),
      this.summaryEl,
      this.canvas,
    );
  }

  toggle(on) {
    this.active = on;
    this.panel.hidden = !on;
    this.button.setAttribute('aria-pressed', String(on));
    this.map.invalidateSize(); // the panel narrows the map
  }

  // start opens the scenario of the hash, if any.
  async start() {
    if (!this.scenario) return;
    this.toggle(true);
    this.setState('loading');
    const res = await fetch(`/api/scenarios/${encodeURIComponent(this.scenario)}`);
    if (!res.ok) return this.fail(res);
    const s = await res.json();
    for (const site of s.request.sites || []) this.add(site, L.latLng(site.lat, site.lon), false);
    this.show(s);
  }

  add(site, latlng, evaluate = true) {
    const marker = L.marker(latlng, { draggable: true, title: site.label || site.kind }).addTo(this.map);
    const entry = { kind: site.kind, fte: site.fte, category: site.category, label: site.label || `site ${this.sites.length + 1}`, marker };
    const remove = el('button', { type: 'button', class: 'plan-delete' }, ['Delete']);
    remove.addEventListener('click', () => {
      this.map.removeLayer(marker);
      this.sites = this.sites.filter((s) => s !== entry);
      this.evaluate();
    });
    marker.bindPopup(el('div', {}, [el('p', {}, [`${entry.label}: ${entry.kind === 'link_worker' ? `${entry.fte} FTE` : entry.category}`]), remove]));
    marker.on('dragend', () => this.evaluate());
    this.sites.push(entry);
    if (evaluate) this.evaluate();
  }

  clear() {
    for (const s of this.sites) this.map.removeLayer(s.marker);
    if (this.overlay) this.map.removeLayer(this.overlay);
    this.overlay = null;
    this.onScenario(null, null);
    this.sites = [];
    this.scenario = '';
    this.summaryEl.textContent = 'Click the map to place a site.';
    if (this.chart) this.chart.destroy();
    this.chart = null;
    this.setState('idle');
    this.onChange();
  }

  request() {
    return {
      edition: this.edition(),
      sites: this.sites.map((s) => {
        const p = s.marker.getLatLng();
        const out = { lon: p.lng, lat: p.lat, kind: s.kind, label: s.label };
        if (s.kind === 'link_worker') out.fte = s.fte;
        else out.category = s.category;
        return out;
      }),
    };
  }

  async evaluate() {
    const seq = ++this.seq;
    this.setState('loading');
    const res = await fetch('/api/scenarios', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(this.request()) });
    if (seq !== this.seq) return; // a later change is on its way
    if (!res.ok) return this.fail(res);
    this.show(await res.json());
  }

  async suggest() {
    this.setState('loading');
    const body = {
      edition: this.edition(),
      kind: this.kindEl.value,
      count: Number(this.countEl.value) || 3,
      area: this.areaEl.value.trim(),
    };
    const file = this.fileEl.files && this.fileEl.files[0];
    if (file) {
      const text = await file.text();
      if (!/^\s*[{[]/.test(text)) body.candidates_csv = text;
      else {
        try {
          body.candidates_geojson = JSON.parse(text);
        } catch (err) {
          this.summaryEl.textContent = `The candidates file is not GeoJSON: ${err.message}`;
          this.setState('error');
          return;
        }
      }
    } else body.candidates = 'lsoa';
    if (body.kind === 'link_worker') body.fte = Number(this.fteEl.value) || 1;
    else body.category = this.catEl.value;
    const res = await fetch('/api/suggest', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) return this.fail(res);
    const s = await res.json();
    for (const site of s.sites || []) this.add({ kind: body.kind, fte: body.fte, category: body.category, label: site.label }, L.latLng(site.lat, site.lon), false);
    this.evaluate();
  }

  async fail(res) {
    let msg = `${res.status}`;
    try {
      msg = (await res.json()).message;
    } catch {
      // not JSON
    }
    this.summaryEl.textContent = `The scenario failed: ${msg}`;
    this.setState('error');
  }

  show(s) {
    this.scenario = s.id;
    const m = s.summary;
    const rows = m.by_decile.map((d) =>
      el('tr', {}, [d.decile, fmtInt(d.covered_before), fmtInt(d.covered_after), num(d.access_before), num(d.access_after)].map((c) => el('td', {}, [String(c)]))),
    );
    this.summaryEl.replaceChildren(
      el('p', {}, [`${m.metric} (${fmtInt(m.catchment_m)} m): ${m.lsoas_changed} LSOAs changed; ${m.underserved_leaving.length} leave and ${m.underserved_entering.length} enter the underserved set.`]),
      el('p', { id: 'plan-reached' }, [`Newly reached: ${fmtInt(m.newly_reached)} people, ${fmtInt(m.newly_reached_deciles_1_2)} in deciles 1-2${m.newly_reached_per_fte !== null ? `; ${fmtInt(m.newly_reached_per_fte)} per FTE added` : ''}.`]),
      el('table', { class: 'plan-table' }, [
        el('thead', {}, [el('tr', {}, ['Decile', 'Covered before', 'after', 'Access before', 'after'].map((h) => el('th', {}, [h])))]),
        el('tbody', {}, rows),
      ]),
      el('p', {}, [el('a', { href: s.links.lsoa_csv }, ['LSOAs (CSV)']), ' ', el('a', { href: s.links.lsoa_geojson }, ['(GeoJSON)'])]),
    );
    this.drawChart(m);
    this.drawOverlay(s).then(() => {
      this.setState('ready');
      this.onChange();
    });
  }

  // drawOverlay outlines the LSOAs the scenario reaches, over the map's layers: red where they
  // enter the underserved set, green where they leave it, blue where only their accessibility or
  // coverage changed.
  async drawOverlay(s) {
    if (this.overlay) this.map.removeLayer(this.overlay);
    this.overlay = null;
    document.body.dataset.planOverlay = '0';
    const res = await fetch(`${s.links.lsoa_geojson}?percentile_shifts=false`);
    if (!res.ok) return;
    const fc = await res.json();
    const colour = (p) => {
      if (p.underserved_after && !p.underserved_before) return '#d7301f';
      if (p.underserved_before && !p.underserved_after) return '#1a9850';
      return '#2166ac';
    };
    // The gap and underserved layers show the scenario's figures for the LSOAs it changed.
    const props = new Map(fc.features.map((f) => [f.properties.code, { gap: f.properties.gap_after, underserved: f.properties.underserved_after }]));
    this.onScenario(s.edition, props);
    this.overlay = L.geoJSON(fc, {
      interactive: false,
      style: (f) => ({ color: colour(f.properties), weight: 2, fill: true, fillOpacity: 0.1 }),
    }).addTo(this.map);
    document.body.dataset.planOverlay = String(fc.features.length);
  }

  drawChart(m) {
    if (typeof Chart === 'undefined') return;
    const data = {
      labels: m.by_decile.map((d) => String(d.decile)),
      datasets: [
        { label: 'before', data: m.by_decile.map((d) => d.access_before) },
        { label: 'after', data: m.by_decile.map((d) => d.access_after) },
      ],
    };
    if (this.chart) {
      this.chart.data = data;
      this.chart.update('none');
      return;
    }
    this.chart = new Chart(this.canvas, {
      type: 'bar',
      data,
      options: { animation: false, responsive: false, plugins: { title: { display: true, text: 'Mean accessibility by IMD decile' } } },
    });
  }
}
