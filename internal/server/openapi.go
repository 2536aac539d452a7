package server

import (
	"net/http"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// obj is a JSON object of the OpenAPI document.
type obj = map[string]any

// handleOpenAPI serves the OpenAPI 3.0 definition of the API, generated from the collections:
// one items path and one item path per collection, each queryable property a query parameter.
func handleOpenAPI(cat *catalog, version string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := parseOnly(r.URL.RawQuery, "f"); err != nil {
			return err
		}
		cols, err := cat.current(r.Context())
		if err != nil {
			return err
		}
		writeBodyStatus(w, http.StatusOK, mediaOpenAPI, openAPIDocument(ogcBase(r), version, cols.list))
		return nil
	}
}

// openAPIDocument builds the definition for the API served at base.
func openAPIDocument(base, version string, cols []spatlas.Collection) obj {
	if version == "" {
		version = "dev"
	}
	ids := make([]string, len(cols))
	for i, c := range cols {
		ids[i] = c.ID
	}
	paths := obj{
		"/": obj{"get": operation("getLandingPage", "Landing page", "The landing page: links to the API definition, the conformance classes and the collections.",
			nil, jsonResponse("The landing page.", mediaJSON, ref("schemas", "LandingPage")))},
		"/conformance": obj{"get": operation("getConformance", "Conformance classes", "The OGC API conformance classes this server implements.",
			nil, jsonResponse("The conformance classes.", mediaJSON, ref("schemas", "ConfClasses")))},
		"/api": obj{"get": operation("getAPI", "API definition", "This document.",
			nil, jsonResponse("The OpenAPI 3.0 definition.", mediaOpenAPI, obj{"type": "object"}))},
		"/collections": obj{"get": operation("getCollections", "Collections", "The feature collections: one per level of geography of each edition.",
			nil, jsonResponse("The collections.", mediaJSON, ref("schemas", "Collections")))},
		"/collections/{collectionId}": obj{"get": operation("describeCollection", "Collection", "One feature collection.",
			[]any{
				obj{"name": "collectionId", "in": "path", "required": true, "description": "collection id, {edition}-{level}",
					"schema": obj{"type": "string", "enum": ids}},
				ref("parameters", "f"),
			},
			jsonResponse("The collection.", mediaJSON, ref("schemas", "Collection")))},
	}
	schemas := baseSchemas()
	for _, c := range cols {
		addCollectionPaths(paths, schemas, c)
	}
	return obj{
		"openapi": "3.0.3",
		"info": obj{
			"title":       "spatlas OGC API - Features",
			"version":     version,
			"description": apiDescription,
		},
		"servers": []any{obj{"url": base, "description": "this server"}},
		"paths":   paths,
		"components": obj{
			"parameters": baseParameters(),
			"schemas":    schemas,
			"responses": obj{
				"BadRequest":  errorResponse("A parameter is invalid; the message says which and why."),
				"NotFound":    errorResponse("No such collection or feature."),
				"ServerError": errorResponse("The server failed; the failure is logged."),
				"Unavailable": errorResponse("The database is unreachable or holds no data yet."),
			},
		},
	}
}

func ref(kind, name string) obj { return obj{"$ref": "#/components/" + kind + "/" + name} }

func operation(id, summary, description string, params []any, ok obj) obj {
	op := obj{
		"operationId": id,
		"summary":     summary,
		"description": description,
		"responses": obj{
			"200": ok,
			"400": ref("responses", "BadRequest"),
			"404": ref("responses", "NotFound"),
			"500": ref("responses", "ServerError"),
			"503": ref("responses", "Unavailable"),
		},
	}
	if params == nil {
		params = []any{ref("parameters", "f")}
	}
	op["parameters"] = params
	return op
}

func jsonResponse(description, mediaType string, schema obj) obj {
	return obj{"description": description, "content": obj{mediaType: obj{"schema": schema}}}
}

func errorResponse(description string) obj {
	return jsonResponse(description, mediaJSON, ref("schemas", "Exception"))
}

// propertiesParameter is the properties= parameter of a collection, its values the property names.
func propertiesParameter(c spatlas.Collection) obj {
	return obj{
		"name": "properties", "in": "query", "required": false, "style": "form", "explode": false,
		"description": "the properties to return, comma-separated; empty for none. Default: all.",
		"schema":      obj{"type": "array", "items": obj{"type": "string", "enum": propertyNames(c, false)}},
	}
}

// propertiesSchema describes the properties of a collection's features. Numbers may be null
// where the edition does not publish them.
func propertiesSchema(c spatlas.Collection) obj {
	props := obj{}
	for _, p := range c.Properties {
		props[p.Name] = obj{"type": p.Type, "description": p.Description, "nullable": true}
	}
	return obj{"type": "object", "properties": props}
}

func baseParameters() obj {
	return obj{
		"bbox": obj{
			"name": "bbox", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "only features whose geometry intersects this box: minLon,minLat,maxLon,maxLat in CRS84 (3D boxes are not supported)",
			"schema":      obj{"type": "array", "minItems": 4, "maxItems": 4, "items": obj{"type": "number"}},
		},
		"bbox-crs": obj{
			"name": "bbox-crs", "in": "query", "required": false,
			"description": "the CRS of bbox; only CRS84",
			"schema":      obj{"type": "string", "format": "uri", "enum": []string{crs84}, "default": crs84},
		},
		"limit": obj{
			"name": "limit", "in": "query", "required": false,
			"description": "the page size; larger values are refused, not capped",
			"schema":      obj{"type": "integer", "minimum": 1, "maximum": maxLimit, "default": defaultLimit},
		},
		"offset": obj{
			"name": "offset", "in": "query", "required": false,
			"description": "the number of features to skip",
			"schema":      obj{"type": "integer", "minimum": 0, "default": 0},
		},
		"datetime": obj{
			"name": "datetime", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "an RFC 3339 instant or interval; areas have no time of their own, so a valid datetime selects every feature",
			"schema":      obj{"type": "string"},
		},
		"zoom": obj{
			"name": "zoom", "in": "query", "required": false,
			"description": "web-map zoom level: geometry is generalised and coordinates rounded for display at it. Default: full resolution.",
			"schema":      obj{"type": "integer", "minimum": 0, "maximum": maxZoom},
		},
		"f": obj{
			"name": "f", "in": "query", "required": false,
			"description": "the response format",
			"schema":      obj{"type": "string", "enum": []string{"json"}, "default": "json"},
		},
		"featureId": obj{
			"name": "featureId", "in": "path", "required": true,
			"description": "the area code",
			"schema":      obj{"type": "string"},
		},
	}
}

func baseSchemas() obj {
	linkRef := ref("schemas", "Link")
	links := obj{"type": "array", "items": linkRef}
	schemas := geoJSONSchemas(links)
	for k, v := range (obj{
		"Link": obj{
			"type": "object", "required": []string{"href", "rel"},
			"properties": obj{
				"href": obj{"type": "string"}, "rel": obj{"type": "string"},
				"type": obj{"type": "string"}, "title": obj{"type": "string"},
			},
		},
		"Exception": obj{
			"type": "object", "required": []string{"code", "message"},
			"properties": obj{
				"code":    obj{"type": "string", "enum": []string{spatlas.EINVALID, spatlas.ENOTFOUND, spatlas.ECONFLICT, spatlas.EUNAVAILABLE, spatlas.EINTERNAL}},
				"message": obj{"type": "string"},
			},
		},
		"LandingPage": obj{
			"type": "object", "required": []string{"links"},
			"properties": obj{"title": obj{"type": "string"}, "description": obj{"type": "string"}, "links": links},
		},
		"ConfClasses": obj{
			"type": "object", "required": []string{"conformsTo"},
			"properties": obj{"conformsTo": obj{"type": "array", "items": obj{"type": "string"}}},
		},
		"Collections": obj{
			"type": "object", "required": []string{"links", "collections"},
			"properties": obj{"links": links, "collections": obj{"type": "array", "items": ref("schemas", "Collection")}},
		},
		"Collection": obj{
			"type": "object", "required": []string{"id", "links"},
			"properties": obj{
				"id": obj{"type": "string"}, "title": obj{"type": "string"}, "description": obj{"type": "string"},
				"links": links,
				"extent": obj{"type": "object", "properties": obj{"spatial": obj{"type": "object", "properties": obj{
					"bbox": obj{"type": "array", "items": obj{"type": "array", "minItems": 4, "maxItems": 4, "items": obj{"type": "number"}}},
					"crs":  obj{"type": "string"},
				}}}},
				"itemType": obj{"type": "string"},
				"crs":      obj{"type": "array", "items": obj{"type": "string"}},
				"spatlas": obj{"type": "object", "description": "spatlas's description of the collection", "properties": obj{
					"edition": obj{"type": "string"}, "edition_title": obj{"type": "string"},
					"level": obj{"type": "string"}, "count": obj{"type": "integer"},
					"properties": obj{"type": "array", "items": obj{"type": "object", "properties": obj{
						"name": obj{"type": "string"}, "type": obj{"type": "string"},
						"description": obj{"type": "string"}, "queryable": obj{"type": "boolean"},
					}}},
				}},
			},
		},
	}) {
		schemas[k] = v
	}
	return schemas
}

// addCollectionPaths adds the items, queryables and item paths of a collection, and the schema of
// its properties.
func addCollectionPaths(paths, schemas obj, c spatlas.Collection) {
	op := strings.ReplaceAll(c.ID, "-", "_")
	propsSchema := "properties_" + op
	schemas[propsSchema] = propertiesSchema(c)
	itemsParams := []any{
		ref("parameters", "bbox"), ref("parameters", "bbox-crs"), ref("parameters", "limit"),
		ref("parameters", "offset"), ref("parameters", "datetime"), propertiesParameter(c), ref("parameters", "zoom"), ref("parameters", "f"),
	}
	for _, p := range c.Properties {
		if p.Queryable {
			itemsParams = append(itemsParams, obj{
				"name": p.Name, "in": "query", "required": false, "style": "form", "explode": false,
				"description": "only features whose " + p.Name + " equals this value: " + p.Description,
				"schema":      obj{"type": p.Type},
			})
		}
	}
	paths["/collections/"+c.ID+"/items"] = obj{"get": operation("getFeatures_"+op, c.Title,
		"Features of "+c.ID+", in pages.", itemsParams,
		jsonResponse("A page of features.", mediaGeoJSON, obj{"allOf": []any{
			ref("schemas", "FeatureCollectionGeoJSON"),
			obj{"type": "object", "properties": obj{"features": obj{"type": "array", "items": obj{"allOf": []any{
				ref("schemas", "FeatureGeoJSON"),
				obj{"type": "object", "properties": obj{"properties": ref("schemas", propsSchema)}},
			}}}}},
		}}))}
	paths["/collections/"+c.ID+"/queryables"] = obj{"get": operation("getQueryables_"+op, c.Title+": queryables",
		"The properties of "+c.ID+" that items can be filtered on, as a JSON Schema (OGC API - Features Part 3).",
		[]any{ref("parameters", "f")},
		jsonResponse("The queryables.", mediaSchema, obj{"type": "object"}))}
	paths["/collections/"+c.ID+"/items/{featureId}"] = obj{"get": operation("getFeature_"+op, c.Title+": one feature",
		"One feature of "+c.ID+"; its id is the area code.",
		[]any{ref("parameters", "featureId"), propertiesParameter(c), ref("parameters", "zoom"), ref("parameters", "f")},
		jsonResponse("The feature.", mediaGeoJSON, obj{"allOf": []any{
			ref("schemas", "FeatureGeoJSON"),
			obj{"type": "object", "properties": obj{"properties": ref("schemas", propsSchema)}},
		}}))}
}

// geoJSONSchemas are the schemas of GeoJSON features and feature collections.
func geoJSONSchemas(links obj) obj {
	return obj{
		"GeometryGeoJSON": obj{
			"type": "object", "required": []string{"type", "coordinates"},
			"properties": obj{
				"type":        obj{"type": "string", "enum": []string{"Polygon", "MultiPolygon"}},
				"coordinates": obj{"type": "array", "items": obj{}},
			},
		},
		"FeatureGeoJSON": obj{
			"type": "object", "required": []string{"type", "geometry", "properties"},
			"properties": obj{
				"type":       obj{"type": "string", "enum": []string{"Feature"}},
				"id":         obj{"type": "string"},
				"geometry":   obj{"allOf": []any{ref("schemas", "GeometryGeoJSON")}, "nullable": true},
				"properties": obj{"type": "object", "nullable": true},
				"links":      links,
			},
		},
		"FeatureCollectionGeoJSON": obj{
			"type": "object", "required": []string{"type", "features"},
			"properties": obj{
				"type":           obj{"type": "string", "enum": []string{"FeatureCollection"}},
				"features":       obj{"type": "array", "items": ref("schemas", "FeatureGeoJSON")},
				"links":          links,
				"timeStamp":      obj{"type": "string", "format": "date-time"},
				"numberMatched":  obj{"type": "integer", "minimum": 0},
				"numberReturned": obj{"type": "integer", "minimum": 0},
			},
		},
	}
}
