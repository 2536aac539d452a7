package oruk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// JSON of the records: only the fields spatlas uses.

// text is a JSON string or number read as a trimmed string; null is "".
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*t = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = text(strings.TrimSpace(s))
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		*t = text(b)
	default:
		// The decoder adds the field's name to this error.
		return &json.UnmarshalTypeError{Value: jsonKind(b), Type: reflect.TypeFor[string]()}
	}
	return nil
}

// coord is a latitude or longitude: a JSON number or a string holding one. Anything else is kept
// in bad, for the rejection's reason.
type coord struct {
	set bool
	v   float64
	bad string
}

func (c *coord) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*c = coord{}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
	} else if s == "null" {
		s = ""
	}
	if s == "" {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if len(s) > 40 {
			s = s[:40] + "..."
		}
		c.bad = s
		return nil
	}
	c.set, c.v = true, v
	return nil
}

type address struct {
	AddressType text `json:"address_type"`
	Address1    text `json:"address_1"`
	Address2    text `json:"address_2"`
	City        text `json:"city"`
	PostalCode  text `json:"postal_code"`
}

type location struct {
	ID           text      `json:"id"`
	Name         text      `json:"name"`
	LocationType text      `json:"location_type"`
	Latitude     coord     `json:"latitude"`
	Longitude    coord     `json:"longitude"`
	Addresses    []address `json:"addresses"`
	// PhysicalAddresses are the addresses of ORUK before HSDS 3.
	PhysicalAddresses []address `json:"physical_addresses"`
}

type serviceAtLocation struct {
	ID       text      `json:"id"`
	Location *location `json:"location"`
}

// term is an HSDS 3 taxonomy_term or an ORUK taxonomy.
type term struct {
	ID         text `json:"id"`
	Code       text `json:"code"`
	Name       text `json:"name"`
	Term       text `json:"term"`
	Vocabulary text `json:"vocabulary"`
}

type organization struct {
	ID   text `json:"id"`
	Name text `json:"name"`
}

type service struct {
	row                int                 // the 1-based number of the service in its input, set by builder.add
	full               bool                // fetched in full from the API's service endpoint
	ID                 text                `json:"id"`
	Name               text                `json:"name"`
	URL                text                `json:"url"`
	Status             text                `json:"status"`
	Organization       *organization       `json:"organization"`
	ServiceAtLocations []serviceAtLocation `json:"service_at_locations"`
	Attributes         []struct {
		TaxonomyTerm *term `json:"taxonomy_term"`
	} `json:"attributes"`
	TaxonomyTerms    []term `json:"taxonomy_terms"`
	ServiceTaxonomys []struct {
		Taxonomy *term `json:"taxonomy"`
	} `json:"service_taxonomys"`
	TargetAudience []struct {
		AudienceType text `json:"audienceType"`
	} `json:"pc_targetAudience"`
}

// decodeRecord decodes one record of a document, called where in messages ("record 3"): one
// service, or the services of an organisation. org, when not nil, is the organisation of
// services that name none.
func decodeRecord(name, where string, raw json.RawMessage, org *organization) ([]*service, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: %s is a JSON %s, not a service", name, where, jsonKind(raw))
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: %s: %v", name, where, err)
	}
	if svcs, ok := obj["services"]; ok {
		return decodeOrganization(name, where, raw, obj, svcs)
	}
	if !isRecord(obj) {
		return nil, spatlas.Errorf(spatlas.EINVALID,
			`%s: %s is not an Open Referral service: it has no "id" with "status", "organization" or "service_at_locations" (it has %s)`,
			name, where, keyList(obj))
	}
	s := &service{}
	if sv, ok := obj["service"]; ok && !isNull(sv) {
		// A service_at_location: the service, at this one location.
		var sal struct {
			ID       text            `json:"id"`
			Location *location       `json:"location"`
			Service  json.RawMessage `json:"service"`
		}
		if err := json.Unmarshal(raw, &sal); err != nil {
			return nil, fieldError(name, where, obj, "", err)
		}
		if err := json.Unmarshal(sal.Service, s); err != nil {
			return nil, fieldError(name, where, obj, "service.", err)
		}
		s.ServiceAtLocations = []serviceAtLocation{{ID: sal.ID, Location: sal.Location}}
	} else if err := json.Unmarshal(raw, s); err != nil {
		return nil, fieldError(name, where, obj, "", err)
	}
	if s.Organization == nil {
		s.Organization = org
	}
	return []*service{s}, nil
}

// decodeOrganization decodes the services of an organisation.
func decodeOrganization(name, where string, raw json.RawMessage, obj map[string]json.RawMessage, svcs json.RawMessage) ([]*service, error) {
	var org organization
	if err := json.Unmarshal(raw, &org); err != nil {
		return nil, fieldError(name, where, obj, "", err)
	}
	var items []json.RawMessage
	if !isNull(svcs) {
		if err := json.Unmarshal(svcs, &items); err != nil {
			return nil, spatlas.Errorf(spatlas.EINVALID, "%s: %s: services is a JSON %s, not an array",
				name, where, jsonKind(bytes.TrimSpace(svcs)))
		}
	}
	var out []*service
	for i, it := range items {
		ss, err := decodeRecord(name, fmt.Sprintf("%s, service %d", where, i+1), it, &org)
		if err != nil {
			return nil, err
		}
		out = append(out, ss...)
	}
	return out, nil
}

// fieldError describes a record whose fields do not have the types HSDS gives them.
func fieldError(name, where string, obj map[string]json.RawMessage, prefix string, err error) error {
	var id text
	if v, ok := obj["id"]; ok && json.Unmarshal(v, &id) == nil && id != "" {
		where += fmt.Sprintf(" (id %s)", id)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := prefix + te.Field
		if field == "" {
			field = "the record"
		}
		what := te.Value
		if what == "" {
			what = "value"
		}
		return spatlas.Errorf(spatlas.EINVALID, "%s: %s: %s is a JSON %s where %s was expected",
			name, where, field, what, typeName(te.Type.String()))
	}
	return spatlas.Errorf(spatlas.EINVALID, "%s: %s: %v", name, where, err)
}

// typeName says in HSDS terms what a Go type of the decoder stands for.
func typeName(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"):
		return "an array"
	case strings.Contains(t, "oruk."), strings.HasPrefix(t, "map"), strings.HasPrefix(t, "struct"):
		return "an object"
	case t == "string":
		return "text"
	}
	return t
}
