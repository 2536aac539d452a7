package server

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// The OGC API - Features - Part 1 conformance classes spatlas implements.
const (
	confCore    = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
	confGeoJSON = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
	confOAS30   = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"
)

const (
	apiTitle       = "spatlas"
	apiDescription = "Area deprivation (English Indices of Deprivation) by LSOA, local authority and integrated care board, as OGC API - Features collections."
)

// ogcBase is the absolute URL of the OGC API root as the client addressed it.
func ogcBase(r *http.Request) string { return baseURL(r) + ogcPrefix }

// handleLanding serves the landing page: what the API is, its version and where its parts are.
func handleLanding(version string) handlerFunc {
	type landing struct {
		Title       string `json:"title"`
		Description string `json:"description"`
		Version     string `json:"version"`
		Links       []link `json:"links"`
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := parseOnly(r.URL.RawQuery, "f"); err != nil {
			return err
		}
		base := ogcBase(r)
		writeJSONStatus(w, http.StatusOK, landing{
			Title:       apiTitle,
			Description: apiDescription,
			Version:     version,
			Links: []link{
				{Href: base, Rel: "self", Type: mediaJSON, Title: "this document"},
				{Href: base + "/api", Rel: "service-desc", Type: mediaOpenAPI, Title: "the API definition"},
				{Href: base + "/conformance", Rel: "conformance", Type: mediaJSON, Title: "conformance classes implemented"},
				{Href: base + "/collections", Rel: "data", Type: mediaJSON, Title: "the feature collections"},
			},
		})
		return nil
	}
}

// handleConformance lists the conformance classes.
func handleConformance() handlerFunc {
	type conformance struct {
		ConformsTo []string `json:"conformsTo"`
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := parseOnly(r.URL.RawQuery, "f"); err != nil {
			return err
		}
		writeJSONStatus(w, http.StatusOK, conformance{ConformsTo: []string{confCore, confGeoJSON, confOAS30}})
		return nil
	}
}

// collectionJSON is a collection as OGC API - Features describes it, with spatlas's extension.
type collectionJSON struct {
	ID          string         `json:"id"`
	Title       string         `json:"title"`
	Description string         `json:"description,omitempty"`
	Links       []link         `json:"links"`
	Extent      extentJSON     `json:"extent"`
	ItemType    string         `json:"itemType"`
	CRS         []string       `json:"crs"`
	Spatlas     collectionInfo `json:"spatlas"`
}

type extentJSON struct {
	Spatial struct {
		BBox [][4]float64 `json:"bbox"`
		CRS  string       `json:"crs"`
	} `json:"spatial"`
}

// collectionInfo is what spatlas adds to a collection: its edition, level, size and properties.
type collectionInfo struct {
	Edition      string         `json:"edition,omitempty"`
	EditionTitle string         `json:"edition_title,omitempty"`
	Level        string         `json:"level"`
	Count        int64          `json:"count"`
	Properties   []propertyJSON `json:"properties"`
}

type propertyJSON struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description"`
	Queryable   bool   `json:"queryable"`
}

func toCollectionJSON(base string, c spatlas.Collection) collectionJSON {
	self := base + "/collections/" + url.PathEscape(c.ID)
	out := collectionJSON{
		ID:          c.ID,
		Title:       c.Title,
		Description: c.Description,
		Links: []link{
			{Href: self, Rel: "self", Type: mediaJSON, Title: "this collection"},
			{Href: self + "/items", Rel: "items", Type: mediaGeoJSON, Title: "the features of this collection"},
			{Href: self + "/queryables", Rel: relQueryables, Type: mediaSchema, Title: "the properties items can be filtered on"},
		},
		ItemType: "feature",
		CRS:      []string{crs84},
		Spatlas: collectionInfo{
			Edition:      c.Edition.ID,
			EditionTitle: c.Edition.Title,
			Level:        c.Level,
			Count:        c.Count,
			Properties:   make([]propertyJSON, len(c.Properties)),
		},
	}
	out.Extent.Spatial.BBox = [][4]float64{c.BBox}
	out.Extent.Spatial.CRS = crs84
	for i, p := range c.Properties {
		out.Spatlas.Properties[i] = propertyJSON(p)
	}
	return out
}

// handleCollections lists the collections.
func handleCollections(cat *catalog) handlerFunc {
	type collectionsJSON struct {
		Links       []link           `json:"links"`
		Collections []collectionJSON `json:"collections"`
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := parseOnly(r.URL.RawQuery, "f"); err != nil {
			return err
		}
		cols, err := cat.current(r.Context())
		if err != nil {
			return err
		}
		base := ogcBase(r)
		out := collectionsJSON{
			Links:       []link{{Href: base + "/collections", Rel: "self", Type: mediaJSON, Title: "this document"}},
			Collections: make([]collectionJSON, len(cols.list)),
		}
		for i, c := range cols.list {
			out.Collections[i] = toCollectionJSON(base, c)
		}
		writeJSONStatus(w, http.StatusOK, out)
		return nil
	}
}

// lookupCollection returns the collection named in the path.
func lookupCollection(cat *catalog, r *http.Request) (spatlas.Collection, error) {
	cols, err := cat.current(r.Context())
	if err != nil {
		return spatlas.Collection{}, err
	}
	return cols.get(chi.URLParam(r, "collectionId"))
}

// lookupCollectionDocument returns the collection named in the path of a request for one of its
// documents (its description, its queryables), which take no parameter but f.
func lookupCollectionDocument(cat *catalog, r *http.Request) (spatlas.Collection, error) {
	c, err := lookupCollection(cat, r)
	if err != nil {
		return c, err
	}
	_, err = parseOnly(r.URL.RawQuery, "f")
	return c, err
}

// handleCollection describes one collection.
func handleCollection(cat *catalog) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := lookupCollectionDocument(cat, r)
		if err != nil {
			return err
		}
		writeJSONStatus(w, http.StatusOK, toCollectionJSON(ogcBase(r), c))
		return nil
	}
}

// relQueryables and mediaSchema are OGC API - Features Part 3's link relation and media type for
// a collection's queryables.
const (
	relQueryables = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
	mediaSchema   = "application/schema+json"
)

// handleQueryables serves the JSON Schema of the properties that items can be filtered on with
// name=value (OGC API - Features Part 3), so that a client can discover the filters.
func handleQueryables(cat *catalog) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := lookupCollectionDocument(cat, r)
		if err != nil {
			return err
		}
		props := map[string]any{}
		for _, p := range c.Properties {
			if p.Queryable {
				props[p.Name] = map[string]string{"type": p.Type, "description": p.Description}
			}
		}
		writeBodyStatus(w, http.StatusOK, mediaSchema, map[string]any{
			"$schema":              "https://json-schema.org/draft/2020-12/schema",
			"$id":                  ogcBase(r) + "/collections/" + url.PathEscape(c.ID) + "/queryables",
			"type":                 "object",
			"title":                c.Title,
			"properties":           props,
			"additionalProperties": false,
		})
		return nil
	}
}

// handleItems serves a page of features. The features come from the store already serialised;
// they are written as they are, between a header and a closing brace built here.
func handleItems(svc spatlas.FeatureService, cat *catalog) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := lookupCollection(cat, r)
		if err != nil {
			return err
		}
		q, err := parseItemsQuery(c, r.URL.RawQuery)
		if err != nil {
			return err
		}
		page, err := svc.Features(r.Context(), q)
		if err != nil {
			return err
		}
		links, err := marshalJSON(itemsLinks(r, c, q, page))
		if err != nil {
			return err
		}
		features := page.Features
		if len(bytes.TrimSpace(features)) == 0 {
			features = []byte("[]")
		}

		head := make([]byte, 0, 256+len(links))
		head = append(head, `{"type":"FeatureCollection","numberMatched":`...)
		head = strconv.AppendInt(head, page.NumberMatched, 10)
		head = append(head, `,"numberReturned":`...)
		head = strconv.AppendInt(head, int64(page.NumberReturned), 10)
		head = append(head, `,"timeStamp":"`...)
		head = time.Now().UTC().AppendFormat(head, time.RFC3339)
		head = append(head, `","links":`...)
		head = append(head, bytes.TrimRight(links, "\n")...)
		head = append(head, `,"features":`...)
		tail := []byte("}\n")

		h := w.Header()
		h.Set("Content-Type", mediaGeoJSON)
		h.Set("Content-Length", strconv.Itoa(len(head)+len(features)+len(tail)))
		w.WriteHeader(http.StatusOK)
		for _, b := range [][]byte{head, features, tail} {
			if _, err := w.Write(b); err != nil {
				return nil // the client has gone
			}
		}
		return nil
	}
}

// itemsLinks are the links of a page: self, its collection, and next and previous pages. Page
// links keep the request's other parameters and change only offset.
func itemsLinks(r *http.Request, c spatlas.Collection, q spatlas.FeatureQuery, page spatlas.FeaturePage) []link {
	base := baseURL(r)
	path := base + r.URL.EscapedPath()
	self := path
	if r.URL.RawQuery != "" {
		self += "?" + r.URL.RawQuery
	}
	links := []link{
		{Href: self, Rel: "self", Type: mediaGeoJSON, Title: "this page"},
		{Href: base + ogcPrefix + "/collections/" + url.PathEscape(c.ID), Rel: "collection", Type: mediaJSON, Title: "the collection"},
	}
	withOffset := func(offset int) string {
		v, _ := url.ParseQuery(r.URL.RawQuery) // parsed without error by parseItemsQuery
		if offset == 0 {
			v.Del("offset")
		} else {
			v.Set("offset", strconv.Itoa(offset))
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	if page.NumberReturned > 0 && int64(q.Offset+page.NumberReturned) < page.NumberMatched {
		links = append(links, link{Href: withOffset(q.Offset + page.NumberReturned), Rel: "next", Type: mediaGeoJSON, Title: "next page"})
	}
	if q.Offset > 0 {
		links = append(links, link{Href: withOffset(max(0, q.Offset-q.Limit)), Rel: "prev", Type: mediaGeoJSON, Title: "previous page"})
	}
	return links
}

// handleItem serves one feature, with links to itself and its collection spliced in.
func handleItem(svc spatlas.FeatureService, cat *catalog) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := lookupCollection(cat, r)
		if err != nil {
			return err
		}
		req, err := parseItemQuery(c, r.URL.RawQuery, chi.URLParam(r, "featureId"))
		if err != nil {
			return err
		}
		feature, err := svc.Feature(r.Context(), c, req.id, req.zoom, req.properties)
		if err != nil {
			return err
		}
		base := baseURL(r)
		self := base + r.URL.EscapedPath()
		if r.URL.RawQuery != "" {
			self += "?" + r.URL.RawQuery
		}
		links, err := marshalJSON([]link{
			{Href: self, Rel: "self", Type: mediaGeoJSON, Title: "this feature"},
			{Href: base + ogcPrefix + "/collections/" + url.PathEscape(c.ID), Rel: "collection", Type: mediaJSON, Title: "the collection"},
		})
		if err != nil {
			return err
		}
		writeBytes(w, http.StatusOK, mediaGeoJSON, spliceLinks(feature, bytes.TrimRight(links, "\n")))
		return nil
	}
}

// spliceLinks adds a "links" member to a JSON object without decoding it. Bytes that are not an
// object are returned unchanged. The store's features carry no links of their own.
func spliceLinks(obj, links []byte) []byte {
	t := bytes.TrimSpace(obj)
	if len(t) < 2 || t[0] != '{' || t[len(t)-1] != '}' {
		return obj
	}
	body := t[:len(t)-1]
	empty := len(bytes.TrimSpace(body[1:])) == 0
	out := make([]byte, 0, len(t)+len(links)+16)
	out = append(out, body...)
	if !empty {
		out = append(out, ',')
	}
	out = append(out, `"links":`...)
	out = append(out, links...)
	out = append(out, '}', '\n')
	return out
}
