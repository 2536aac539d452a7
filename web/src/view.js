// spatlas map: the view loader every layer that follows the map's view is loaded with (the LSOA
// choropleth in app.js, the provision overlays in provision.js).
//
// A view change schedules a load for when the view has settled (DEBOUNCE_MS); the load asks for
// the view padded by VIEW_PAD on each side (bbox) and follows next links up to a cap of pages.
// Loads run one at a time: a newer one aborts the request of the older and makes it stale, so a
// stale load never draws. A load covers a later view while the view stays inside its padded
// bounds, or for good once those bounds hold the collection's whole extent.

import { bboxParam, fetchPages } from './util.js';

export const DEBOUNCE_MS = 200;
export const VIEW_PAD = 0.3; // share of the view added on each side of a request

// ViewLoader runs load(ticket) for the current view, one load at a time. The ticket carries the
// load's abort signal and stale(), true once a newer load or stop() has superseded it.
// onLoading() is called as a load is scheduled; onError(err) when a current load fails (an
// abort or a failure of a stale load is not reported).
export class ViewLoader {
  constructor({ load, onLoading = () => {}, onError = () => {}, debounceMs = DEBOUNCE_MS }) {
    this.load = load;
    this.onLoading = onLoading;
    this.onError = onError;
    this.debounceMs = debounceMs;
    this.seq = 0;
    this.ctrl = null;
    this.timer = 0;
  }

  // schedule runs a load once the view has settled; a load in flight is stale from now on.
  schedule() {
    this.stop();
    this.onLoading();
    this.timer = setTimeout(() => this.run(), this.debounceMs);
  }

  // stop cancels the scheduled load and makes the one in flight stale.
  stop() {
    clearTimeout(this.timer);
    if (this.ctrl) this.ctrl.abort();
    this.seq++;
  }

  // run loads now.
  async run() {
    clearTimeout(this.timer);
    if (this.ctrl) this.ctrl.abort();
    const seq = ++this.seq;
    const ctrl = new AbortController();
    this.ctrl = ctrl;
    const ticket = { signal: ctrl.signal, stale: () => seq !== this.seq };
    try {
      await this.load(ticket);
    } catch (err) {
      if (err.name === 'AbortError' || ticket.stale()) return;
      this.onError(err);
    }
  }
}

// extentOf returns the spatial extent of an OGC API collection as Leaflet bounds, or null.
export function extentOf(collection) {
  const b = collection && collection.extent && collection.extent.spatial && collection.extent.spatial.bbox && collection.extent.spatial.bbox[0];
  const ok = Array.isArray(b) && b.length >= 4 && b.slice(0, 4).every((v) => typeof v === 'number' && Number.isFinite(v));
  return ok ? L.latLngBounds([b[1], b[0]], [b[3], b[2]]) : null;
}

// fetchView fetches the features of the view padded by VIEW_PAD: url(bbox) is the items URL of a
// bbox parameter; signal, maxPages and onPage are as for fetchPages. The result is
// {bounds, all, features, matched, truncated}, all saying that it holds every feature of the
// collection (its bounds hold extent, when given, and no page was left unread).
export async function fetchView(view, url, { signal, maxPages, onPage = null, extent = null }) {
  const bounds = view.pad(VIEW_PAD);
  const got = await fetchPages(url(bboxParam(bounds)), { signal, maxPages, onPage });
  const all = !got.truncated && extent !== null && bounds.contains(extent);
  return { bounds, all, ...got };
}

// covers reports whether a load from fetchView holds every feature of the view.
export function covers(load, view) {
  return load.all || load.bounds.contains(view);
}
