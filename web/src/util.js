// spatlas map: helpers shared by the choropleth (app.js) and the provision layers (provision.js).

export const int = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
export const dec1 = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
export const dec2 = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function isNum(v) {
  return typeof v === 'number' && Number.isFinite(v);
}

export function fmtInt(v) {
  return isNum(v) ? int.format(v) : 'n/a';
}

// el builds a DOM element; children are nodes or strings (set as text, never parsed as HTML).
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (k === 'class') node.className = v;
    else if (k === 'style') Object.assign(node.style, v);
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

// svg builds an SVG element with the given attributes and child elements.
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

// getJSON fetches a JSON document and turns HTTP errors into Errors carrying the server's message.
export async function getJSON(url, signal) {
  const res = await fetch(url, { signal, headers: { Accept: 'application/geo+json, application/json' } });
  let body = null;
  let parseError = null;
  try {
    body = await res.json();
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    parseError = err;
  }
  const path = new URL(url, document.baseURI).pathname;
  if (!res.ok) {
    const message = body && typeof body.message === 'string' ? body.message : res.statusText;
    throw new Error(`${path}: ${message} (HTTP ${res.status})`);
  }
  if (parseError) throw new Error(`${path}: the response is not JSON`);
  return body;
}

// fetchPages reads the pages of an OGC API items request by their next links, at most maxPages
// of them. onPage(features so far, numberMatched or null) is called after every page but the
// last. The result says whether the features fell short of numberMatched (truncated).
export async function fetchPages(url, { signal = null, maxPages, onPage = null }) {
  const features = [];
  let next = url;
  let matched = null;
  let pages = 0;
  for (; next && pages < maxPages; pages++) {
    const page = await getJSON(next, signal);
    if (!page || page.type !== 'FeatureCollection' || !Array.isArray(page.features)) {
      throw new Error(`${new URL(next, document.baseURI).pathname}: the response is not a GeoJSON FeatureCollection`);
    }
    for (const f of page.features) features.push(f);
    if (matched === null && isNum(page.numberMatched)) matched = page.numberMatched;
    const link = Array.isArray(page.links) ? page.links.find((l) => l && l.rel === 'next' && l.href) : null;
    const more = matched === null || features.length < matched;
    next = link && more && page.features.length > 0 ? new URL(link.href, next).href : null;
    if (next && onPage) onPage(features, matched);
  }
  return { features, matched, truncated: Boolean(next) };
}

// frame resolves once the map has had the chance to draw.
export function frame() {
  // Two animation frames let the renderers draw; the timeout covers hidden tabs.
  return new Promise((resolve) => {
    const done = () => resolve();
    setTimeout(done, 250);
    requestAnimationFrame(() => requestAnimationFrame(done));
  });
}

// bboxParam is the bbox query parameter (minLon,minLat,maxLon,maxLat) of Leaflet bounds.
export function bboxParam(bounds) {
  return [
    Math.max(bounds.getWest(), -180), Math.max(bounds.getSouth(), -90),
    Math.min(bounds.getEast(), 180), Math.min(bounds.getNorth(), 90),
  ].map((v) => v.toFixed(5)).join(',');
}
